import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import * as fs from 'fs';
import * as os from 'os';
import { LogIndex, findLogFiles } from '../../server/src/core/logIndex';
import { parseLogText } from '../../server/src/core/readLog';
import { correlate, forEachLine, materialize, sortIndex } from '../../server/src/core/correlate';
import { Interner } from '../../server/src/core/columns';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');

async function load(dir: string) {
  const index = new LogIndex();
  for (const f of await findLogFiles([dir])) await index.indexFileAs(f.path, f.format);
  return index.snapshot();
}

test('the FORMATS.md examples correlate into two messages', async () => {
  const snap = await load(FORMATS);
  assert.equal(snap.messageCount, 2);
  const [denied, delivered] = [snap.message(0), snap.message(1)];
  assert.equal(denied.outcome, 'rejected-spamdyke');
  assert.equal(denied.spamdyke[0].verdict, 'DENIED_RDNS_MISSING');
  assert.equal(denied.smtp?.firstLine, 0);
  assert.equal(delivered.outcome, 'delivered');
  assert.equal(delivered.smtp?.queue?.qp, 15309);
  assert.equal(delivered.delivery.length, 1);
  const lines = snap.linesOf(delivered).map((r) => `${path.basename(r.file.path)}:${r.line}`);
  assert.deepEqual(lines.sort(), ['delivery.log:0', 'delivery.log:1', 'delivery.log:2', 'smtp_25.log:10', 'smtp_25.log:11', 'smtp_25.log:5', 'smtp_25.log:6', 'smtp_25.log:7', 'smtp_25.log:8', 'smtp_25.log:9', 'spamdyke.log:1'].sort());
  assert.equal(snap.correlation.utcOffset?.seconds, 7200);
});

/** Correlates three logs given as text (one folder) and returns the messages built from them. */
function run(smtp: string, delivery: string, spamdyke: string) {
  const strings = new Interner();
  const c = correlate([
    { id: 1, path: '/logs/smtp', parsed: parseLogText(smtp, 'smtp', strings) },
    { id: 2, path: '/logs/delivery', parsed: parseLogText(delivery, 'delivery', strings) },
    { id: 3, path: '/logs/spamdyke', parsed: parseLogText(spamdyke, 'spamdyke', strings) },
  ], strings);
  return { ...c, messages: Array.from({ length: c.messageCount }, (_, i) => materialize(c, i)) };
}

test('spamdyke year is inferred across a December to January turn', () => {
  const c = run(
    '2021-12-31 23:59:59, from, a@example.net\n2021-12-31 23:59:59, resp, 250 ok\n2021-12-31 23:59:59, to, <b@example.com>\n2021-12-31 23:59:59, resp, 554 no\n\n'
    + '2022-01-01 00:00:01, from, a@example.net\n2022-01-01 00:00:01, resp, 250 ok\n2022-01-01 00:00:01, to, <b@example.com>\n2022-01-01 00:00:01, resp, 554 no\n',
    '',
    'Dec 31 23:59:59 mx spamdyke[1]: DENIED_RBL_MATCH from: a@example.net to: b@example.com origin_ip: 192.0.2.1 origin_rdns: x auth: (unknown) encryption: (none) reason: (empty)\n'
    + 'Jan  1 00:00:01 mx spamdyke[2]: DENIED_RBL_MATCH from: a@example.net to: b@example.com origin_ip: 192.0.2.1 origin_rdns: x auth: (unknown) encryption: (none) reason: (empty)\n',
  );
  assert.equal(c.messages.length, 2);
  assert.equal(c.messages[0].spamdyke[0].line, 0);
  assert.equal(c.messages[1].spamdyke[0].line, 1);
  assert.equal(new Date(c.messages[1].spamdyke[0].time * 1000).getUTCFullYear(), 2022);
});

