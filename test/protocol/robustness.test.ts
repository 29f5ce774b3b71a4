// Requests no editor would send, or would send only by accident: positions past the end of a
// line or of the file, negative numbers, files that are not logs or do not exist, odd filters.
// The server must answer every one, without an error (an empty answer where there is nothing), and
// live on. Also documents opened, edited and closed, and files changed on disk, in random order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { serverForTests, serverOnTempFolder, uri } from './lspClient';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');

const server = serverForTests(FORMATS);

/** A small seeded generator, so that a failure can be reproduced. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const DOCUMENTS = [
  ...['smtp_25.log', 'delivery.log', 'spamdyke.log'].map((f) => uri(path.join(FORMATS, f))),
  uri(path.join(FORMATS, 'no-such-file.log')),
  uri(path.join(FORMATS, '..', 'hover', 'smtp_25.log')),
  'untitled:Untitled-9',
  'file:///',
  'not a uri',
];
const NUMBERS = [0, 1, 3, 5, 11, 12, 200, 2 ** 31 - 1, -1, -100, 0.5, 1e9];

test('position requests anywhere, on any document, get an answer and never kill the server', async () => {
  const next = random(20261205);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  for (let i = 0; i < 400; i++) {
    const textDocument = { uri: pick(DOCUMENTS) };
    const position = { line: pick(NUMBERS), character: pick(NUMBERS) };
    const method = pick(['textDocument/hover', 'textDocument/definition', 'textDocument/references', 'textDocument/documentHighlight']);
    const params = method === 'textDocument/references' ? { textDocument, position, context: { includeDeclaration: next() < 0.5 } } : { textDocument, position };
    const result = await server().request<unknown>(method, params).catch((e: unknown) => assert.fail(`${method} ${JSON.stringify(params)}: ${e}`));
    assert.ok(result === null || typeof result === 'object', `${method} answers null, an object or a list`);
  }
  for (const textDocument of DOCUMENTS.map((u) => ({ uri: u }))) {
    for (const [method, extra] of [
      ['textDocument/documentSymbol', {}],
      ['textDocument/foldingRange', {}],
      ['textDocument/inlayHint', { range: { start: { line: -5, character: 0 }, end: { line: 2 ** 31 - 1, character: 0 } } }],
    ] as const) {
      const result = await server().request<unknown>(method, { textDocument, ...extra }).catch((e: unknown) => assert.fail(`${method} on ${textDocument.uri}: ${e}`));
      assert.ok(result === null || Array.isArray(result), `${method} on ${textDocument.uri}`);
    }
  }
  const weird = [{}, { query: '' }, { query: '\u0000[(*' }, { limit: -1 }, { limit: 1e9, offset: -5 }, { outcome: 'nonsense' }, { order: 'sideways' }, null];
  for (const params of weird) {
    const result = await server().request<{ messages: unknown[] }>('mailLogs/messages', params).catch((e: unknown) => assert.fail(`mailLogs/messages ${JSON.stringify(params)}: ${e}`));
    assert.ok(Array.isArray(result.messages), `mailLogs/messages ${JSON.stringify(params)}`);
  }
  await server().request('workspace/symbol', { query: '.*[' });
  // Still alive, and still right.
  const refs = await server().request<unknown[]>('textDocument/references', {
    textDocument: { uri: uri(path.join(FORMATS, 'spamdyke.log')) }, position: { line: 1, character: 5 }, context: { includeDeclaration: true },
  });
  assert.equal(refs.length, 11);
  assert.equal(server().process.exitCode, null, 'the server process is running');
  assert.doesNotMatch(server().stderr.join(''), /Error|at .*\.js:\d+/, 'no exception on the server\'s stderr');
  assert.ok(!server().logs.some((l) => /Error|exception/i.test(l)), `no error in the server's log: ${server().logs.filter((l) => /Error|exception/i.test(l)).slice(0, 3).join(' | ')}`);
});

describe('document sync in random order', () => {
  const ws = serverOnTempFolder('sync-fuzz-', (dir) => {
    for (const f of fs.readdirSync(FORMATS)) fs.copyFileSync(path.join(FORMATS, f), path.join(dir, f));
  });

  test('opens, edits (whole and ranged, with stray CRs and NULs), closes and disk changes never break the server, and it ends right', async () => {
    const next = random(424242);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const files = ['smtp_25.log', 'delivery.log', 'spamdyke.log', 'new.log'];
    const docs = [...files.map((f) => uri(path.join(ws.dir, f))), 'untitled:Untitled-1'];
    const samples = fs.readdirSync(FORMATS).flatMap((f) => fs.readFileSync(path.join(FORMATS, f), 'utf8').split('\n'));
    const junk = () => Array.from({ length: Math.floor(next() * 60) }, () => String.fromCharCode(next() < 0.1 ? pick([0, 13, 10, 0xfeff, 0xd800]) : Math.floor(next() * 0x250))).join('');
    const line = () => (next() < 0.7 ? pick(samples) : junk());
    const open = new Map<string, { text: string; version: number }>();
    for (let i = 0; i < 600; i++) {
      const u = pick(docs);
      const doc = open.get(u);
      const r = next();
      if (!doc && r < 0.3) {
        const text = Array.from({ length: Math.floor(next() * 20) }, line).join(pick(['\n', '\r\n', '\r']));
        open.set(u, { text, version: 0 });
        ws.client.notify('textDocument/didOpen', { textDocument: { uri: u, languageId: pick(['qmail-smtp-log', 'log', 'plaintext']), version: 0, text } });
      } else if (doc && r < 0.5) {
        const insert = line() + pick(['\n', '\r', '\r\n', '']);
        doc.version++;
        const whole = next() < 0.5;
        if (whole) doc.text = insert + doc.text;
        const at = { line: Math.floor(next() * 30), character: Math.floor(next() * 20) };
        ws.client.notify('textDocument/didChange', {
          textDocument: { uri: u, version: doc.version },
          contentChanges: [whole ? { text: doc.text } : { range: { start: at, end: { line: at.line + 1, character: 0 } }, text: insert }],
        });
      } else if (doc && r < 0.6) {
        open.delete(u);
        ws.client.notify('textDocument/didClose', { textDocument: { uri: u } });
      } else if (r < 0.65) {
        const f = path.join(ws.dir, pick(['new.log', 'junk.txt']));
        if (next() < 0.3) fs.rmSync(f, { force: true });
        else fs.appendFileSync(f, line() + pick(['\n', '\r']));
        ws.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(f), type: pick([1, 2, 3]) }] });
      } else {
        const method = pick(['textDocument/hover', 'textDocument/definition', 'textDocument/references', 'textDocument/documentSymbol', 'textDocument/inlayHint', 'mailLogs/messages']);
        const position = { line: Math.floor(next() * 30), character: Math.floor(next() * 120) };
        const params = method === 'mailLogs/messages' ? { limit: 20 } : {
          textDocument: { uri: u }, position, context: { includeDeclaration: true }, range: { start: { line: 0, character: 0 }, end: { line: 50, character: 0 } },
        };
        await ws.client.request(method, params).catch((e: unknown) => assert.fail(`${method}: ${e}`));
      }
    }
    for (const u of open.keys()) ws.client.notify('textDocument/didClose', { textDocument: { uri: u } });
    const refs = await ws.client.request<unknown[]>('textDocument/references', {
      textDocument: { uri: uri(path.join(ws.dir, 'spamdyke.log')) }, position: { line: 1, character: 5 }, context: { includeDeclaration: true },
    });
    assert.equal(refs.length, 11, 'with every editor closed, the logs on disk correlate as before');
    assert.equal(ws.client.process.exitCode, null, 'the server process is running');
    assert.doesNotMatch(ws.client.stderr.join(''), /Error|at .*\.js:\d+/);
    assert.ok(!ws.client.logs.some((l) => /Error|exception/i.test(l)), ws.client.logs.filter((l) => /Error|exception/i.test(l)).slice(0, 3).join(' | '));
  });
});
