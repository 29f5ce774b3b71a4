import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSmtpLine } from '../../server/src/core/smtp';
import { parseDeliveryLine } from '../../server/src/core/delivery';
import { isSpamdykeDiagnostic, parseSpamdykeLine } from '../../server/src/core/spamdyke';
import { Entry, FieldName, fieldText } from '../../server/src/core/entry';
import { detectFormat, portFromFileName } from '../../server/src/core/detect';
import { parseIsoLocal, formatLocal, parseSyslogStamp } from '../../server/src/core/time';

function f(line: string, e: Entry, name: FieldName): string | undefined {
  return fieldText(line, e, name);
}

test('SMTP entries carry their kind, time and field ranges', () => {
  const line = '2021-03-09 12:43:51, check, accepted rcpt, h:198.51.100.25, recipient@example.com, found existing recipient';
  const { entries, problem } = parseSmtpLine(line);
  assert.equal(problem, undefined);
  assert.equal(entries.length, 1);
  const e = entries[0];
  assert.equal(e.kind, 'check');
  assert.equal(formatLocal(e.time), '2021-03-09 12:43:51');
  assert.equal(f(line, e, 'verdict'), 'accepted rcpt');
  assert.equal(f(line, e, 'remoteKind'), 'h');
  assert.equal(f(line, e, 'ip'), '198.51.100.25');
  assert.equal(f(line, e, 'address'), 'recipient@example.com');
  assert.equal(f(line, e, 'reason'), 'found existing recipient');
});

test('queued reply gives epoch and qp; refusal gives code, enhanced code and quoted reason', () => {
  const q = '2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309';
  const qe = parseSmtpLine(q).entries[0];
  assert.equal(f(q, qe, 'code'), '250');
  assert.equal(f(q, qe, 'epoch'), '1615286631');
  assert.equal(f(q, qe, 'qp'), '15309');
  const r = '2021-03-09 11:10:37, resp, 554 "Refused. You have no reverse DNS entry. Contact abuse@example.com for details."';
  const re = parseSmtpLine(r).entries[0];
  assert.equal(f(r, re, 'code'), '554');
  assert.equal(f(r, re, 'quoted'), '"Refused. You have no reverse DNS entry. Contact abuse@example.com for details."');
  const c = '2021-03-09 11:10:37, resp, 550 5.1.1 sorry, no mailbox here by that name (#5.1.1 - chkuser)';
  assert.equal(f(c, parseSmtpLine(c).entries[0], 'enhanced'), '5.1.1');
});

test('null sender, IPv6 and international addresses', () => {
  const n = '2021-03-09 11:10:37, from, ';
  const ne = parseSmtpLine(n).entries[0];
  assert.equal(ne.kind, 'from');
  assert.equal(f(n, ne, 'address'), '');
  const v6 = '2021-03-09 12:43:51, check, accepted rcpt, h:2001:db8::25, jörg@bücher.example, found existing recipient';
  const ve = parseSmtpLine(v6).entries[0];
  assert.equal(f(v6, ve, 'ip'), '2001:db8::25');
  assert.equal(f(v6, ve, 'address'), 'jörg@bücher.example');
});

test('entries run together on one line are all found', () => {
  const line = '2021-03-09 12:43:51, from, a@example.net 2021-03-09 12:43:51, resp, 250 ok 2021-03-09 12:43:52, to, <b@example.com>';
  const { entries } = parseSmtpLine(line);
  assert.deepEqual(entries.map((e) => e.kind), ['from', 'resp', 'to']);
  assert.equal(f(line, entries[0], 'address'), 'a@example.net');
  assert.equal(f(line, entries[2], 'address'), 'b@example.com');
});

test('CRLF, BOM and trailing spaces do not leak into fields', () => {
  const line = '\ufeff2021-03-09 12:43:51, size, 23533  \r';
  const e = parseSmtpLine(line).entries[0];
  assert.equal(f(line, e, 'size'), '23533');
});