test('an RFC 3339 spamdyke stamp keeps its own year, and year-less lines after it count from it', () => {
  const tail = 'from: a@example.net to: b@example.com origin_ip: 192.0.2.1 origin_rdns: x auth: (unknown) encryption: (none) reason: (empty)';
  const c = run('', '', `2019-12-31T23:59:58.5+01:00 mx spamdyke[1]: DENIED_RBL_MATCH ${tail}\nJan  1 00:00:02 mx spamdyke[2]: DENIED_RBL_MATCH ${tail}\n`);
  const years = c.messages.map((m) => new Date(m.spamdyke[0].time * 1000).getUTCFullYear());
  assert.deepEqual(years, [2019, 2020]);
  assert.equal(new Date(c.messages[0].spamdyke[0].time * 1000).toISOString(), '2019-12-31T23:59:58.000Z');
});

test('spamdyke diagnostic lines join the message of their connection by pid, and are no messages themselves', () => {
  const tail = 'from: a@example.net to: b@example.com origin_ip: 192.0.2.1 origin_rdns: x auth: (unknown) encryption: (none) reason: (empty)';
  const c = run('', '', [
    'Dec 31 23:59:58 mx spamdyke[7]: FILTER_RBL_MATCH ip: 192.0.2.1 rbl: zen.example', // 0: before its verdict, across the year turn
    'Dec 31 23:59:59 mx spamdyke[8]: FILTER_RDNS_MISSING ip: 192.0.2.9', // 1: pid 8 logs no verdict
    `Jan  1 00:00:01 mx spamdyke[7]: DENIED_RBL_MATCH ${tail}`, // 2
    'Jan  1 00:00:02 mx spamdyke[7]: ERROR(tls_read()@tls.c:400): unable to read from SSL/TLS stream', // 3: after its verdict
    `Jan  1 00:00:03 mx spamdyke[9]: DENIED_GRAYLISTED ${tail}`, // 4
    'Jan  1 02:00:04 mx spamdyke[9]: FILTER_OTHER response: 421', // 5: same pid, two hours later: another process
    'Jan  1 00:00:05 mx spamdyke[9]: FILTER_GRAYLISTED sender: a@example.net recipient: b@example.com', // 6: joins line 4
    '',
  ].join('\n'));
  assert.equal(c.messages.length, 2);
  const lines = c.messages.map((m) => [...m.spamdyke.map((r) => r.line), ...m.spamdykeDiagnostics.map((d) => d.line)].sort((a, b) => a - b));
  assert.deepEqual(lines, [[0, 2, 3], [4, 6]]);
  assert.equal(c.diagnosticsJoined, 3);
  // Diagnostic lines get their time with the inferred year, and are lines of the message.
  const [first, last] = [c.messages[0].spamdykeDiagnostics[0].time, c.messages[0].spamdyke[0].time];
  assert.equal(new Date(first * 1000).toISOString().slice(5), '12-31T23:59:58.000Z');
  assert.equal(last - first, 3);
  const owned: number[] = [];
  forEachLine(c, 0, (_fi, line) => owned.push(line));
  assert.deepEqual(owned.sort((a, b) => a - b), [0, 2, 3]);
});

test('lines before the first from of a group (a login) belong to its transaction; a from after an envelope starts the next', () => {
  const c = run([
    '2021-03-09 11:11:00, auth, login, user@example.com',
    '2021-03-09 11:11:00, resp, 235 ok, go ahead (#2.0.0)',
    '2021-03-09 11:11:00, from, user@example.com',
    '2021-03-09 11:11:00, resp, 250 ok',
    '2021-03-09 11:11:00, to, <x@elsewhere.example.net>',
    '2021-03-09 11:11:00, resp, 554 no',
    '2021-03-09 11:11:01, from, user@example.com',
    '2021-03-09 11:11:01, resp, 250 ok',
    '',
    '2021-03-09 11:12:00, resp, 250 ok 1615284720 qp 2345',
    '2021-03-09 11:12:05, from, other@example.com',
    '',
  ].join('\n'), '', '');
  const spans = c.messages.map((m) => [m.smtp?.firstLine, m.smtp?.lastLine, m.smtp?.sender]);
  assert.deepEqual(spans, [[0, 5, 'user@example.com'], [6, 7, 'user@example.com'], [9, 9, undefined], [10, 10, 'other@example.com']]);
});

