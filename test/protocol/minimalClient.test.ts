// A client that announces no capabilities at all (no progress, no configuration requests, no
// dynamic registration, plain-text hovers) still gets an indexed workspace and answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startServer, TestClient, uri } from './lspClient';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');
let client: TestClient;

before(async () => {
  client = await startServer(FORMATS, { capabilities: {} });
});
after(async () => {
  await client.close();
});

test('without progress support the index still builds, and requests answer', async () => {
  const at = { textDocument: { uri: uri(path.join(FORMATS, 'spamdyke.log')) }, position: { line: 1, character: 45 } };
  let refs: unknown[] = [];
  for (let i = 0; i < 100 && refs.length === 0; i++) {
    refs = await client.request<unknown[]>('textDocument/references', { ...at, context: { includeDeclaration: true } });
    if (!refs.length) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(refs.length, 11);
  const hover = await client.request<{ contents: { kind: string; value: string } }>('textDocument/hover', at);
  assert.match(hover.contents.value, /Passed spamdyke/);
  // No markdown announced: plain text, without markdown escapes, emphasis or link syntax.
  assert.equal(hover.contents.kind, 'plaintext');
  assert.match(hover.contents.value, /spamdyke's checks/);
  assert.doesNotMatch(hover.contents.value, /\\[!-/:-@[-`{-~]|\*\*|\]\(file:/);
  const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: at.textDocument });
  assert.equal(symbols.length, 2);
});

test('a client that announces no capabilities is sent no request at all; one that does gets what it announced', async () => {
  // Without progress the end of indexing shows in the answers; a refresh would follow it at once.
  const at = { textDocument: { uri: uri(path.join(FORMATS, 'spamdyke.log')) }, position: { line: 1, character: 45 }, context: { includeDeclaration: true } };
  for (let i = 0; i < 100 && !(await client.request<unknown[]>('textDocument/references', at)).length; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(client.serverRequests, []);
  const full = await startServer(FORMATS);
  try {
    await full.indexed();
    await new Promise((r) => setTimeout(r, 200));
    for (const method of ['window/workDoneProgress/create', 'workspace/configuration', 'client/registerCapability', 'workspace/inlayHint/refresh']) {
      assert.ok(full.serverRequests.includes(method), `${method} among ${full.serverRequests.join(', ')}`);
    }
  } finally {
    await full.close();
  }
});

test('a client that asks at once, without waiting for the index or for its edits to settle, gets full answers', async () => {
  const c = await startServer(FORMATS, { capabilities: {} });
  try {
    const spamdyke = uri(path.join(FORMATS, 'spamdyke.log'));
    const text = fs.readFileSync(path.join(FORMATS, 'spamdyke.log'), 'utf8');
    c.notify('textDocument/didOpen', { textDocument: { uri: spamdyke, languageId: 'spamdyke-log', version: 0, text } });
    const refs = await c.request<unknown[]>('textDocument/references', { textDocument: { uri: spamdyke }, position: { line: 1, character: 45 }, context: { includeDeclaration: true } });
    assert.equal(refs.length, 11, 'the first answer already knows all three logs');
    const added = 'Mar  9 13:00:00 server spamdyke[4242]: DENIED_GRAYLISTED from: x@elsewhere.example.net to: recipient@example.com origin_ip: 203.0.113.7 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)';
    c.notify('textDocument/didChange', { textDocument: { uri: spamdyke, version: 1 }, contentChanges: [{ text: `${text}${added}\n` }] });
    const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: spamdyke }, position: { line: 2, character: 45 } });
    assert.match(hover?.contents.value ?? '', /[Gg]raylist/, 'the edit is parsed before the answer');
  } finally {
    await c.close();
  }
});

test('lines the parser does not understand are reported once per file, with where they are', async () => {
  const folder = path.resolve(__dirname, '../../../test/fixtures/hover');
  const c = await startServer(folder);
  try {
    await c.indexed();
    const reports = c.logs.filter((m) => m.includes('are left out of correlation'));
    assert.equal(reports.length, 1, reports.join('\n'));
    assert.match(reports[0], /smtp_25\.log/);
    assert.match(reports[0], /first: line \d+ \(/);
  } finally {
    await c.close();
  }
});

test('a client without workspace/configuration sets options in initializationOptions and changes them with didChangeConfiguration', async () => {
  const folder = path.resolve(__dirname, '../../../test/fixtures/hover');
  const spamdyke = uri(path.join(folder, 'spamdyke.log'));
  const c = await startServer(folder, { capabilities: {}, initializationOptions: { mailLogLens: { diagnostics: 'refusals' } } });
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(ok(), what);
  };
  try {
    // 'refusals' reports spamdyke's DENIED lines; the default ('failures') reports none there.
    await until('DENIED lines reported as set in initializationOptions', () => (c.diagnostics.get(spamdyke)?.length ?? 0) > 0);
    assert.ok(c.diagnostics.get(spamdyke)!.every((d) => /denied|refused|DENIED/i.test(d.message)), 'only refusals');
    c.notify('workspace/didChangeConfiguration', { settings: { mailLogLens: { diagnostics: 'none' } } });
    await until('no diagnostics after the pushed change', () => c.diagnostics.get(spamdyke)?.length === 0);
  } finally {
    await c.close();
  }
});

test('a client that cannot watch files still gets logs appended to or deleted on disk indexed again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-nowatch-'));
  for (const f of fs.readdirSync(FORMATS)) fs.copyFileSync(path.join(FORMATS, f), path.join(dir, f));
  const c = await startServer(dir, { capabilities: {} });
  const refs = (file: string, line: number) => c.request<Array<{ uri: string; range: { start: { line: number } } }>>('textDocument/references', {
    textDocument: { uri: uri(path.join(dir, file)) }, position: { line, character: 3 }, context: { includeDeclaration: true },
  });
  const names = (locs: Array<{ uri: string; range: { start: { line: number } } }>) => locs.map((l) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line}`).sort();
  const until = async <T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string) => {
    let last: T | undefined;
    for (let i = 0; i < 100; i++) {
      last = await fn();
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${what}: last answer ${JSON.stringify(last)}`);
  };
  try {
    await until(() => refs('spamdyke.log', 1), (r) => r.length === 11, 'the download is indexed');
    fs.appendFileSync(path.join(dir, 'smtp_25.log'), '\n2021-03-09 13:00:00, from, late@elsewhere.example.net\n2021-03-09 13:00:00, resp, 250 ok\n'
      + '2021-03-09 13:00:00, to, <recipient@example.com>\n2021-03-09 13:00:00, resp, 250 ok\n2021-03-09 13:00:01, resp, 250 ok 1615291201 qp 15400\n');
    fs.appendFileSync(path.join(dir, 'spamdyke.log'), 'Mar  9 13:00:01 server spamdyke[15401]: ALLOWED from: late@elsewhere.example.net to: recipient@example.com '
      + 'origin_ip: 198.51.100.30 origin_rdns: mx.elsewhere.example.net auth: (unknown) encryption: (none) reason: 250_ok_1615291201_qp_15400\n');
    const joined = await until(() => refs('spamdyke.log', 2), (r) => r.length === 6, 'the appended message is joined');
    assert.deepEqual(names(joined), ['smtp_25.log:13', 'smtp_25.log:14', 'smtp_25.log:15', 'smtp_25.log:16', 'smtp_25.log:17', 'spamdyke.log:2']);
    fs.rmSync(path.join(dir, 'spamdyke.log'));
    const alone = await until(() => refs('smtp_25.log', 13), (r) => r.length === 5, 'the deleted log leaves the index');
    assert.ok(alone.every((l) => !l.uri.endsWith('spamdyke.log')));
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('log text that exists only in the editor (untitled buffers) is indexed and joined across buffers', async () => {
  const c = await startServer(undefined);
  try {
    const buffers = ['smtp_25.log', 'delivery.log', 'spamdyke.log'].map((name, i) => ({ name, uri: `untitled:Untitled-${i + 1}` }));
    for (const b of buffers) {
      c.notify('textDocument/didOpen', { textDocument: { uri: b.uri, languageId: 'plaintext', version: 1, text: fs.readFileSync(path.join(FORMATS, b.name), 'utf8') } });
    }
    const spamdyke = buffers[2].uri;
    const at = { textDocument: { uri: spamdyke }, position: { line: 1, character: 45 } };
    let refs: Array<{ uri: string }> = [];
    for (let i = 0; i < 100 && refs.length < 11; i++) {
      refs = (await c.request<Array<{ uri: string }> | null>('textDocument/references', { ...at, context: { includeDeclaration: true } })) ?? [];
      if (refs.length < 11) await new Promise((r) => setTimeout(r, 50));
    }
    // The same message as in the files on disk: its lines in all three buffers, and nowhere else.
    assert.equal(refs.length, 11);
    assert.deepEqual([...new Set(refs.map((r) => r.uri))].sort(), buffers.map((b) => b.uri).sort());
    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', at);
    assert.match(hover.contents.value, /Passed spamdyke/);
    c.notify('textDocument/didClose', { textDocument: { uri: spamdyke } });
    let after: unknown[] | null = [];
    for (let i = 0; i < 100 && after && after.length; i++) {
      after = await c.request<unknown[] | null>('textDocument/references', { ...at, context: { includeDeclaration: true } });
      if (after && after.length) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(!after || after.length === 0, 'a closed buffer leaves the index');
  } finally {
    await c.close();
  }
});

test('a client that counts document versions from 0 (Neovim, Helix, Emacs) has its first edit seen', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-version0-'));
  const c = await startServer(dir, { capabilities: {} });
  try {
    const file = path.join(dir, 'delivery.log');
    const text = fs.readFileSync(path.join(FORMATS, 'delivery.log'), 'utf8');
    fs.writeFileSync(file, text);
    const at = { textDocument: { uri: uri(file) }, position: { line: 1, character: 5 }, context: { includeDeclaration: true } };
    c.notify('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'log', version: 0, text } });
    let refs: unknown[] = [];
    for (let i = 0; i < 100 && refs.length !== 3; i++) {
      refs = (await c.request<unknown[] | null>('textDocument/references', at)) ?? [];
      if (refs.length !== 3) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(refs.length, 3, 'the opened delivery group');
    // The first edit (version 1) adds a second attempt to the group.
    const edited = text.replace('2021-03-09 12:43:51, result, 114878, success, did_0+0+1/',
      '2021-03-09 12:43:51, result, 114878, success, did_0+0+1/\n2021-03-09 12:43:52, try, 114879, local, other@example.com\n2021-03-09 12:43:52, result, 114879, success, did_0+0+1/');
    assert.notEqual(edited, text);
    c.notify('textDocument/didChange', { textDocument: { uri: uri(file), version: 1 }, contentChanges: [{ text: edited }] });
    for (let i = 0; i < 100 && refs.length !== 5; i++) {
      refs = (await c.request<unknown[] | null>('textDocument/references', at)) ?? [];
      if (refs.length !== 5) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(refs.length, 5, 'the edited group, with the attempt the first edit added');
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a client that refuses the server\'s registrations keeps a live server, which then watches the disk itself', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-refuse-'));
  for (const f of ['smtp_25.log', 'spamdyke.log']) fs.copyFileSync(path.join(FORMATS, f), path.join(dir, f));
  const c = await startServer(dir, { refuseRegistrations: true });
  try {
    await c.indexed();
    const at = { textDocument: { uri: uri(path.join(dir, 'spamdyke.log')) }, position: { line: 1, character: 45 }, context: { includeDeclaration: true } };
    assert.equal((await c.request<unknown[]>('textDocument/references', at)).length, 8);
    // No didChangeWatchedFiles will come: the server's own watcher sees the delivery log arrive.
    fs.copyFileSync(path.join(FORMATS, 'delivery.log'), path.join(dir, 'delivery.log'));
    let refs: unknown[] = [];
    for (let i = 0; i < 100 && refs.length !== 11; i++) {
      refs = await c.request<unknown[]>('textDocument/references', at);
      if (refs.length !== 11) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(refs.length, 11, 'the new delivery log joins the message');
    assert.equal(c.process.exitCode, null, 'the server is running');
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without client watchers, a log that is written to all the time is still followed while it is written', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-writing-'));
  const file = path.join(dir, 'smtp_25.log');
  fs.copyFileSync(path.join(FORMATS, 'smtp_25.log'), file);
  const c = await startServer(dir, { capabilities: {} });
  let writing = true;
  try {
    const before = fs.readFileSync(file, 'utf8').split('\n').length - 1;
    // A transaction every 100 ms for 4 s: more often than the watcher's 300 ms wait.
    const writer = (async () => {
      for (let n = 0; n < 40; n++) {
        const at = `2021-03-09 15:00:${String(n % 60).padStart(2, '0')}`;
        fs.appendFileSync(file, `\n${at}, from, w${n}@elsewhere.example.net\n${at}, resp, 250 ok\n${at}, to, <recipient@example.com>\n${at}, resp, 554 no\n`);
        await new Promise((r) => setTimeout(r, 100));
      }
      writing = false;
    })();
    const third = before + 2 * 5 + 1;
    let seenWhileWriting = false;
    while (writing) {
      const refs = (await c.request<unknown[] | null>('textDocument/references', { textDocument: { uri: uri(file) }, position: { line: third, character: 5 }, context: { includeDeclaration: true } })) ?? [];
      if (refs.length === 4) {
        seenWhileWriting = writing;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await writer;
    assert.ok(seenWhileWriting, 'the third transaction was indexed while the log was still being written');
  } finally {
    writing = false;
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