test('unknown lines give no entry and a problem; blank lines give neither', () => {
  assert.ok(parseSmtpLine('<html><body>oops').problem);
  assert.deepEqual(parseSmtpLine('   '), { entries: [] });
  assert.ok(parseDeliveryLine('garbage').problem);
  assert.ok(parseSpamdykeLine('Mar  9 11:10:37 server sshd[1]: hello').problem);
});

test('delivery entries', () => {
  const t = '2021-03-09 12:43:51, try, 114878, local, recipient@example.com';
  const te = parseDeliveryLine(t).entries[0];
  assert.equal(te.kind, 'try');
  assert.equal(f(t, te, 'id'), '114878');
  assert.equal(f(t, te, 'channel'), 'local');
  assert.equal(f(t, te, 'address'), 'recipient@example.com');
  const r = '2021-03-09 12:43:51, result, 114878, deferral, 192.0.2.8_does_not_like_recipient./Remote_host_said:_451_4.3.0_try_later/';
  const rr = parseDeliveryLine(r).entries[0];
  assert.equal(f(r, rr, 'outcome'), 'deferral');
  assert.match(f(r, rr, 'text')!, /^192\.0\.2\.8_does_not_like/);
  const i = '2021-03-09 12:43:51, init, <>';
  assert.equal(f(i, parseDeliveryLine(i).entries[0], 'address'), '');
  // The null sender as the SMTP log writes it: an empty detail, its trailing space trimmed or not.
  for (const empty of ['2021-03-09 12:43:51, init, ', '2021-03-09 12:43:51, init,']) {
    const p = parseDeliveryLine(empty);
    assert.equal(p.problem, undefined, empty);
    assert.equal(p.entries[0].kind, 'init');
    assert.equal(f(empty, p.entries[0], 'address'), '');
  }
});

test('spamdyke fields, space-padded day, empty values', () => {
  const line = 'Mar  9 12:43:51 server spamdyke[15280]: ALLOWED from: correspondent@elsewhere.example.net to: recipient@example.com origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: (none) reason: 250_ok_1615286631_qp_15309';
  const p = parseSpamdykeLine(line);
  const e = p.entries[0];
  assert.equal(e.kind, 'ALLOWED');
  assert.deepEqual(p.stamps![0], { month: 3, day: 9, secondsOfDay: 12 * 3600 + 43 * 60 + 51, year: 0, length: 15 });
  assert.equal(f(line, e, 'pid'), '15280');
  assert.equal(f(line, e, 'from'), 'correspondent@elsewhere.example.net');
  assert.equal(f(line, e, 'to'), 'recipient@example.com');
  assert.equal(f(line, e, 'origin_ip'), '198.51.100.25');
  assert.equal(f(line, e, 'auth'), '(unknown)');
  assert.equal(f(line, e, 'reason'), '250_ok_1615286631_qp_15309');
  const empty = 'Dec 31 23:59:59 mx spamdyke[1]: DENIED_OTHER from:  to: x@example.com origin_ip: 2001:db8::1 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: 550_x';
  const ee = parseSpamdykeLine(empty).entries[0];
  assert.equal(f(empty, ee, 'from'), '');
  assert.equal(f(empty, ee, 'to'), 'x@example.com');
  assert.equal(f(empty, ee, 'origin_ip'), '2001:db8::1');
});