test('two equal candidates in one second: both linked in order, marked ambiguous', () => {
  const group = (t: string) => `${t}, from, news@example.net\n${t}, resp, 250 ok\n${t}, to, <b@example.com>\n${t}, resp, 421 graylisted\n\n`;
  const sd = (pid: number) => `Mar  9 10:00:00 mx spamdyke[${pid}]: DENIED_GRAYLISTED from: news@example.net to: b@example.com origin_ip: 192.0.2.1 origin_rdns: x auth: (unknown) encryption: (none) reason: (empty)\n`;
  const c = run(group('2021-03-09 10:00:00') + group('2021-03-09 10:00:00'), '', sd(1) + sd(2));
  assert.equal(c.messages.length, 2);
  assert.ok(c.messages.every((m) => m.spamdyke.length === 1 && m.smtp));
  assert.ok(c.messages.some((m) => m.ambiguous?.length));
  assert.ok(c.ambiguousLinks >= 1);
});

test('deferred delivery: retries in a later group are joined by id, and by recipient when ids differ', () => {
  const smtp = '2021-03-09 10:00:00, from, a@example.net\n2021-03-09 10:00:00, resp, 250 ok\n2021-03-09 10:00:00, to, <b@example.com>\n2021-03-09 10:00:00, resp, 250 ok\n2021-03-09 10:00:00, resp, 250 ok 1615280400 qp 77\n';
  for (const retryId of ['500', '501']) {
    const delivery = '2021-03-09 10:00:01, init, <a@example.net>\n2021-03-09 10:00:01, try, 500, local, b@example.com\n2021-03-09 10:00:01, result, 500, deferral, Recipient\'s_mailbox_is_full/\n\n'
      + '2021-03-09 10:00:30, init, <c@example.net>\n2021-03-09 10:00:30, try, 600, local, d@example.com\n2021-03-09 10:00:30, result, 600, success, did_0+0+1/\n\n'
      + `2021-03-09 10:20:01, try, ${retryId}, local, b@example.com\n2021-03-09 10:20:01, result, ${retryId}, success, did_0+0+1/\n`;
    const c = run(smtp, delivery, '');
    const m = c.messages.find((x) => x.smtp)!;
    assert.equal(m.delivery.length, 2, `retry id ${retryId}`);
    assert.equal(m.outcome, 'deferred-delivered');
    assert.equal(c.lineOwner.get(2)![8], m.index);
    assert.equal(c.messages.length, 2);
  }
});

