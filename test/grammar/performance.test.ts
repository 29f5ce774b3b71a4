// Timed test: no grammar pattern may backtrack catastrophically. Every shape below is tokenized as
// one physical line of 100,000 characters (must take under a second) and of 200,000 characters
// (must take no more than about three times as long: linear, not quadratic).
import assert from 'node:assert/strict';
import { before, describe, test, type TestContext } from 'node:test';
import { INITIAL, type IGrammar } from 'vscode-textmate';
import { DELIVERY_SCOPE, SMTP_SCOPE, SPAMDYKE_SCOPE, loadGrammar, loadGrammarFromObject, textsWithScope, tokenize } from './tokenize';

const BASE_LENGTH = 100_000;
const TIME_LIMIT_MS = 1000;
const MAX_RATIO = 3;
// Absolute allowance for timer and garbage-collector noise on lines that take a few milliseconds.
const NOISE_MS = 20;

/** `unit` repeated to exactly `length` characters. */
function fill(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** A line of `length` characters: `prefix`, then `unit` repeated, then `suffix`. */
function shape(prefix: string, unit: string, suffix = ''): (length: number) => string {
  return (length) => prefix + fill(unit, length - prefix.length - suffix.length) + suffix;
}

function timeOnce(grammar: IGrammar, line: string): number {
  const start = process.hrtime.bigint();
  grammar.tokenizeLine(line, INITIAL);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Scaling {
  base: number;
  doubled: number;
}

/** Best of three runs at each length, the runs interleaved so both lengths see the same conditions. */
function measureScaling(grammar: IGrammar, make: (length: number) => string, baseLength: number): Scaling {
  const baseLine = make(baseLength);
  const doubledLine = make(2 * baseLength);
  assert.equal(baseLine.length, baseLength);
  assert.equal(doubledLine.length, 2 * baseLength);
  timeOnce(grammar, make(1000)); // warm-up: compile the scanners involved
  let base = Infinity;
  let doubled = Infinity;
  for (let i = 0; i < 3; i++) {
    base = Math.min(base, timeOnce(grammar, baseLine));
    doubled = Math.min(doubled, timeOnce(grammar, doubledLine));
  }
  return { base, doubled };
}

const scalesLinearly = (s: Scaling) => s.doubled <= MAX_RATIO * s.base + NOISE_MS;

function checkShape(t: TestContext, grammar: IGrammar, name: string, make: (length: number) => string): void {
  let s = measureScaling(grammar, make, BASE_LENGTH);
  // One re-measurement before failing: a quadratic pattern fails it again, a noisy machine does not.
  if (!scalesLinearly(s) || s.base >= TIME_LIMIT_MS) s = measureScaling(grammar, make, BASE_LENGTH);
  t.diagnostic(`${name}: 100k ${s.base.toFixed(1)} ms, 200k ${s.doubled.toFixed(1)} ms`);
  assert.ok(s.base < TIME_LIMIT_MS, `${name}: ${s.base.toFixed(0)} ms for ${BASE_LENGTH} characters`);
  assert.ok(scalesLinearly(s), `${name}: ${s.base.toFixed(1)} ms -> ${s.doubled.toFixed(1)} ms when the line doubles`);
}

const TS = '2021-03-09 11:10:37';
const SMTP_GROUP = [
  `${TS}, from, correspondent@elsewhere.example.net`,
  `${TS}, resp, 250 ok`,
  `${TS}, to, <recipient@example.com>`,
  `${TS}, check, accepted rcpt, h:198.51.100.25, recipient@example.com, found existing recipient`,
  `${TS}, resp, 250 ok`,
  `${TS}, size, 23533`,
  `${TS}, resp, 250 ok 1615286631 qp 15309`,
  `${TS}, resp, 554 "Refused. You have no reverse DNS entry. Contact abuse@example.com for details."`,
  `${TS}, check, rejected rcpt, h:2001:db8::25, nobody@example.com, not existing recipient`,
].join(' ') + ' ';

const SMTP_SHAPES: [string, (n: number) => string][] = [
  ['one huge address', shape(`${TS}, from, `, 'a', '@example.com')],
  ['one huge domain in brackets', shape(`${TS}, to, <user@`, 'sub.', 'example.com>')],
  ['address characters without @', shape(`${TS}, from, `, 'a.b-c+d')],
  ['huge resp text', shape(`${TS}, resp, 554 `, 'Refused. You have no reverse DNS entry for 203.0.113.9 (#5.7.1). ')],
  ['unterminated quoted reason', shape(`${TS}, resp, 554 "`, 'Refused, see abuse@example.com ')],
  ['many quoted reasons', shape(`${TS}, resp, 554 `, '"x" ')],
  ['spaces', shape(`${TS}, resp, 250 `, ' ')],
  ['spaces and tabs', shape(`${TS}, check, `, ' \t')],
  ['underscores', shape(`${TS}, resp, 250 `, '_')],
  ['digits', shape(`${TS}, resp, 250 `, '7')],
  ['digits as size', shape(`${TS}, size, `, '7')],
  ['dots', shape(`${TS}, resp, 250 `, '.')],
  ['colons', shape(`${TS}, resp, 250 `, ':')],
  ['colons after h:', shape(`${TS}, check, accepted rcpt, h:`, ':')],
  ['unknown line of digits', shape('', '9')],
  ['unknown line of spaces', shape('', ' ')],
  ['many run-together entries', shape('', SMTP_GROUP)],
  ['IPv6 near-miss 1:1:1:...', shape(`${TS}, check, accepted rcpt, h:`, '1:')],
  ['IPv6 near-miss with double ::', shape(`${TS}, resp, 421 `, '2001:db8::25::')],
  ['IPv6 near-miss hex words', shape(`${TS}, resp, 421 `, 'ab:cd::ef:')],
  ['IPv4 near-miss', shape(`${TS}, resp, 421 `, '1.1.')],
  ['IPv4 too many octets', shape(`${TS}, resp, 421 `, '192.0.2.1.')],
  ['enhanced code near-miss', shape(`${TS}, resp, 550 `, '5.1.')],
  ['enhanced code near-miss with #', shape(`${TS}, resp, 550 `, '#5.')],
  ['qp near-miss', shape(`${TS}, resp, 250 ok `, '1 qp ')],
  ['timestamp near-miss', shape(`${TS}, resp, 250 `, '2021-03-09 11:10:3')],
  ['many addresses', shape(`${TS}, resp, 250 `, 'a@b.example ')],
  ['@ runs', shape(`${TS}, resp, 250 `, 'a@')],
  ['angle bracket runs', shape(`${TS}, to, `, '<a@b')],
];

const DELIVERY_GROUP = [
  `${TS}, init, <correspondent@elsewhere.example.net>`,
  `${TS}, try, 114878, local, recipient@example.com`,
  `${TS}, result, 114878, success, did_0+0+1/`,
  `${TS}, try, 114879, remote, friend@elsewhere.example.net`,
  `${TS}, result, 114879, failure, 192.0.2.7_does_not_like_recipient./Remote_host_said:_550_5.1.1_<friend@elsewhere.example.net>:_unknown/Giving_up_on_192.0.2.7./`,
].join(' ') + ' ';

const DELIVERY_SHAPES: [string, (n: number) => string][] = [
  ['huge result text', shape(`${TS}, result, 1, failure, `, 'Remote_host_said:_550_5.1.1_user_unknown_at_2001:db8::25/')],
  ['huge address in init', shape(`${TS}, init, <`, 'a', '@example.com>')],
  ['huge underscore address in result', shape(`${TS}, result, 1, failure, `, 'a', '@example.com')],
  ['underscores', shape(`${TS}, result, 1, deferral, `, '_')],
  ['digits as delivery ID', shape(`${TS}, try, `, '1')],
  ['digits in result', shape(`${TS}, result, 1, deferral, `, '1')],
  ['colons', shape(`${TS}, result, 1, deferral, `, ':')],
  ['dots', shape(`${TS}, result, 1, deferral, `, '.')],
  ['did near-miss', shape(`${TS}, result, 1, success, `, 'did_0+0+')],
  ['Remote_host_said near-miss', shape(`${TS}, result, 1, failure, `, 'Remote_host_said:_5')],
  ['@ and dots', shape(`${TS}, result, 1, failure, `, '@a.')],
  ['many run-together entries', shape('', DELIVERY_GROUP)],
];

const HEADER = 'Mar  9 11:10:37 server spamdyke[29207]: ';
const SPAMDYKE_LINES = [
  `${HEADER}DENIED_RDNS_MISSING from: spam@mail.spam-source.net to: recipient@example.com origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)`,
  `${HEADER}ALLOWED from: correspondent@elsewhere.example.net to: recipient@example.com origin_ip: 2001:db8::25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: (none) reason: 250_ok_1615286631_qp_15309`,
].join(' ') + ' ';

const SPAMDYKE_SHAPES: [string, (n: number) => string][] = [
  ['header near-miss', shape('', 'Mar  9 11:10:37 ')],
  ['huge host name', shape('Mar  9 11:10:37 ', 'h', ' spamdyke[1]: ALLOWED')],
  ['program near-miss', shape('Mar  9 11:10:37 server ', 'spamdyke[')],
  ['label runs', shape(HEADER, 'from: ')],
  ['huge reason', shape(`${HEADER}DENIED_OTHER reason: 554_`, 'Refused._Contact_postmaster@example.com_(#5.7.1)_')],
  ['underscores in reason', shape(`${HEADER}DENIED_OTHER reason: 554_`, '_')],
  ['digits in reason', shape(`${HEADER}ALLOWED reason: 250_ok_`, '9')],
  ['colons in origin_ip', shape(`${HEADER}ALLOWED origin_ip: `, ':')],
  ['IPv6 near-miss in origin_ip', shape(`${HEADER}ALLOWED origin_ip: `, 'ab:')],
  ['dots', shape(`${HEADER}ALLOWED origin_rdns: `, '.')],
  ['placeholder near-miss', shape(`${HEADER}TIMEOUT from: `, '(unknown')],
  ['huge verdict word', shape(`${HEADER}DENIED_`, 'X')],
  ['many run-together lines', shape('', SPAMDYKE_LINES)],
  ['RFC 3339 header near-miss', shape('', '2021-03-09T11:10:37.123456+01:00 ')],
  ['RFC 3339 fraction near-miss', shape('2021-03-09T11:10:37.', '1')],
  ['classic fraction near-miss', shape('Mar  9 11:10:37.', '1')],
  ['many run-together RFC 3339 lines', shape('', SPAMDYKE_LINES.split('Mar  9 11:10:37').join('2021-03-09T11:10:37.123456+01:00'))],
];

const SUITES: [string, string, [string, (n: number) => string][]][] = [
  ['SMTP log', SMTP_SCOPE, SMTP_SHAPES],
  ['delivery log', DELIVERY_SCOPE, DELIVERY_SHAPES],
  ['spamdyke log', SPAMDYKE_SCOPE, SPAMDYKE_SHAPES],
];

for (const [title, scopeName, shapes] of SUITES) {
  describe(`performance: ${title}`, () => {
    let grammar: IGrammar;
    before(async () => {
      grammar = await loadGrammar(scopeName);
    });
    for (const [name, make] of shapes) {
      test(name, (t) => checkShape(t, grammar, `${title}: ${name}`, make));
    }
  });
}

describe('performance: huge inputs are still scoped correctly', () => {
  test('a 100,000-character address is one address token', async () => {
    const grammar = await loadGrammar(SMTP_SCOPE);
    const address = 'a'.repeat(BASE_LENGTH) + '@example.com';
    const line = tokenize(grammar, `${TS}, from, ${address}`);
    assert.deepEqual(textsWithScope(line, 'string.unquoted.address.qmail-smtp'), [address]);
  });

  test('every entry of a 100,000-character run-together line is scoped', async () => {
    const grammar = await loadGrammar(SMTP_SCOPE);
    const count = Math.floor(BASE_LENGTH / SMTP_GROUP.length);
    const line = tokenize(grammar, SMTP_GROUP.repeat(count));
    assert.equal(textsWithScope(line, 'constant.numeric.timestamp.qmail-smtp').length, 9 * count);
    assert.equal(textsWithScope(line, 'constant.numeric.qp.qmail-smtp').length, count);
    assert.equal(textsWithScope(line, 'constant.numeric.ip.ipv6.qmail-smtp').length, count);
  });
});

describe('performance: the timing check itself', () => {
  test('it flags a grammar known to backtrack quadratically', async () => {
    const quadratic = await loadGrammarFromObject({
      scopeName: 'text.test.quadratic',
      patterns: [{ match: '[a-z]+[0-9]', name: 'constant.numeric.test' }],
    } as { scopeName: string });
    // Short lines suffice: the cost grows with the square of the length.
    const s = measureScaling(quadratic, (n) => 'a'.repeat(n), 3000);
    assert.ok(!scalesLinearly(s), `expected superlinear growth, measured ${s.base.toFixed(1)} -> ${s.doubled.toFixed(1)} ms`);
  });
});
