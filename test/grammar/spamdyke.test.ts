import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  allScopes,
  onlyRootScope,
  scopesStartingWith,
  SPAMDYKE_SCOPE,
  textsWithScope,
  type TokenizedLine,
  useGrammar,
} from './tokenize';

const { S, tok, scoped, doc } = useGrammar(SPAMDYKE_SCOPE, 'spamdyke');

const DENIED = 'Mar  9 11:10:37 server spamdyke[29207]: DENIED_RDNS_MISSING from: spam@mail.spam-source.net to: recipient@example.com origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)';
const ALLOWED = 'Mar  9 12:43:51 server spamdyke[15280]: ALLOWED from: correspondent@elsewhere.example.net to: recipient@example.com origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: (none) reason: 250_ok_1615286631_qp_15309';


describe('spamdyke log: header', () => {
  test('space-padded timestamp, host, program, PID', () => {
    const line = tok(DENIED);
    assert.deepEqual(scoped(line, 'constant.numeric.timestamp'), ['Mar  9 11:10:37']);
    assert.deepEqual(scoped(line, 'entity.name.type.host'), ['server']);
    assert.deepEqual(scoped(line, 'entity.name.function.program'), ['spamdyke']);
    assert.deepEqual(scoped(line, 'constant.numeric.pid'), ['29207']);
    assert.deepEqual(scoped(line, 'punctuation.definition.pid.begin'), ['[']);
    assert.deepEqual(scoped(line, 'punctuation.definition.pid.end'), [']']);
  });

  test('two-digit day and a qualified host name', () => {
    const line = tok('Dec 31 23:59:59 mx1.example.com spamdyke[4]: ALLOWED from: a@example.net to: b@example.com origin_ip: 192.0.2.1 origin_rdns: a.example.net auth: (unknown) encryption: TLS reason: 250_ok_1_qp_2');
    assert.deepEqual(scoped(line, 'constant.numeric.timestamp'), ['Dec 31 23:59:59']);
    assert.deepEqual(scoped(line, 'entity.name.type.host'), ['mx1.example.com']);
  });

  test('RFC 3339 stamps (rsyslog\'s default), journalctl\'s short-iso and short-precise stamps, alone and run together', () => {
    for (const stamp of ['2021-03-09T11:10:37.123456+01:00', '2021-03-09T11:10:37+01:00', '2021-03-09T11:10:37Z', '2021-03-09T11:10:37', '2021-03-09T11:10:37+0100', '2021-03-09T11:10:37.123456-0430', 'Mar 09 11:10:37.123456']) {
      const line = tok(DENIED.replace('Mar  9 11:10:37', stamp));
      assert.deepEqual(scoped(line, 'constant.numeric.timestamp'), [stamp]);
      assert.deepEqual(scoped(line, 'entity.name.type.host'), ['server']);
      assert.deepEqual(scoped(line, 'markup.deleted.verdict.denied'), ['DENIED_RDNS_MISSING']);
      assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), ['203.0.113.9']);
    }
    const two = tok(`${ALLOWED.replace('Mar  9 12:43:51', '2021-03-09T12:43:51.5+01:00')} ${DENIED.replace('Mar  9 11:10:37', '2021-03-09T11:10:37Z')}`);
    assert.deepEqual(scoped(two, 'constant.numeric.timestamp'), ['2021-03-09T12:43:51.5+01:00', '2021-03-09T11:10:37Z']);
    assert.deepEqual(scoped(two, 'constant.numeric.ip.ipv4'), ['198.51.100.25', '203.0.113.9']);
  });

  test('syslog lines of other programs, and other text, keep only the root scope', () => {
    for (const text of [
      'Mar  9 11:10:37 server qmail-smtpd[29207]: DENIED_RDNS_MISSING from: a@example.net',
      'Mar  9 11:10:37 spamdyke[29207]: ALLOWED',
      '2021-03-09 11:10:37 server spamdyke[29207]: ALLOWED from: a@example.net',
      '2021-03-09T11:10:37+010 server spamdyke[29207]: ALLOWED from: a@example.net',
      'spamdyke log of example.com',
      'DENIED_RBL_MATCH from: a@example.net to: b@example.com',
      '',
    ]) {
      const line = tok(text);
      assert.ok(onlyRootScope(line, SPAMDYKE_SCOPE), `${JSON.stringify(text)} got ${[...allScopes(line)].join(', ')}`);
    }
  });
});

