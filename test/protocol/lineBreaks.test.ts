// LSP counts a '\r' alone as a line break, as VS Code does: a stray carriage return (a damaged
// download, a reply text with a raw CR, a file saved with classic Mac line ends) must not shift
// the server's line numbers against the editor's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { serverOnTempFolder, uri } from './lspClient';

const SMTP = [
  '2021-03-09 11:10:37, from, spam@mail.spam-source.net',
  '2021-03-09 11:10:37, resp, 250 ok',
  '2021-03-09 11:10:37, to, <recipient@example.com>',
  '2021-03-09 11:10:37, resp, 554 "Refused. You have no reverse DNS entry."',
  '',
  'junk before\rjunk after a stray carriage return',
  '2021-03-09 12:43:51, from, correspondent@elsewhere.example.net',
  '2021-03-09 12:43:51, resp, 250 ok',
  '2021-03-09 12:43:51, to, <recipient@example.com>',
  '2021-03-09 12:43:51, resp, 250 ok',
  '2021-03-09 12:43:51, size, 23533',
  '2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309',
  '',
].join('\n');
const DELIVERY = [
  '2021-03-09 12:43:51, init, <correspondent@elsewhere.example.net>',
  '2021-03-09 12:43:51, try, 114878, local, recipient@example.com',
  '2021-03-09 12:43:51, result, 114878, success, did_0+0+1/',
  '',
].join('\r');
const SPAMDYKE = 'Mar  9 12:43:51 server spamdyke[15280]: ALLOWED from: correspondent@elsewhere.example.net to: recipient@example.com origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: (none) reason: 250_ok_1615286631_qp_15309\r\n';

type Location = { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };

/** The lines of a file as the editor shows them. */
function editorLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split(/\r\n|\r|\n/);
}

describe('a stray carriage return, and a log that ends its lines with \\r alone', () => {
  const ws = serverOnTempFolder('line-breaks-', (dir) => {
    fs.writeFileSync(path.join(dir, 'smtp_25.log'), SMTP);
    fs.writeFileSync(path.join(dir, 'delivery.log'), DELIVERY);
    fs.writeFileSync(path.join(dir, 'spamdyke.log'), SPAMDYKE);
  });

  test('references from the queue reply are the lines the editor shows for that message, in all three logs', async () => {
    const smtp = path.join(ws.dir, 'smtp_25.log');
    const lines = editorLines(smtp);
    const queued = lines.findIndex((l) => l.endsWith('qp 15309'));
    assert.equal(queued, 12, 'the stray CR makes a line of its own in the editor');
    const refs = await ws.client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri(smtp) }, position: { line: queued, character: 25 }, context: { includeDeclaration: true },
    });
    const got = refs.map((r) => {
      const file = decodeURIComponent(new URL(r.uri).pathname);
      const text = editorLines(file)[r.range.start.line];
      return `${path.basename(file)}:${r.range.start.line}:${text.slice(r.range.start.character, r.range.end.character)}`;
    }).sort();
    const want = [
      ...[7, 8, 9, 10, 11, 12].map((l) => `smtp_25.log:${l}:${lines[l]}`),
      ...[0, 1, 2].map((l) => `delivery.log:${l}:${editorLines(path.join(ws.dir, 'delivery.log'))[l]}`),
      `spamdyke.log:0:${SPAMDYKE.trimEnd()}`,
    ].sort();
    assert.deepEqual(got, want);
  });

  test('hover on the line after the stray CR reads that line, and the junk halves are lines of their own', async () => {
    const smtp = path.join(ws.dir, 'smtp_25.log');
    const hover = await ws.client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uri(smtp) }, position: { line: 6, character: 3 } });
    assert.ok(hover && /not understood|not a .*entry|unparsed/i.test(hover.contents.value), `the junk after the CR is a line the parser does not know: ${hover?.contents.value}`);
    const from = await ws.client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uri(smtp) }, position: { line: 7, character: 22 } });
    assert.ok(from && /MAIL FROM|sender/i.test(from.contents.value), `line 7 is the from entry: ${from?.contents.value}`);
  });

  test('an unsaved edit that adds a stray CR is read with the editor\'s lines', async () => {
    const smtp = path.join(ws.dir, 'smtp_25.log');
    const text = SMTP.replace('2021-03-09 12:43:51, size, 23533', 'x\r2021-03-09 12:43:51, size, 23533');
    ws.client.notify('textDocument/didOpen', { textDocument: { uri: uri(smtp), languageId: 'qmail-smtp-log', version: 1, text: SMTP } });
    ws.client.notify('textDocument/didChange', { textDocument: { uri: uri(smtp), version: 2 }, contentChanges: [{ text }] });
    const lines = text.split(/\r\n|\r|\n/);
    const queued = lines.findIndex((l) => l.endsWith('qp 15309'));
    const refs = await ws.client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri(smtp) }, position: { line: queued, character: 25 }, context: { includeDeclaration: true },
    });
    const inSmtp = refs.filter((r) => r.uri === uri(smtp)).map((r) => r.range.start.line).sort((a, b) => a - b);
    assert.deepEqual(inSmtp.map((l) => lines[l].slice(0, 19)), inSmtp.map(() => '2021-03-09 12:43:51'));
    assert.ok(inSmtp.includes(queued) && inSmtp.includes(queued - 1) && !inSmtp.includes(queued - 2), `lines ${inSmtp}`);
    ws.client.notify('textDocument/didClose', { textDocument: { uri: uri(smtp) } });
  });
});