test('a retry with a new id goes to the deferred message whose qmail retry schedule it fits, not the oldest', () => {
  // A (10:00:00) and B (10:05:00) are both deferred for x@elsewhere.example.net. A remote retry
  // is due (20·k)² seconds after the message was queued: B's first at 10:11:40, A's second at
  // 10:26:40. The first retry comes at 10:11:45, so it is B's, though A is older.
  const group = (time: string, id: number, sender: string | null, outcome: string) =>
    (sender === null ? '' : `2021-03-09 ${time}, init, <${sender}>\n`)
    + `2021-03-09 ${time}, try, ${id}, remote, x@elsewhere.example.net\n2021-03-09 ${time}, result, ${id}, ${outcome}\n\n`;
  for (const withInit of [false, true]) {
    const retrySender = (s: string) => (withInit ? s : null);
    const delivery = group('10:00:00', 1, 'a@example.com', 'deferral, 192.0.2.7_said:_451_try_later/')
      + group('10:05:00', 2, 'a@example.com', 'deferral, 192.0.2.7_said:_451_try_later/')
      + group('10:11:45', 3, retrySender('a@example.com'), 'success, 192.0.2.7_accepted_message./')
      + group('10:26:50', 4, retrySender('a@example.com'), 'success, 192.0.2.7_accepted_message./');
    const c = run('', delivery, '');
    const firstLines = (i: number) => c.messages[i].delivery.map((g) => g.lines[0]);
    assert.equal(c.messages.length, 2, `with init: ${withInit}`);
    assert.deepEqual(c.messages.map((m) => m.outcome), ['deferred-delivered', 'deferred-delivered']);
    assert.deepEqual(firstLines(0).sort((x, y) => x - y), [0, withInit ? 12 : 11], `A gets the 10:26:50 retry (with init: ${withInit})`);
    assert.deepEqual(firstLines(1).sort((x, y) => x - y), [4, 8], `B gets the 10:11:45 retry (with init: ${withInit})`);
    assert.ok(c.messages.every((m) => !m.ambiguous), 'the schedule tells them apart: nothing is marked ambiguous');
  }
});

test('a failed delivery is linked to its bounce', () => {
  const delivery = '2021-03-09 10:00:01, init, <me@example.com>\n2021-03-09 10:00:01, try, 500, remote, x@elsewhere.example.net\n2021-03-09 10:00:02, result, 500, failure, 192.0.2.9_does_not_like_recipient./Remote_host_said:_550_5.1.1_unknown/Giving_up_on_192.0.2.9./\n\n'
    + '2021-03-09 10:00:03, init, <>\n2021-03-09 10:00:03, try, 501, local, me@example.com\n2021-03-09 10:00:03, result, 501, success, did_0+0+1/\n';
  const c = run('', delivery, '');
  assert.equal(c.messages.length, 2);
  assert.equal(c.messages[0].outcome, 'failed');
  assert.deepEqual(c.messages[0].bounces, [1]);
  assert.equal(c.messages[1].bounceOf, 0);
});

test('unknown lines inside a transaction stay out of the message', () => {
  const smtp = '2021-03-09 10:00:00, from, a@example.net\n<garbage>\n2021-03-09 10:00:00, resp, 250 ok\n';
  const c = run(smtp, '', '');
  assert.equal(c.lineOwner.get(1)![1], -1);
  assert.equal(c.lineOwner.get(1)![2], 0);
});

test('sortIndex orders ascending, ties by position, NaN last, whatever the spread of the keys', () => {
  let seed = 99;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const reference = (keys: Float64Array) => Array.from(keys.keys()).sort((a, b) => {
    const ka = Number.isNaN(keys[a]) ? Infinity : keys[a], kb = Number.isNaN(keys[b]) ? Infinity : keys[b];
    return ka - kb || a - b;
  });
  // Narrow integer ranges (counting sort), wide ones (packed sort), fractions and huge values (comparator).
  const spreads: Array<(i: number) => number> = [
    () => 1_600_000_000 + Math.floor(rand() * 300),
    () => Math.floor(rand() * 86_400) - 40_000,
    () => Math.floor(rand() * 2 ** 40),
    () => rand() * 1000,
    () => (rand() < 0.5 ? 1e300 : -5),
  ];
  for (const spread of spreads) {
    for (const n of [0, 1, 7, 5000]) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = rand() < 0.05 ? NaN : spread(i);
      assert.deepEqual(Array.from(sortIndex(keys)), reference(keys), `n=${n} ${spread}`);
    }
  }
});

test('betweenPhases is called between the phases of each folder and changes nothing', async () => {
  const found = await findLogFiles([FORMATS]);
  const plain = new LogIndex();
  let calls = 0;
  const counted = new LogIndex({ betweenPhases: () => calls++ });
  for (const f of found) {
    await plain.indexFileAs(f.path, f.format);
    await counted.indexFileAs(f.path, f.format);
  }
  const a = plain.snapshot(), b = counted.snapshot();
  assert.ok(calls >= 3, `called ${calls} times`);
  assert.equal(b.messageCount, a.messageCount);
  for (let m = 0; m < a.messageCount; m++) assert.deepEqual(b.linesOf(b.message(m)).map((r) => r.line), a.linesOf(a.message(m)).map((r) => r.line));
});