describe('spamdyke log: verdicts', () => {
  const header = 'Mar  9 11:10:37 server spamdyke[29207]: ';
  const groups: Record<string, string[]> = {
    'markup.inserted.verdict.allowed': ['ALLOWED', 'ALLOWED_AUTHENTICATED', 'ALLOWED_TLS'],
    'markup.deleted.verdict.denied': [
      'DENIED_RDNS_MISSING', 'DENIED_RDNS_RESOLVE', 'DENIED_RBL_MATCH', 'DENIED_RHSBL_MATCH', 'DENIED_GRAYLISTED',
      'DENIED_SENDER_NO_MX', 'DENIED_IP_IN_RDNS', 'DENIED_IP_IN_CC_RDNS', 'DENIED_BLACKLIST_IP', 'DENIED_EARLYTALKER',
      'DENIED_TOO_MANY_RECIPIENTS', 'DENIED_RELAYING', 'DENIED_AUTH_REQUIRED', 'DENIED_OTHER', 'DENIED_ZERO_RECIPIENTS',
    ],
    'markup.changed.verdict.other': ['TIMEOUT', 'TLS_ENCRYPTED', 'FAILED_AUTH', 'UNKNOWN_AUTH', 'FAILED_TLS', 'ERROR', 'FILTER_RBL_MATCH', 'DEBUG', 'EXCESSIVE'],
  };
  test('each verdict falls in its group and only there', () => {
    for (const [scope, verdicts] of Object.entries(groups)) {
      for (const verdict of verdicts) {
        const line = tok(`${header}${verdict} from: a@elsewhere.example.net to: b@example.com origin_ip: 198.51.100.3 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)`);
        assert.deepEqual(scopesStartingWith(line, 'markup.'), [S(scope)], verdict);
        assert.deepEqual(scoped(line, scope), [verdict]);
      }
    }
  });

  test('ERROR(...) and FILTER_* lines: the first word is the verdict', () => {
    const err = tok(`${header}ERROR(filter_rdns_missing()@filter.c:302): unable to open file /etc/spamdyke/whitelist_ip: No such file or directory`);
    assert.deepEqual(scoped(err, 'markup.changed.verdict.other'), ['ERROR']);
    const filter = tok(`${header}FILTER_RBL_MATCH ip: 203.0.113.9 rbl: zen.example.net`);
    assert.deepEqual(scoped(filter, 'markup.changed.verdict.other'), ['FILTER_RBL_MATCH']);
    assert.deepEqual(scoped(filter, 'entity.name.tag.field-label'), ['ip:', 'rbl:']);
    assert.deepEqual(scoped(filter, 'constant.numeric.ip.ipv4'), ['203.0.113.9']);
  });

  test('a verdict word only counts right after the header', () => {
    const line = tok(`${header}ALLOWED from: a@example.net to: DENIED_OTHER@example.com origin_ip: 192.0.2.1`);
    assert.deepEqual(scoped(line, 'markup.inserted.verdict.allowed'), ['ALLOWED']);
    assert.deepEqual(scoped(line, 'markup.deleted.verdict.denied'), []);
  });
});

