// A spamdyke log written at log level verbose: its FILTER_* and ERROR lines are no messages of
// their own, they join their connection's message by pid, and hovers on them still explain them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { serverOnTempFolder, uri } from './lspClient';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');
const SPAMDYKE = [
  'Mar  9 11:10:37 server spamdyke[29207]: FILTER_RDNS_MISSING ip: 203.0.113.9',
  'Mar  9 11:10:37 server spamdyke[29207]: DENIED_RDNS_MISSING from: spam@mail.spam-source.net to: recipient@example.com origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)',
  'Mar  9 12:00:00 server spamdyke[30001]: ERROR(nihdns_query()@dns.c:412): unable to send data packet, tried to send 40 bytes: Network is unreachable',
  'Mar  9 12:43:50 server spamdyke[15280]: FILTER_WHITELIST_NAME ip: 198.51.100.25 rdns: mail.elsewhere.example.net entry: .example.net',
  'Mar  9 12:43:51 server spamdyke[15280]: ALLOWED from: correspondent@elsewhere.example.net to: recipient@example.com origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: (none) reason: 250_ok_1615286631_qp_15309',
  '',
].join('\n');

interface Loc { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }
interface Result { messages: Array<{ outcome: string; events?: Array<{ kind: string; summary: string; range: { start: { line: number } }; uri: string }> }>; total: number }

const ws = serverOnTempFolder('mll-verbose-', (dir) => {
  for (const f of ['smtp_25.log', 'delivery.log']) fs.copyFileSync(path.join(FORMATS, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'spamdyke.log'), SPAMDYKE);
});

const at = (line: number, character: number) => ({ textDocument: { uri: uri(path.join(ws.dir, 'spamdyke.log')) }, position: { line, character } });
const key = (l: Loc) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line}`;

test('diagnostic lines add no messages: the timeline still holds the two messages', async () => {
  const all = await ws.client.request<Result>('mailLogs/messages', {});
  assert.equal(all.total, 2);
  assert.deepEqual(all.messages.map((m) => m.outcome).sort(), ['delivered', 'rejected-spamdyke']);
  const spamdykeEvents = all.messages.map((m) => (m.events ?? []).filter((e) => e.uri.endsWith('spamdyke.log')).map((e) => e.range.start.line));
  assert.deepEqual(spamdykeEvents.map((l) => l.sort()).sort(), [[0, 1], [3, 4]]);
  const filter = all.messages.flatMap((m) => m.events ?? []).find((e) => e.uri.endsWith('spamdyke.log') && e.range.start.line === 3)!;
  assert.equal(filter.kind, 'spamdyke.FILTER_WHITELIST_NAME');
  assert.equal(filter.summary, 'spamdyke check: whitelist name (ip: 198.51.100.25 rdns: mail.elsewhere.example.net entry: .example.net)');
  // The FILTER line comes before the verdict it led to.
  const delivered = all.messages.find((m) => m.outcome === 'delivered')!;
  const order = delivered.events!.filter((e) => e.uri.endsWith('spamdyke.log')).map((e) => e.range.start.line);
  assert.deepEqual(order, [3, 4]);
});

test('references from a FILTER line list its connection\'s message in all logs', async () => {
  const refs = await ws.client.request<Loc[]>('textDocument/references', { ...at(3, 45), context: { includeDeclaration: true } });
  assert.deepEqual(refs.map(key).sort(), [
    'delivery.log:0', 'delivery.log:1', 'delivery.log:2',
    'smtp_25.log:10', 'smtp_25.log:11', 'smtp_25.log:5', 'smtp_25.log:6', 'smtp_25.log:7', 'smtp_25.log:8', 'smtp_25.log:9',
    'spamdyke.log:3', 'spamdyke.log:4',
  ]);
});

test('an ERROR line of a process without a verdict belongs to no message', async () => {
  const refs = await ws.client.request<Loc[]>('textDocument/references', { ...at(2, 45), context: { includeDeclaration: true } });
  assert.deepEqual(refs, []);
});

test('hovering a FILTER code explains it and points at the message\'s SMTP reply', async () => {
  const hover = await ws.client.request<{ contents: { value: string } } | null>('textDocument/hover', at(0, 45));
  assert.ok(hover);
  assert.match(hover.contents.value, /reverse DNS/);
  assert.match(hover.contents.value, /For this message/);
});

test('hovering the pid of a verdict line lists the diagnostic lines of its connection', async () => {
  const hover = await ws.client.request<{ contents: { value: string } } | null>('textDocument/hover', at(4, 36));
  assert.ok(hover);
  assert.match(hover.contents.value, /spamdyke process id/);
  assert.match(hover.contents.value, /spamdyke\.log#L4\b/);
});

test('spamdyke\'s own errors are in the Problems panel; its checks that fired are not', async () => {
  let diagnostics = ws.client.diagnostics.get(uri(path.join(ws.dir, 'spamdyke.log')));
  for (let i = 0; i < 100 && !diagnostics; i++) {
    await new Promise((r) => setTimeout(r, 50));
    diagnostics = ws.client.diagnostics.get(uri(path.join(ws.dir, 'spamdyke.log')));
  }
  assert.ok(diagnostics, 'diagnostics for the spamdyke log');
  assert.deepEqual(diagnostics.map((d) => [d.range.start.line, d.code, d.severity]), [[2, 'ERROR', 2]]);
  assert.match(diagnostics[0].message, /error of its own.*: unable to send data packet, tried to send 40 bytes: Network is unreachable$/);
});
