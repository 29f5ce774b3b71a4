// A client that announces no capabilities at all (no progress, no configuration requests, no
// dynamic registration, plain-text hovers) still gets an indexed workspace and answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
  const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: at.textDocument });
  assert.equal(symbols.length, 2);
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