describe('spamdyke log: fields', () => {
  test('labels, addresses, IP and placeholders of a DENIED line', () => {
    const line = tok(DENIED);
    assert.deepEqual(scoped(line, 'entity.name.tag.field-label'), ['from:', 'to:', 'origin_ip:', 'origin_rdns:', 'auth:', 'encryption:', 'reason:']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['spam@mail.spam-source.net', 'recipient@example.com']);
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), ['203.0.113.9']);
    assert.deepEqual(scoped(line, 'constant.language.empty-value'), ['(unknown)', '(unknown)', '(none)', '(empty)']);
  });

  test('from: (unknown) is an unknown value, never the null sender', () => {
    const line = tok('Mar  9 11:10:40 server spamdyke[29210]: TIMEOUT from: (unknown) to: (unknown) origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)');
    assert.deepEqual(scoped(line, 'constant.language.empty-value'), ['(unknown)', '(unknown)', '(unknown)', '(unknown)', '(none)', '(empty)']);
    assert.deepEqual(scopesStartingWith(line, 'constant.language.null-sender'), []);
  });

  test('IPv6 origin_ip in compressed, loopback and IPv4-mapped forms', () => {
    for (const ip of ['2001:db8::25', '::1', '2001:db8:0:0:0:0:0:7', '::ffff:192.0.2.128', 'fe80::1']) {
      const line = tok(`Mar  9 12:00:00 server spamdyke[1]: ALLOWED from: a@example.net to: b@example.com origin_ip: ${ip} origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)`);
      assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv6'), [ip], ip);
      assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), [], ip);
    }
  });

  test('IPv6 near-misses are not scoped', () => {
    for (const text of ['2001:db8::25::1', '12:43:51', '2001:db8:1:2:3:4:5:6:7', 'gggg::1']) {
      const line = tok(`Mar  9 12:00:00 server spamdyke[1]: ALLOWED origin_ip: ${text} origin_rdns: (unknown)`);
      assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv6'), [], text);
    }
  });

  test('the sender and recipient may be international or punycode', () => {
    const line = tok('Mar  9 12:00:00 server spamdyke[1]: ALLOWED from: 用户@例子.example to: info@xn--bcher-kva.example origin_ip: 192.0.2.1');
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['用户@例子.example', 'info@xn--bcher-kva.example']);
  });
});

describe('spamdyke log: reason', () => {
  test('queued reply with underscores: 250, epoch, qp, PID', () => {
    const line = tok(ALLOWED);
    assert.deepEqual(scoped(line, 'markup.inserted.reply-code.success'), ['250']);
    assert.deepEqual(scoped(line, 'constant.numeric.epoch'), ['1615286631']);
    assert.deepEqual(scoped(line, 'keyword.other.qp'), ['qp']);
    assert.deepEqual(scoped(line, 'constant.numeric.qp'), ['15309']);
    assert.deepEqual(scoped(line, 'markup.inserted.verdict.allowed'), ['ALLOWED']);
  });

  test('refusal reasons: 5xx vs 4xx, enhanced codes, address ends at the underscore', () => {
    const perm = tok('Mar  9 12:00:01 server spamdyke[2]: DENIED_OTHER from: a@elsewhere.example.net to: nobody@example.com origin_ip: 198.51.100.8 origin_rdns: mx.elsewhere.example.net auth: (unknown) encryption: (none) reason: 511_sorry,_no_mailbox_here_by_that_name_(#5.1.1_-_chkuser)');
    assert.deepEqual(scoped(perm, 'markup.deleted.reply-code.permanent'), ['511']);
    assert.deepEqual(scoped(perm, 'markup.changed.reply-code.temporary'), []);
    assert.deepEqual(scoped(perm, 'support.constant.enhanced-status.permanent'), ['#5.1.1']);
    const temp = tok('Mar  9 12:00:02 server spamdyke[3]: DENIED_GRAYLISTED from: a@elsewhere.example.net to: b@example.com origin_ip: 198.51.100.8 origin_rdns: mx.elsewhere.example.net auth: (unknown) encryption: (none) reason: 421_4.7.1_Your_address_has_been_graylisted._Try_again_later.');
    assert.deepEqual(scoped(temp, 'markup.changed.reply-code.temporary'), ['421']);
    assert.deepEqual(scoped(temp, 'markup.deleted.reply-code.permanent'), []);
    assert.deepEqual(scoped(temp, 'support.constant.enhanced-status.temporary'), ['4.7.1']);
    const rbl = tok('Mar  9 12:00:03 server spamdyke[4]: DENIED_OTHER from: a@elsewhere.example.net to: b@example.com origin_ip: 203.0.113.66 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: 554_Refused._Your_IP_address_203.0.113.66_is_listed._Write_to_postmaster@example.com_for_help.');
    assert.deepEqual(scoped(rbl, 'markup.deleted.reply-code.permanent'), ['554']);
    assert.deepEqual(scoped(rbl, 'constant.numeric.ip.ipv4'), ['203.0.113.66', '203.0.113.66']);
    assert.deepEqual(scoped(rbl, 'string.unquoted.address'), ['a@elsewhere.example.net', 'b@example.com', 'postmaster@example.com']);
  });

  test('a reply code only at the start of the reason', () => {
    const line = tok('Mar  9 12:00:04 server spamdyke[5]: DENIED_OTHER reason: Refused_550_recipients');
    assert.deepEqual(scopesStartingWith(line, 'markup.deleted.reply-code'), []);
    const code3 = tok('Mar  9 12:00:04 server spamdyke[5]: ALLOWED reason: 354_go_ahead');
    assert.deepEqual(scoped(code3, 'constant.numeric.reply-code.intermediate'), ['354']);
  });

  test('a 2.0.0 enhanced code and an address in brackets inside a reason', () => {
    const line = tok('Mar  9 12:00:05 server spamdyke[6]: ALLOWED reason: 250_2.0.0_<first_last@example.com>_accepted');
    assert.deepEqual(scoped(line, 'support.constant.enhanced-status.success'), ['2.0.0']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['first_last@example.com']);
    assert.deepEqual(scoped(line, 'punctuation.definition.address.begin'), ['<']);
    assert.deepEqual(scoped(line, 'punctuation.definition.address.end'), ['>']);
  });
});

