// Semantic tokens for editors without our TextMate grammars: every coded field a token of a
// standard type, good/temporary/final as a modifier; none for a client that colours with the
// grammars (the VS Code extension).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { startServer, TestClient, uri } from './lspClient';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');
const CAPABILITIES = {
  textDocument: {
    semanticTokens: {
      requests: { full: true, range: true }, formats: ['relative'],
      tokenTypes: ['comment', 'keyword', 'string', 'number', 'enumMember', 'type', 'function', 'property'],
      tokenModifiers: ['success', 'temporary', 'permanent'],
    },
  },
};

interface Legend { tokenTypes: string[]; tokenModifiers: string[] }
interface Token { line: number; text: string; type: string; modifiers: string[] }

let client: TestClient;
let legend: Legend;
before(async () => {
  client = await startServer(FORMATS, { capabilities: CAPABILITIES });
  legend = (client.initializeResult.capabilities.semanticTokensProvider as { legend: Legend }).legend;
});
after(async () => client.close());

async function tokens(name: string, range?: { start: number; end: number }): Promise<Token[]> {
  const lines = fs.readFileSync(path.join(FORMATS, name), 'utf8').split('\n');
  const textDocument = { uri: uri(path.join(FORMATS, name)) };
  const answer = range
    ? await client.request<{ data: number[] }>('textDocument/semanticTokens/range', { textDocument, range: { start: { line: range.start, character: 0 }, end: { line: range.end, character: 0 } } })
    : await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument });
  const out: Token[] = [];
  let line = 0, start = 0;
  for (let i = 0; i < answer.data.length; i += 5) {
    const [dLine, dStart, length, type, mods] = answer.data.slice(i, i + 5);
    line += dLine;
    start = dLine ? dStart : start + dStart;
    out.push({ line, text: lines[line].slice(start, start + length), type: legend.tokenTypes[type], modifiers: legend.tokenModifiers.filter((_, k) => mods & (1 << k)) });
    const previous = out[out.length - 2];
    if (previous && previous.line === line) assert.ok(dStart > 0, `tokens of line ${line} ascend without overlap`);
  }
  return out;
}

const find = (all: Token[], text: string, line?: number) => {
  const t = all.find((x) => x.text === text && (line === undefined || x.line === line));
  assert.ok(t, `a token "${text}"${line === undefined ? '' : ` on line ${line}`} among ${all.map((x) => x.text).join(' | ')}`);
  return t;
};

test('the server offers tokens with a legend of standard types to a client that asks for them', () => {
  assert.deepEqual(legend.tokenTypes.slice(0, 4), ['comment', 'keyword', 'string', 'number']);
  assert.deepEqual(legend.tokenModifiers, ['success', 'temporary', 'permanent']);
});

test('spamdyke: stamp, host, program, pid, verdicts with their weight, labels, addresses, IPs', async () => {
  const all = await tokens('spamdyke.log');
  assert.equal(find(all, 'Mar  9 11:10:37').type, 'comment');
  assert.equal(find(all, 'server', 0).type, 'type');
  assert.equal(find(all, 'spamdyke', 0).type, 'function');
  assert.equal(find(all, '29207').type, 'number');
  assert.deepEqual(find(all, 'DENIED_RDNS_MISSING'), { line: 0, text: 'DENIED_RDNS_MISSING', type: 'enumMember', modifiers: ['permanent'] });
  assert.deepEqual(find(all, 'ALLOWED').modifiers, ['success']);
  assert.equal(find(all, 'spam@mail.spam-source.net').type, 'string');
  assert.equal(find(all, '203.0.113.9').type, 'number');
  assert.equal(find(all, 'origin_ip:', 0).type, 'property');
});

test('SMTP: reply codes by class, the queue reply\'s epoch and qp, kinds and addresses', async () => {
  const all = await tokens('smtp_25.log');
  assert.deepEqual(find(all, '554').modifiers, ['permanent']);
  assert.deepEqual(find(all, '250', 1).modifiers, ['success']);
  assert.equal(find(all, '1615286631').type, 'number');
  assert.equal(find(all, '15309').type, 'number');
  assert.equal(find(all, 'from', 0).type, 'keyword');
  assert.equal(find(all, 'recipient@example.com', 2).type, 'string');
});

test('delivery: outcomes by weight and ids', async () => {
  const all = await tokens('delivery.log');
  assert.deepEqual(find(all, 'success'), { line: 2, text: 'success', type: 'enumMember', modifiers: ['success'] });
  assert.equal(find(all, '114878', 1).type, 'number');
  assert.equal(find(all, 'local').type, 'keyword');
});

test('a range request answers only for its lines', async () => {
  const some = await tokens('smtp_25.log', { start: 5, end: 7 });
  assert.ok(some.length > 0);
  assert.ok(some.every((t) => t.line >= 5 && t.line <= 7), some.map((t) => t.line).join(','));
});

test('a client that colours with the TextMate grammars is offered no tokens', async () => {
  const vscodeLike = await startServer(FORMATS, { capabilities: CAPABILITIES, initializationOptions: { textMateGrammars: true } });
  try {
    assert.equal(vscodeLike.initializeResult.capabilities.semanticTokensProvider, undefined);
  } finally {
    await vscodeLike.close();
  }
});
