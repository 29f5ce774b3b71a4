// The same log downloaded twice into one folder: the server says so once, and a repeated line
// leads to the message of the line it repeats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { serverOnTempFolder, uri } from './lspClient';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');
interface Loc { uri: string; range: { start: { line: number } } }

const ws = serverOnTempFolder('mll-twice-', (dir) => {
  for (const f of fs.readdirSync(FORMATS)) fs.copyFileSync(path.join(FORMATS, f), path.join(dir, f));
  // The second download starts with the second transaction of the first (line 5 on) and goes on.
  const smtp = fs.readFileSync(path.join(FORMATS, 'smtp_25.log'), 'utf8').split('\n');
  const later = '\n2021-03-09 13:00:00, from, late@elsewhere.example.net\n2021-03-09 13:00:00, resp, 250 ok\n2021-03-09 13:00:00, to, <recipient@example.com>\n2021-03-09 13:00:00, resp, 554 no\n';
  fs.writeFileSync(path.join(dir, 'smtp_25 (1).log'), smtp.slice(5).join('\n') + later);
});

const key = (l: Loc) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line}`;

test('the server reports the repeated lines once, naming both files', () => {
  const notes = ws.client.logs.filter((l) => l.includes('downloaded twice'));
  assert.equal(notes.length, 1);
  assert.match(notes[0], /lines 1-7 of .*smtp_25 \(1\)\.log are lines 6-12 of .*smtp_25\.log/);
});

test('a repeated line leads to the message of the line it repeats; the new lines have their own', async () => {
  const refs = await ws.client.request<Loc[]>('textDocument/references', {
    textDocument: { uri: uri(path.join(ws.dir, 'smtp_25 (1).log')) }, position: { line: 0, character: 5 }, context: { includeDeclaration: true },
  });
  assert.ok(refs.map(key).includes('smtp_25.log:5'), 'the transaction in the first download');
  assert.ok(refs.map(key).includes('spamdyke.log:1'), 'and the rest of its message');
  assert.ok(!refs.map(key).some((k) => k.startsWith('smtp_25 (1).log')), 'the repeat is not a second copy of the message');
  const messages = await ws.client.request<{ total: number }>('mailLogs/messages', { events: false });
  assert.equal(messages.total, 3, 'the two messages of the first download and the new one');
});

test('hovering a repeated line says where else it stands and which copy counts', async () => {
  const hover = await ws.client.request<{ contents: { value: string } } | null>('textDocument/hover', {
    textDocument: { uri: uri(path.join(ws.dir, 'smtp_25 (1).log')) }, position: { line: 2, character: 5 },
  });
  assert.ok(hover);
  assert.match(hover.contents.value, /Repeated line/);
  assert.match(hover.contents.value, /smtp_25\.log#L8\)/);
  const fresh = await ws.client.request<{ contents: { value: string } } | null>('textDocument/hover', {
    textDocument: { uri: uri(path.join(ws.dir, 'smtp_25 (1).log')) }, position: { line: 9, character: 5 },
  });
  assert.ok(fresh);
  assert.doesNotMatch(fresh.contents.value, /Repeated line/);
});