describe('spamdyke log: robustness', () => {
  const lines = [DENIED, ALLOWED];
  function summary(tokenized: TokenizedLine[]) {
    const all = (stem: string) => tokenized.flatMap((l) => textsWithScope(l, S(stem)));
    return {
      timestamps: all('constant.numeric.timestamp'),
      denied: all('markup.deleted.verdict.denied'),
      allowed: all('markup.inserted.verdict.allowed'),
      addresses: all('string.unquoted.address').length,
      ips: all('constant.numeric.ip.ipv4'),
      qp: all('constant.numeric.qp'),
      empty: all('constant.language.empty-value').length,
    };
  }
  const expected = {
    timestamps: ['Mar  9 11:10:37', 'Mar  9 12:43:51'],
    denied: ['DENIED_RDNS_MISSING'],
    allowed: ['ALLOWED'],
    addresses: 4,
    ips: ['203.0.113.9', '198.51.100.25'],
    qp: ['15309'],
    empty: 6,
  };

  test('LF, CRLF, CRLF split on LF only, BOM, trailing spaces, blank lines', () => {
    assert.deepEqual(summary(doc(lines.join('\n'))), expected);
    assert.deepEqual(summary(doc(lines.join('\r\n') + '\r\n')), expected);
    const lfOnly = doc(lines.join('\r\n'), /\n/);
    assert.deepEqual(summary(lfOnly), expected);
    assert.deepEqual(lfOnly[0].tokens[lfOnly[0].tokens.length - 1], { text: '\r', start: DENIED.length, end: DENIED.length + 1, scopes: [SPAMDYKE_SCOPE] });
    const bom = doc('\uFEFF' + lines.join('\n'));
    assert.deepEqual(summary(bom), expected);
    assert.deepEqual(bom[0].tokens[0].scopes, [SPAMDYKE_SCOPE]);
    assert.deepEqual(summary(doc(lines.map((l) => l + '   ').join('\n\n\n'))), expected);
  });

  test('lines run together on one physical line, with a space or glued', () => {
    assert.deepEqual(summary([tok(lines.join(' '))]), expected);
    assert.deepEqual(summary([tok(lines.join(''))]), expected);
    assert.deepEqual(summary([tok([ALLOWED, DENIED].join(''))]), {
      ...expected,
      timestamps: ['Mar  9 12:43:51', 'Mar  9 11:10:37'],
      ips: ['198.51.100.25', '203.0.113.9'],
    });
  });
});