test('spamdyke lines with RFC 3339 stamps (rsyslog\'s default format) carry their year', () => {
  const rest = ' server spamdyke[15280]: ALLOWED from: a@elsewhere.example.net to: r@example.com origin_ip: 198.51.100.25 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: 250_ok_1615286631_qp_15309';
  for (const [stamp, length] of [['2021-03-09T12:43:51.123456+01:00', 32], ['2021-03-09T12:43:51+01:00', 25], ['2021-03-09T12:43:51Z', 20], ['2021-03-09T12:43:51', 19], ['2021-03-09T12:43:51.5-04:30', 27],
    // journalctl -o short-iso and short-iso-precise write the zone without a colon.
    ['2021-03-09T12:43:51+0100', 24], ['2021-03-09T12:43:51.123456-0430', 31]] as const) {
    const line = stamp + rest;
    const p = parseSpamdykeLine(line);
    assert.equal(p.problem, undefined, stamp);
    assert.deepEqual(p.stamps![0], { month: 3, day: 9, secondsOfDay: 12 * 3600 + 43 * 60 + 51, year: 2021, length }, stamp);
    const e = p.entries[0];
    assert.equal(f(line, e, 'timestamp'), stamp);
    assert.equal(f(line, e, 'host'), 'server');
    assert.equal(f(line, e, 'pid'), '15280');
    assert.equal(e.kind, 'ALLOWED');
    assert.equal(f(line, e, 'reason'), '250_ok_1615286631_qp_15309');
  }
  // Two run together, one of each kind of stamp.
  const two = `2021-03-09T12:43:51+01:00${rest} Mar  9 12:43:52${rest}`;
  const both = parseSpamdykeLine(two);
  assert.equal(both.problem, undefined);
  assert.deepEqual(both.stamps!.map((s) => s.year), [2021, 0]);
  assert.equal(detectFormat(`2021-03-09T12:43:51.123456+01:00${rest}\n`), 'spamdyke');
  for (const bad of ['2021-03-09T12:43:51.+01:00', '2021-03-09T25:43:51+01:00', '2021-03-09T12:43:51+010', '2021-03-09T12:43:51+01:0', '1969-12-31T23:59:59Z']) {
    assert.equal(parseSpamdykeLine(bad + rest).entries.length, 0, bad);
  }
});

test('classic stamps with a fraction of the second, as journalctl -o short-precise writes them', () => {
  assert.deepEqual(parseSyslogStamp('Mar 09 12:43:51.123456 server'), { month: 3, day: 9, secondsOfDay: 12 * 3600 + 43 * 60 + 51, year: 0, length: 22 });
  assert.equal(parseSyslogStamp('Mar  9 12:43:51.5 server')?.length, 17);
  assert.equal(parseSyslogStamp('Mar  9 12:43:51. server'), undefined);
  const line = 'Mar 09 12:43:51.123456 server spamdyke[15280]: DENIED_RBL_MATCH from: a@elsewhere.example.net to: r@example.com origin_ip: 198.51.100.25 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)';
  const p = parseSpamdykeLine(line);
  assert.equal(p.problem, undefined);
  assert.equal(f(line, p.entries[0], 'timestamp'), 'Mar 09 12:43:51.123456');
  assert.equal(detectFormat(`${line}\n`), 'spamdyke');
});

test('time parsing rejects near misses', () => {
  assert.ok(Number.isNaN(parseIsoLocal('2021-13-09 12:43:51')));
  assert.ok(Number.isNaN(parseIsoLocal('2021-03-09T12:43:51')));
  assert.equal(parseSyslogStamp('Foo  9 12:43:51'), undefined);
  assert.equal(parseSyslogStamp('Mar 09 12:43:51')?.day, 9);
  assert.equal(parseSyslogStamp('2021-03-09 12:43:51'), undefined);
  assert.equal(parseSyslogStamp('2021-03-09T12:43:51+01:00')?.year, 2021);
});

test('format detection by content, tolerant of junk lines', () => {
  assert.equal(detectFormat('2021-03-09 12:43:51, from, a@b\n2021-03-09 12:43:51, resp, 250 ok\n'), 'smtp');
  assert.equal(detectFormat('junk\n2021-03-09 12:43:51, init, <a@b>\n2021-03-09 12:43:51, try, 1, local, x@y\n'), 'delivery');
  assert.equal(detectFormat('Mar  9 12:43:51 server spamdyke[1]: ALLOWED from: a to: b\n'), 'spamdyke');
  assert.equal(detectFormat('2021-03-09 12:43:51 INFO starting\n2021-03-09 12:43:52 INFO done\n'), undefined);
  assert.equal(detectFormat('Mar  9 12:43:51 host sshd[1]: Accepted\n'), undefined);
  assert.equal(portFromFileName('/x/smtp_587.log'), 587);
  assert.equal(portFromFileName('/x/smtp.log'), undefined);
});

