// How editors start the server: with `--stdio` (the usual), with no transport argument at all
// (an editor configured with just `node server.js`), and `--help` from a terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { SERVER, startServer, uri } from './lspClient';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');

test('started with no transport argument, the server speaks LSP over stdio', async () => {
  const client = await startServer(FORMATS, { args: [] });
  try {
    await client.indexed();
    const refs = await client.request<unknown[]>('textDocument/references', {
      textDocument: { uri: uri(path.join(FORMATS, 'spamdyke.log')) }, position: { line: 1, character: 45 }, context: { includeDeclaration: true },
    });
    assert.equal(refs.length, 11);
    assert.deepEqual(client.stderr.join(''), '', 'nothing on stderr');
  } finally {
    await client.close();
  }
});

test('--help prints the usage and the transports, and exits 0 without waiting for a client', () => {
  const r = spawnSync(process.execPath, [SERVER, '--help'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: node server\.js \[--stdio \| --node-ipc \| --socket=PORT \| --pipe=NAME\]/);
  assert.match(r.stdout, /standard input and output by default/);
});
