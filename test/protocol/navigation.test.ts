import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { serverForTests, uri } from './lspClient';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');
interface Loc { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }

const server = serverForTests(FORMATS);

const at = (file: string, line: number, character = 5) => ({ textDocument: { uri: uri(path.join(FORMATS, file)) }, position: { line, character } });
const key = (l: Loc) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line}`;

test('references from a spamdyke line list every line of the message in all logs', async () => {
  const refs = await server().request<Loc[]>('textDocument/references', { ...at('spamdyke.log', 1), context: { includeDeclaration: true } });
  assert.deepEqual(refs.map(key).sort(), [
    'delivery.log:0', 'delivery.log:1', 'delivery.log:2',
    'smtp_25.log:10', 'smtp_25.log:11', 'smtp_25.log:5', 'smtp_25.log:6', 'smtp_25.log:7', 'smtp_25.log:8', 'smtp_25.log:9',
    'spamdyke.log:1',
  ]);
  const line = refs.find((r) => key(r) === 'smtp_25.log:11')!;
  assert.equal(line.range.end.character, '2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309'.length);
});

test('references without the declaration leave out the line asked about', async () => {
  const refs = await server().request<Loc[]>('textDocument/references', { ...at('smtp_25.log', 3), context: { includeDeclaration: false } });
  assert.deepEqual(refs.map(key).sort(), ['smtp_25.log:0', 'smtp_25.log:1', 'smtp_25.log:2', 'spamdyke.log:0']);
});

test('definition from a spamdyke line goes to the SMTP transaction and the delivery group', async () => {
  const defs = await server().request<Loc[]>('textDocument/definition', at('spamdyke.log', 1, 60));
  const blocks = defs.map((d) => `${key(d)}-${d.range.end.line}`).sort();
  assert.deepEqual(blocks, ['delivery.log:0-2', 'smtp_25.log:5-11']);
});

test('definition from the delivery log goes back to spamdyke and SMTP', async () => {
  const defs = await server().request<Loc[]>('textDocument/definition', at('delivery.log', 2));
  assert.deepEqual(defs.map(key).sort(), ['smtp_25.log:5', 'spamdyke.log:1']);
});

test('a blank line belongs to no message', async () => {
  const refs = await server().request<Loc[]>('textDocument/references', { ...at('smtp_25.log', 4, 0), context: { includeDeclaration: true } });
  assert.deepEqual(refs, []);
});
