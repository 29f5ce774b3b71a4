// A download saved as UTF-16 by a Windows tool: the server reads it from disk like UTF-8 logs,
// and positions are those of the text an editor shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { serverOnTempFolder, uri } from './lspClient';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');
const utf8Lines = (name: string) => fs.readFileSync(path.join(FORMATS, name), 'utf8').split('\n');

const ws = serverOnTempFolder('mll-utf16-lsp-', (dir) => {
  for (const name of fs.readdirSync(FORMATS)) {
    const text = fs.readFileSync(path.join(FORMATS, name), 'utf8').replace(/\n/g, '\r\n');
    fs.writeFileSync(path.join(dir, name), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  }
});

interface Location { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }

test('references from the ALLOWED line: every line of the message, each range the whole line as the editor shows it', async () => {
  const refs = await ws.client.request<Location[]>('textDocument/references', {
    textDocument: { uri: uri(path.join(ws.dir, 'spamdyke.log')) }, position: { line: 1, character: 45 }, context: { includeDeclaration: true },
  });
  assert.equal(refs.length, 11);
  for (const r of refs) {
    const name = path.basename(decodeURIComponent(new URL(r.uri).pathname));
    assert.equal(r.range.end.character, utf8Lines(name)[r.range.start.line].length, `${name}:${r.range.start.line}`);
  }
});

test('hover reads the line from the UTF-16 file', async () => {
  const hover = await ws.client.request<{ contents: { value: string } }>('textDocument/hover', {
    textDocument: { uri: uri(path.join(ws.dir, 'smtp_25.log')) }, position: { line: 11, character: 44 },
  });
  assert.match(hover.contents.value, /qp/);
  assert.match(hover.contents.value, /15309/);
});
