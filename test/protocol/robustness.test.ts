// Requests no editor would send, or would send only by accident: positions past the end of a
// line or of the file, negative numbers, files that are not logs or do not exist, odd filters.
// The server must answer every one, without an error (an empty answer where there is nothing), and
// live on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { serverForTests, uri } from './lspClient';

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