test('variants seen in other exports: bare recipient and init addresses, spamdyke 4 lines without encryption and reason', () => {
  const to = '2021-03-09 12:43:51, to, recipient@example.com';
  const te = parseSmtpLine(to);
  assert.equal(te.problem, undefined);
  assert.equal(f(to, te.entries[0], 'address'), 'recipient@example.com');
  const init = '2021-03-09 12:43:51, init, someone@example.net';
  assert.equal(parseDeliveryLine(init).problem, undefined);
  const old = 'Mar  9 11:10:37 server spamdyke[29207]: DENIED_RBL_MATCH from: spam@mail.spam-source.net to: recipient@example.com origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown)';
  const oe = parseSpamdykeLine(old);
  assert.equal(oe.problem, undefined);
  assert.equal(f(old, oe.entries[0], 'to'), 'recipient@example.com');
  // ...while lines cut between fields are still recognised as cut.
  assert.ok(parseSpamdykeLine(old.slice(0, old.indexOf(' origin_rdns:'))).problem);
  assert.ok(parseSmtpLine('2021-03-09 12:43:51, to, <recipient@exam').problem);
  assert.ok(parseSmtpLine('2021-03-09 12:43:51, to, recipient').problem);
});

test('spamdyke diagnostic lines (verbose, debug and error levels) are entries but not verdicts', () => {
  const lines = [
    'Mar  9 11:10:38 server spamdyke[29208]: FILTER_RDNS_MISSING ip: 203.0.113.9',
    'Mar  9 11:10:38 server spamdyke[29208]: FILTER_WHITELIST_NAME ip: 198.51.100.2 rdns: mail.example.net entry: .example.net',
    'Mar  9 11:10:39 server spamdyke[29209]: ERROR: unable to connect to DNS server',
    'Mar  9 11:10:40 server spamdyke[29210]: ERROR(nihdns_query()@dns.c:412): unable to send data packet: Network is unreachable',
    'Mar  9 11:10:42 server spamdyke[29212]: DEBUG(filter_rdns_missing()@filter.c:1012): checking from: x for missing rDNS',
  ];
  for (const line of lines) {
    const p = parseSpamdykeLine(line);
    assert.equal(p.problem, undefined, line);
    assert.equal(p.entries.length, 1, line);
    assert.ok(isSpamdykeDiagnostic(p.entries[0]), line);
    assert.equal(f(line, p.entries[0], 'from'), undefined, line);
  }
  assert.equal(parseSpamdykeLine(lines[0]).entries[0].kind, 'FILTER_RDNS_MISSING');
  assert.equal(f(lines[0], parseSpamdykeLine(lines[0]).entries[0], 'text'), 'ip: 203.0.113.9');
  // Verdicts stay verdicts, with or without their envelope.
  for (const line of ['Mar  9 11:10:37 server spamdyke[1]: DENIED_RBL_MATCH', 'Mar  9 11:10:37 server spamdyke[1]: TIMEOUT from: (unknown) to: (unknown) origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)']) {
    assert.ok(!isSpamdykeDiagnostic(parseSpamdykeLine(line).entries[0]), line);
  }
});

test('spamdyke 4 lines that end after encryption are complete', () => {
  const line = 'Mar  9 11:10:37 server spamdyke[29207]: DENIED_RBL_MATCH from: spam@mail.spam-source.net to: recipient@example.com origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: TLS';
  const p = parseSpamdykeLine(line);
  assert.equal(p.problem, undefined);
  assert.equal(f(line, p.entries[0], 'encryption'), 'TLS');
  assert.equal(f(line, p.entries[0], 'reason'), undefined);
});