test('folder walking follows symbolic links once: no loop, no log indexed twice', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-links-'));
  try {
    fs.mkdirSync(path.join(dir, 'logs'));
    for (const f of fs.readdirSync(FORMATS)) fs.copyFileSync(path.join(FORMATS, f), path.join(dir, 'logs', f));
    fs.symlinkSync('..', path.join(dir, 'logs', 'up'));
    fs.symlinkSync('.', path.join(dir, 'logs', 'here'));
    fs.symlinkSync(path.join(dir, 'logs', 'spamdyke.log'), path.join(dir, 'spamdyke-copy.log'));
    const found = await findLogFiles([dir]);
    assert.deepEqual(found.map((f) => path.relative(dir, f.path)).sort(), ['logs/delivery.log', 'logs/smtp_25.log', 'logs/spamdyke.log']);
    const snap = await load(dir);
    assert.equal(snap.messageCount, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a message queued just before a daylight-saving change finds its delivery just after it', () => {
  // Berlin, 2021-03-28: at 01:00 UTC the local clock jumps from 02:00 to 03:00.
  const change = Date.UTC(2021, 2, 28, 1) / 1000;
  const stamp = (utc: number, offset: number) => new Date((utc + offset) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const offsetAt = (utc: number) => (utc < change ? 3600 : 7200);
  let smtp = '', delivery = '';
  // Four messages an hour apart before the change, the one that straddles it, four after.
  const queued = [-4, -3, -2, -1, 0, 1, 2, 3, 4].map((h) => (h === 0 ? change - 2 : change + h * 3600 + 600));
  queued.forEach((utc, i) => {
    const q = stamp(utc, offsetAt(utc)), init = stamp(utc + 3, offsetAt(utc + 3));
    smtp += `${q}, from, a${i}@elsewhere.example.net\n${q}, resp, 250 ok\n${q}, to, <r${i}@example.com>\n${q}, resp, 250 ok\n${q}, resp, 250 ok ${utc} qp ${100 + i}\n\n`;
    delivery += `${init}, init, <a${i}@elsewhere.example.net>\n${init}, try, ${500 + i}, local, r${i}@example.com\n${init}, result, ${500 + i}, success, did_0+0+1/\n`;
  });
  assert.match(smtp, /2021-03-28 01:59:58, resp, 250 ok \d+ qp 104/);
  assert.match(delivery, /2021-03-28 03:00:01, init, <a4@/);
  const c = run(smtp, delivery, '');
  assert.equal(c.messages.length, 9);
  assert.deepEqual(c.messages.map((m) => m.outcome), new Array(9).fill('delivered'));
  assert.deepEqual(c.utcOffset?.periods.map((p) => p.seconds), [3600, 7200]);
});

/** An accepted, queued SMTP transaction with one recipient. */
const smtpFor = (t: string, from: string, to: string, qp: number) =>
  `${t}, from, ${from}\n${t}, resp, 250 ok\n${t}, to, <${to}>\n${t}, resp, 250 ok\n${t}, resp, 250 ok ${1615280000 + qp} qp ${qp}\n\n`;

test('without blank lines between delivery groups, a retry further down joins its message, not the group above it', () => {
  const c = run(
    smtpFor('2021-03-09 10:00:00', 'a@elsewhere.example.net', 'full@example.com', 1) + smtpFor('2021-03-09 10:06:00', 'b@elsewhere.example.net', 'other@example.com', 2),
    [
      '2021-03-09 10:00:01, init, <a@elsewhere.example.net>',
      '2021-03-09 10:00:01, try, 700, local, full@example.com',
      "2021-03-09 10:00:01, result, 700, deferral, Recipient's_mailbox_is_full/",
      '2021-03-09 10:06:01, init, <b@elsewhere.example.net>',
      '2021-03-09 10:06:01, try, 701, local, other@example.com',
      '2021-03-09 10:06:01, result, 701, success, did_0+0+1/',
      '2021-03-09 10:06:41, try, 700, local, full@example.com',
      '2021-03-09 10:06:41, result, 700, success, did_0+0+1/',
    ].join('\n') + '\n',
    '',
  );
  const byRecipient = new Map(c.messages.map((m) => [m.recipients[0], m]));
  assert.equal(c.messages.length, 2);
  assert.equal(byRecipient.get('full@example.com')?.outcome, 'deferred-delivered');
  assert.equal(byRecipient.get('other@example.com')?.outcome, 'delivered');
  const lines = (m: (typeof c.messages)[number]) => m.delivery.flatMap((d) => d.lines);
  assert.deepEqual(lines(byRecipient.get('full@example.com')!), [0, 1, 2, 6, 7]);
  assert.deepEqual(lines(byRecipient.get('other@example.com')!), [3, 4, 5]);
});

/** A message deferred for a full mailbox, then another message's group, with no blank lines. */
const DEFERRED_THEN_ANOTHER = [
  '2021-03-09 10:00:01, init, <a@elsewhere.example.net>',
  '2021-03-09 10:00:01, try, 700, local, full@example.com',
  "2021-03-09 10:00:01, result, 700, deferral, Recipient's_mailbox_is_full/",
  '2021-03-09 10:06:41, init, <b@elsewhere.example.net>',
  '2021-03-09 10:06:41, try, 731, local, other@example.com',
  '2021-03-09 10:06:41, result, 731, success, did_0+0+1/',
];

test('without blank lines and with delivery ids per attempt, a retry after a finished group (in a later second) joins the message it retries', () => {
  const c = run(
    smtpFor('2021-03-09 10:00:00', 'a@elsewhere.example.net', 'full@example.com', 1) + smtpFor('2021-03-09 10:06:40', 'b@elsewhere.example.net', 'other@example.com', 2),
    [
      ...DEFERRED_THEN_ANOTHER,
      '2021-03-09 10:06:43, try, 732, local, full@example.com',
      '2021-03-09 10:06:43, result, 732, success, did_0+0+1/',
    ].join('\n') + '\n',
    '',
  );
  const byRecipient = new Map(c.messages.map((m) => [m.recipients[0], m]));
  assert.equal(byRecipient.get('full@example.com')?.outcome, 'deferred-delivered');
  assert.deepEqual(byRecipient.get('full@example.com')!.delivery.flatMap((d) => d.lines), [0, 1, 2, 6, 7]);
  assert.deepEqual(byRecipient.get('other@example.com')!.delivery.flatMap((d) => d.lines), [3, 4, 5]);
});

test('without blank lines, a new message to a recipient whose mailbox defers keeps its own first attempt', () => {
  const two = (t: string, qp: number) =>
    `${t}, from, b@elsewhere.example.net\n${t}, resp, 250 ok\n${t}, to, <other@example.com>\n${t}, resp, 250 ok\n${t}, to, <full@example.com>\n${t}, resp, 250 ok\n${t}, resp, 250 ok ${1615280000 + qp} qp ${qp}\n\n`;
  const c = run(
    smtpFor('2021-03-09 10:00:00', 'a@elsewhere.example.net', 'full@example.com', 1) + two('2021-03-09 10:06:40', 2),
    [
      ...DEFERRED_THEN_ANOTHER,
      '2021-03-09 10:06:41, try, 732, local, full@example.com',
      '2021-03-09 10:06:41, result, 732, success, did_0+0+1/',
    ].join('\n') + '\n',
    '',
  );
  const bySender = new Map(c.messages.map((m) => [m.sender, m]));
  assert.deepEqual(bySender.get('b@elsewhere.example.net')!.delivery.flatMap((d) => d.lines), [3, 4, 5, 6, 7]);
  assert.equal(bySender.get('a@elsewhere.example.net')!.outcome, 'pending');
});

test('a message whose logs spell its internationalized domain differently (UTF-8, punycode, case) is one message', () => {
  const c = run(
    '2021-03-09 12:43:51, from, jürgen@Elsewhere.example.net\n2021-03-09 12:43:51, resp, 250 ok\n2021-03-09 12:43:51, to, <anna@bücher.example>\n'
    + '2021-03-09 12:43:51, resp, 250 ok\n2021-03-09 12:43:51, size, 2353\n2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309\n\n'
    + '2021-03-09 12:50:00, from, spam@spam-source.invalid\n2021-03-09 12:50:00, resp, 250 ok\n2021-03-09 12:50:00, to, <bob@xn--bcher-kva.example>\n'
    + '2021-03-09 12:50:00, resp, 554 no\n',
    '2021-03-09 12:43:52, init, <jürgen@elsewhere.example.net>\n2021-03-09 12:43:52, try, 114878, local, anna@XN--BCHER-KVA.example\n'
    + '2021-03-09 12:43:52, result, 114878, success, did_0+0+1/\n',
    'Mar  9 12:50:00 mx spamdyke[2]: DENIED_RBL_MATCH from: spam@spam-source.invalid to: bob@bücher.example origin_ip: 192.0.2.1 origin_rdns: x auth: (unknown) encryption: (none) reason: (empty)\n',
  );
  assert.equal(c.messages.length, 2);
  const [queued, refused] = c.messages;
  assert.equal(queued.outcome, 'delivered');
  assert.equal(queued.delivery.length, 1);
  assert.equal(refused.outcome, 'rejected-spamdyke');
  assert.equal(refused.spamdyke.length, 1);
  assert.equal(refused.smtp?.firstLine, 7);
});

/** A queued SMTP transaction (FORMATS.md's shape) with the given recipients. */
function queued(time: string, sender: string, recipients: string[], qp: number): string {
  return [`${time}, from, ${sender}`, `${time}, resp, 250 ok`,
    ...recipients.flatMap((r) => [`${time}, to, <${r}>`, `${time}, resp, 250 ok`]),
    `${time}, size, 1000`, `${time}, resp, 250 ok ${1615286631 + qp} qp ${qp}`, ''].join('\n');
}

test('without blank lines, a first attempt whose mailbox has a deferral open elsewhere stays with its message (its SMTP transaction accepted it)', () => {
  const smtp = queued('2021-03-09 12:00:00', 'a@elsewhere.example', ['full@example.com'], 1)
    + queued('2021-03-09 12:05:00', 'b@elsewhere.example', ['x@example.com', 'y@example.com', 'full@example.com'], 2);
  // Message 1 is deferred for full@; message 2 delivers to its three mailboxes one after another,
  // the last a few seconds later, after the first two have their results.
  const delivery = [
    '2021-03-09 12:00:01, init, <a@elsewhere.example>',
    '2021-03-09 12:00:01, try, 1, local, full@example.com',
    '2021-03-09 12:00:01, result, 1, deferral, Recipient\'s_mailbox_is_full/',
    '2021-03-09 12:05:01, init, <b@elsewhere.example>',
    '2021-03-09 12:05:01, try, 2, local, x@example.com',
    '2021-03-09 12:05:02, result, 2, success, did_0+0+1/',
    '2021-03-09 12:05:02, try, 3, local, y@example.com',
    '2021-03-09 12:05:03, result, 3, success, did_0+0+1/',
    '2021-03-09 12:05:09, try, 4, local, full@example.com',
    '2021-03-09 12:05:09, result, 4, success, did_0+0+1/',
    '',
  ].join('\n');
  const c = run(smtp, delivery, '');
  const second = c.messages.find((m) => m.sender === 'b@elsewhere.example')!;
  assert.deepEqual(second.delivery.flatMap((g) => g.attempts.map((a) => a.recipient)), ['x@example.com', 'y@example.com', 'full@example.com']);
  assert.equal(second.outcome, 'delivered');
  const first = c.messages.find((m) => m.sender === 'a@elsewhere.example')!;
  assert.equal(first.delivery.length, 1, 'message 1 keeps only its own deferred attempt');
  assert.equal(first.outcome, 'pending');
});

test('without blank lines, a retry for a busy mailbox is told from the group above it while another message still waits for that mailbox', () => {
  const smtp = queued('2021-03-09 12:00:00', 'a@elsewhere.example', ['busy@example.com'], 1)
    + queued('2021-03-09 12:01:00', 'b@elsewhere.example', ['busy@example.com'], 2)
    + queued('2021-03-09 12:03:00', 'c@elsewhere.example', ['other@example.com'], 3);
  const delivery = [
    '2021-03-09 12:00:01, init, <a@elsewhere.example>',
    '2021-03-09 12:00:01, try, 1, local, busy@example.com',
    '2021-03-09 12:00:01, result, 1, deferral, Recipient\'s_mailbox_is_full/',
    '2021-03-09 12:01:01, init, <b@elsewhere.example>',
    '2021-03-09 12:01:01, try, 2, local, busy@example.com',
    '2021-03-09 12:01:01, result, 2, deferral, Recipient\'s_mailbox_is_full/',
    // b's retry succeeds: a still waits for busy@.
    '2021-03-09 12:02:41, try, 3, local, busy@example.com',
    '2021-03-09 12:02:41, result, 3, success, did_0+0+1/',
    '2021-03-09 12:03:01, init, <c@elsewhere.example>',
    '2021-03-09 12:03:01, try, 4, local, other@example.com',
    '2021-03-09 12:03:01, result, 4, success, did_0+0+1/',
    // a's retry, right below c's group.
    '2021-03-09 12:03:20, try, 5, local, busy@example.com',
    '2021-03-09 12:03:20, result, 5, success, did_0+0+1/',
    '',
  ].join('\n');
  const c = run(smtp, delivery, '');
  const bySender = (s: string) => c.messages.find((m) => m.sender === s)!;
  assert.deepEqual(bySender('c@elsewhere.example').delivery.flatMap((g) => g.attempts.map((a) => a.id)), ['4']);
  assert.equal(bySender('a@elsewhere.example').outcome, 'deferred-delivered');
  assert.deepEqual(bySender('a@elsewhere.example').delivery.flatMap((g) => g.attempts.map((a) => a.id)), ['1', '5']);
  assert.deepEqual(bySender('b@elsewhere.example').delivery.flatMap((g) => g.attempts.map((a) => a.id)), ['2', '3']);
});

test('a spamdyke log with no other log to date it gets the latest year that does not put it in the future', () => {
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const stamp = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} 12:00:00`;
  const line = (d: Date) => `${stamp(d)} mx spamdyke[1]: DENIED_RBL_MATCH from: a@example.net to: b@example.com origin_ip: 192.0.2.1 origin_rdns: x auth: (unknown) encryption: (none) reason: (empty)\n`;
  const yearOf = (d: Date) => {
    const c = run('', '', line(d));
    return new Date(c.messages[0].time * 1000).getUTCFullYear();
  };
  const day = 86400 * 1000;
  const past = new Date(Date.now() - 3 * day), future = new Date(Date.now() + 3 * day);
  assert.equal(yearOf(past), past.getUTCFullYear(), `${stamp(past)}: three days ago`);
  assert.equal(yearOf(future), future.getUTCFullYear() - 1, `${stamp(future)}: a year before, not three days ahead`);
});
