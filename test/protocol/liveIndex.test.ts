// The index follows the workspace: unsaved edits in an editor, files appended to, replaced and
// deleted on disk (reported by the client as watched-file changes), and a log opened from
// outside any workspace folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serverOnTempFolder, uri } from './lspClient';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');
interface Loc { uri: string; range: { start: { line: number } } }

const refs = (file: string, line: number) => ws.client.request<Loc[]>('textDocument/references', {
  textDocument: { uri: uri(path.join(ws.dir, file)) }, position: { line, character: 3 }, context: { includeDeclaration: true },
});
const keys = (locs: Loc[]) => locs.map((l) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line}`).sort();

/** Polls until fn's answer satisfies ok (the server debounces edits and re-indexes asynchronously). */
async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 100; i++) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: last answer ${JSON.stringify(last)}`);
}

const ws = serverOnTempFolder('mll-live-', (dir) => {
  for (const f of fs.readdirSync(FORMATS)) fs.copyFileSync(path.join(FORMATS, f), path.join(dir, f));
});

const NEW_SMTP = '\n2021-03-09 13:00:00, from, late@elsewhere.example.net\n2021-03-09 13:00:00, resp, 250 ok\n2021-03-09 13:00:00, to, <recipient@example.com>\n2021-03-09 13:00:00, resp, 250 ok\n2021-03-09 13:00:01, resp, 250 ok 1615291201 qp 15400\n';
const NEW_SPAMDYKE = 'Mar  9 13:00:01 server spamdyke[15401]: ALLOWED from: late@elsewhere.example.net to: recipient@example.com origin_ip: 198.51.100.30 origin_rdns: mx.elsewhere.example.net auth: (unknown) encryption: (none) reason: 250_ok_1615291201_qp_15400\n';

test('a file appended to on disk is indexed again and its new message correlates', async () => {
  fs.appendFileSync(path.join(ws.dir, 'smtp_25.log'), NEW_SMTP);
  fs.appendFileSync(path.join(ws.dir, 'spamdyke.log'), NEW_SPAMDYKE);
  ws.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(path.join(ws.dir, 'smtp_25.log')), type: 2 }, { uri: uri(path.join(ws.dir, 'spamdyke.log')), type: 2 }] });
  const got = await eventually(() => refs('spamdyke.log', 2), (r) => r.length === 6, 'references of the appended spamdyke line');
  assert.deepEqual(keys(got), ['smtp_25.log:13', 'smtp_25.log:14', 'smtp_25.log:15', 'smtp_25.log:16', 'smtp_25.log:17', 'spamdyke.log:2']);
});

test('a log written in a quick burst, one change notice per write, ends up complete', async () => {
  const file = path.join(ws.dir, 'smtp_25.log');
  const before = fs.readFileSync(file, 'utf8').split('\n').length - 1;
  for (let n = 0; n < 20; n++) {
    const at = `2021-03-09 14:00:${String(n).padStart(2, '0')}`;
    fs.appendFileSync(file, `\n${at}, from, burst${n}@elsewhere.example.net\n${at}, resp, 250 ok\n${at}, to, <recipient@example.com>\n${at}, resp, 554 no\n`);
    ws.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(file), type: 2 }] });
    await new Promise((r) => setTimeout(r, 20));
  }
  // The last transaction's four lines, whatever re-reads the server coalesced on the way.
  const last = before + 20 * 5 - 1;
  const got = await eventually(() => refs('smtp_25.log', last), (r) => r.length === 4, 'references of the last written transaction');
  assert.deepEqual(keys(got), [last - 3, last - 2, last - 1, last].map((l) => `smtp_25.log:${l}`).sort());
  const first = await refs('smtp_25.log', before + 1);
  assert.equal(first.length, 4, 'the first transaction of the burst is there too');
});

test('unsaved edits in an editor take the place of the file on disk, and closing reverts', async () => {
  const file = path.join(ws.dir, 'delivery.log');
  const onDisk = fs.readFileSync(file, 'utf8');
  ws.client.notify('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'qmail-delivery-log', version: 1, text: onDisk } });
  // The delivery group is cut off from its SMTP transaction by moving it an hour later.
  const edited = onDisk.replace(/2021-03-09 12:43:51/g, '2021-03-09 13:43:51');
  ws.client.notify('textDocument/didChange', { textDocument: { uri: uri(file), version: 2 }, contentChanges: [{ text: edited }] });
  await eventually(() => refs('delivery.log', 1), (r) => r.length === 3, 'references after the edit');
  assert.deepEqual(keys(await refs('delivery.log', 1)), ['delivery.log:0', 'delivery.log:1', 'delivery.log:2']);
  ws.client.notify('textDocument/didClose', { textDocument: { uri: uri(file) } });
  await eventually(() => refs('delivery.log', 1), (r) => r.length > 3, 'references after closing the editor');
});

test('a file replaced on disk with other content, then deleted, leaves the index', async () => {
  const file = path.join(ws.dir, 'spamdyke.log');
  fs.writeFileSync(file, 'this is no longer a mail log\n');
  ws.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(file), type: 2 }] });
  await eventually(() => refs('smtp_25.log', 0), (r) => r.length === 4, 'references once the spamdyke log is gone');
  fs.rmSync(path.join(ws.dir, 'delivery.log'));
  ws.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(path.join(ws.dir, 'delivery.log')), type: 3 }] });
  await eventually(() => refs('smtp_25.log', 6), (r) => r.length === 7, 'references once the delivery log is deleted');
  assert.ok(keys(await refs('smtp_25.log', 6)).every((k) => k.startsWith('smtp_25.log:')));
});

test('a log opened from outside the workspace gets the logs beside it indexed', async () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-outside-'));
  try {
    for (const f of fs.readdirSync(FORMATS)) fs.copyFileSync(path.join(FORMATS, f), path.join(outside, f));
    const file = path.join(outside, 'spamdyke.log');
    ws.client.notify('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'spamdyke-log', version: 1, text: fs.readFileSync(file, 'utf8') } });
    const got = await eventually(() => ws.client.request<Loc[]>('textDocument/definition', { textDocument: { uri: uri(file) }, position: { line: 1, character: 20 } }), (r) => r.length === 2, 'definition from the outside log');
    assert.ok(got.every((l) => new URL(l.uri).pathname.startsWith(outside)), 'the related lines are the ones beside the opened file');
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});
