import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  allScopes,
  onlyRootScope,
  scopesStartingWith,
  SMTP_SCOPE,
  textsWithScope,
  type TokenizedLine,
  useGrammar,
} from './tokenize';

const { S, tok, scoped, doc } = useGrammar(SMTP_SCOPE, 'qmail-smtp');

describe('SMTP log: entry structure', () => {
  test('timestamp and each known kind get their scopes', () => {
    const kinds = ['from', 'to', 'resp', 'check', 'size'];
    for (const kind of kinds) {
      const line = tok(`2021-03-09 11:10:37, ${kind}, x`);
      assert.deepEqual(scoped(line, 'constant.numeric.timestamp'), ['2021-03-09 11:10:37'], kind);
      assert.deepEqual(scoped(line, `keyword.other.entry-kind.${kind}`), [kind]);
      assert.deepEqual(scopesStartingWith(line, 'keyword.other.entry-kind.'), [S(`keyword.other.entry-kind.${kind}`)]);
    }
  });

  test('an unknown kind is still an entry, scoped as unknown', () => {
    const line = tok('2021-03-09 11:10:37, auth, login ok for mailbox@example.com from 203.0.113.40');
    assert.deepEqual(scoped(line, 'keyword.other.entry-kind.unknown'), ['auth']);
    assert.deepEqual(scoped(line, 'constant.numeric.timestamp'), ['2021-03-09 11:10:37']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['mailbox@example.com']);
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), ['203.0.113.40']);
  });

  test('lines of another shape keep only the root scope and are never marked invalid', () => {
    for (const text of [
      'Mail log for example.com, port 25',
      '-----',
      '2021-03-09 11:10:37 from spam@mail.spam-source.net',
      '2021-03-09, from, spam@mail.spam-source.net',
      '   ',
      'resp, 250 ok',
    ]) {
      const line = tok(text);
      assert.ok(onlyRootScope(line, SMTP_SCOPE), `${JSON.stringify(text)} got ${[...allScopes(line)].join(', ')}`);
    }
  });
});

describe('SMTP log: addresses and the null sender', () => {
  test('bare sender address, exact range', () => {
    assert.deepEqual(scoped('2021-03-09 11:10:37, from, spam@mail.spam-source.net', 'string.unquoted.address'), ['spam@mail.spam-source.net']);
  });

  test('recipient in angle brackets: brackets are punctuation, the address excludes them', () => {
    const line = tok('2021-03-09 11:10:37, to, <recipient@example.com>');
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['recipient@example.com']);
    assert.deepEqual(scoped(line, 'punctuation.definition.address.begin'), ['<']);
    assert.deepEqual(scoped(line, 'punctuation.definition.address.end'), ['>']);
    assert.deepEqual(scoped(line, 'constant.language.null-sender'), []);
  });

  test('international (UTF-8) and punycode addresses', () => {
    assert.deepEqual(scoped('2021-03-09 11:10:37, to, <jürgen.müller@bücher.example>', 'string.unquoted.address'), ['jürgen.müller@bücher.example']);
    assert.deepEqual(scoped('2021-03-09 11:10:37, from, 用户@例子.example', 'string.unquoted.address'), ['用户@例子.example']);
    assert.deepEqual(scoped('2021-03-09 11:10:37, from, info@xn--bcher-kva.example', 'string.unquoted.address'), ['info@xn--bcher-kva.example']);
    assert.deepEqual(scoped('2021-03-09 11:10:37, to, <bounces+user=example.com@lists.example.net>', 'string.unquoted.address'), ['bounces+user=example.com@lists.example.net']);
  });

  test('a sentence-ending dot after an address is not part of it', () => {
    const line = tok('2021-03-09 11:10:37, resp, 553 sorry, contact postmaster@example.com.');
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['postmaster@example.com']);
  });

  test('text without @, or with a second @, is not an address', () => {
    assert.deepEqual(scoped('2021-03-09 11:10:37, from, postmaster', 'string.unquoted.address'), []);
    assert.deepEqual(scoped('2021-03-09 11:10:37, resp, 553 a@b@c.example', 'string.unquoted.address'), ['a@b']);
  });

  test('null sender: <> in a from entry', () => {
    const line = tok('2021-03-09 11:10:37, from, <>');
    assert.deepEqual(scoped(line, 'constant.language.null-sender'), ['<>']);
    assert.deepEqual(scoped(line, 'punctuation.definition.address.begin'), ['<']);
    assert.deepEqual(scoped(line, 'punctuation.definition.address.end'), ['>']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), []);
  });

  test('null sender: an empty from detail marks the comma before it', () => {
    assert.deepEqual(scoped('2021-03-09 11:10:37, from, ', 'constant.language.null-sender'), [', ']);
    assert.deepEqual(scoped('2021-03-09 11:10:37, from,', 'constant.language.null-sender'), [',']);
    // a sender present: no null sender
    assert.deepEqual(scoped('2021-03-09 11:10:37, from, a@example.net', 'constant.language.null-sender'), []);
    // <> in a recipient is not a null sender
    assert.deepEqual(scoped('2021-03-09 11:10:37, to, <>', 'constant.language.null-sender'), []);
  });
});

describe('SMTP log: replies', () => {
  test('reply code classes are told apart', () => {
    const cases: [string, string][] = [
      ['250 ok', 'markup.inserted.reply-code.success'],
      ['221 mail.example.com', 'markup.inserted.reply-code.success'],
      ['354 go ahead', 'constant.numeric.reply-code.intermediate'],
      ['421 too many connections, try again later', 'markup.changed.reply-code.temporary'],
      ['451 qq temporary problem (#4.3.0)', 'markup.changed.reply-code.temporary'],
      ['553 sorry, that domain isn\'t in my list of allowed rcpthosts (#5.7.1)', 'markup.deleted.reply-code.permanent'],
      ['554 "Refused. You have no reverse DNS entry."', 'markup.deleted.reply-code.permanent'],
    ];
    const classes = ['markup.inserted.reply-code.success', 'constant.numeric.reply-code.intermediate', 'markup.changed.reply-code.temporary', 'markup.deleted.reply-code.permanent'];
    for (const [reply, expected] of cases) {
      const line = tok(`2021-03-09 11:10:37, resp, ${reply}`);
      for (const cls of classes) {
        assert.deepEqual(scoped(line, cls), cls === expected ? [reply.slice(0, 3)] : [], `${reply} as ${cls}`);
      }
    }
  });

  test('a code that is not three digits, or a number later in the text, is no reply code', () => {
    const line = tok('2021-03-09 11:10:37, resp, 2500 ok');
    assert.deepEqual(scopesStartingWith(line, 'markup.'), []);
    const later = tok('2021-03-09 11:10:37, resp, 250 ok, 550 recipients left');
    assert.deepEqual(scoped(later, 'markup.inserted.reply-code.success'), ['250']);
    assert.deepEqual(scoped(later, 'markup.deleted.reply-code.permanent'), []);
  });

  test('multi-line reply continuation code (250-...) is scoped', () => {
    assert.deepEqual(scoped('2021-03-09 11:10:37, resp, 250-mail.example.com', 'markup.inserted.reply-code.success'), ['250']);
  });

  test('queued reply: epoch, qp and PID', () => {
    const line = tok('2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309');
    assert.deepEqual(scoped(line, 'markup.inserted.reply-code.success'), ['250']);
    assert.deepEqual(scoped(line, 'constant.numeric.epoch'), ['1615286631']);
    assert.deepEqual(scoped(line, 'keyword.other.qp'), ['qp']);
    assert.deepEqual(scoped(line, 'constant.numeric.qp'), ['15309']);
  });

  test('quoted reason: the whole string incl. quotes, addresses inside still scoped', () => {
    const text = '2021-03-09 11:10:37, resp, 554 "Refused. You have no reverse DNS entry. Contact abuse@example.com for details."';
    const line = tok(text);
    assert.deepEqual(scoped(line, 'string.quoted.double.reason'), ['"Refused. You have no reverse DNS entry. Contact abuse@example.com for details."']);
    assert.deepEqual(scoped(line, 'punctuation.definition.string.begin'), ['"']);
    assert.deepEqual(scoped(line, 'punctuation.definition.string.end'), ['"']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['abuse@example.com']);
    assert.deepEqual(scoped(line, 'markup.deleted.reply-code.permanent'), ['554']);
  });

  test('quoted reason naming an IP and an enhanced code', () => {
    const line = tok('2021-03-09 11:10:37, resp, 554 "5.7.1 Refused. Your IP address 203.0.113.9 is listed in the RBL at rbl.example.net"');
    assert.deepEqual(scoped(line, 'support.constant.enhanced-status.permanent'), ['5.7.1']);
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), ['203.0.113.9']);
  });

  test('an unterminated quote ends with its line and does not leak into the next', () => {
    const lines = doc('2021-03-09 11:10:37, resp, 554 "Refused. cut off\n2021-03-09 11:10:38, from, next@example.net');
    assert.deepEqual(textsWithScope(lines[0], S('string.quoted.double.reason')), ['"Refused. cut off']);
    assert.deepEqual(textsWithScope(lines[1], S('string.quoted.double.reason')), []);
    assert.deepEqual(textsWithScope(lines[1], S('string.unquoted.address')), ['next@example.net']);
    assert.deepEqual(textsWithScope(lines[1], S('keyword.other.entry-kind.from')), ['from']);
  });

  test('enhanced status codes by class, with and without #', () => {
    const line = tok('2021-03-09 11:10:37, resp, 511 sorry, no mailbox here by that name (#5.1.1 - chkuser)');
    assert.deepEqual(scoped(line, 'support.constant.enhanced-status.permanent'), ['#5.1.1']);
    const temp = tok('2021-03-09 11:10:37, resp, 451 4.3.0 mail server temporarily rejected message (#4.3.0)');
    assert.deepEqual(scoped(temp, 'support.constant.enhanced-status.temporary'), ['4.3.0', '#4.3.0']);
    assert.deepEqual(scoped(temp, 'support.constant.enhanced-status.permanent'), []);
    const ok = tok('2021-03-09 11:10:37, resp, 250 2.0.0 ok');
    assert.deepEqual(scoped(ok, 'support.constant.enhanced-status.success'), ['2.0.0']);
  });

  test('look-alikes are not enhanced codes: IPs, versions, longer dotted numbers', () => {
    const line = tok('2021-03-09 11:10:37, resp, 421 192.0.2.5 5.1.1.1 25.1.1 1.2.3 4.3 is busy');
    assert.deepEqual(scopesStartingWith(line, 'support.constant.enhanced-status'), []);
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), ['192.0.2.5', '5.1.1.1']);
  });
});

describe('SMTP log: chkuser check entries', () => {
  test('the FORMATS example: verdict, h:IP, address without the following comma', () => {
    const line = tok('2021-03-09 12:43:51, check, accepted rcpt, h:198.51.100.25, recipient@example.com, found existing recipient');
    assert.deepEqual(scoped(line, 'keyword.control.chkuser.accepted'), ['accepted rcpt']);
    assert.deepEqual(scoped(line, 'keyword.other.remote-side'), ['h:']);
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), ['198.51.100.25']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['recipient@example.com']);
    const comma = line.line.indexOf('recipient@example.com') + 'recipient@example.com'.length;
    assert.equal(line.line[comma], ',');
    const commaToken = line.tokens.find((t) => t.start <= comma && comma < t.end)!;
    assert.deepEqual(commaToken.scopes, [SMTP_SCOPE]);
  });

  test('IPv6 after h: and unknown: is matched exactly', () => {
    const line = tok('2021-03-09 12:43:51, check, accepted rcpt, h:2001:db8::25, recipient@example.com, found existing recipient');
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv6'), ['2001:db8::25']);
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), []);
    const loopback = tok('2021-03-09 12:43:51, check, relaying rcpt, unknown:::1, friend@elsewhere.example.net, client allowed to relay');
    assert.deepEqual(scoped(loopback, 'keyword.other.remote-side'), ['unknown:']);
    assert.deepEqual(scoped(loopback, 'constant.numeric.ip.ipv6'), ['::1']);
    const ipv4 = tok('2021-03-09 12:43:51, check, relaying rcpt, unknown:203.0.113.77, friend@elsewhere.example.net, client allowed to relay');
    assert.deepEqual(scoped(ipv4, 'constant.numeric.ip.ipv4'), ['203.0.113.77']);
  });

  test('verdict groups follow chkuser\'s list', () => {
    const groups: Record<string, string[]> = {
      accepted: ['accepted rcpt', 'accepted any rcpt', 'accepted sender', 'accepted any sender', 'accepted doublebounce', 'relaying rcpt'],
      rejected: ['rejected rcpt', 'rejected relaying', 'rejected sender', 'rejected intrusion', 'must auth', 'mbx overquota'],
      other: ['intrusion threshold', 'no auth resource', 'some future verdict'],
    };
    for (const [group, verdicts] of Object.entries(groups)) {
      for (const verdict of verdicts) {
        const line = tok(`2021-03-09 11:10:37, check, ${verdict}, h:203.0.113.9, nobody@example.com, some reason`);
        assert.deepEqual(scoped(line, `keyword.control.chkuser.${group}`), [verdict], verdict);
        assert.equal(scopesStartingWith(line, 'keyword.control.chkuser.').length, 1, verdict);
      }
    }
  });

  test('verdict text must be the whole field', () => {
    const line = tok('2021-03-09 11:10:37, check, accepted rcptx, h:203.0.113.9, nobody@example.com, x');
    assert.deepEqual(scoped(line, 'keyword.control.chkuser.accepted'), []);
    assert.deepEqual(scoped(line, 'keyword.control.chkuser.other'), ['accepted rcptx']);
  });
});

describe('SMTP log: size', () => {
  test('size value', () => {
    assert.deepEqual(scoped('2021-03-09 12:43:51, size, 23533', 'constant.numeric.size'), ['23533']);
    assert.deepEqual(scoped('2021-03-09 12:43:51, size, 23533   ', 'constant.numeric.size'), ['23533']);
    assert.deepEqual(scoped('2021-03-09 12:43:51, size, 23533kb', 'constant.numeric.size'), []);
  });
});

describe('SMTP log: robustness', () => {
  const group = [
    '2021-03-09 12:43:51, from, correspondent@elsewhere.example.net',
    '2021-03-09 12:43:51, resp, 250 ok',
    '2021-03-09 12:43:51, to, <recipient@example.com>',
    '2021-03-09 12:43:51, check, accepted rcpt, h:198.51.100.25, recipient@example.com, found existing recipient',
    '2021-03-09 12:43:51, resp, 250 ok',
    '2021-03-09 12:43:51, size, 23533',
    '2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309',
  ];

  function summary(lines: TokenizedLine[]) {
    const all = (stem: string) => lines.flatMap((l) => textsWithScope(l, S(stem)));
    return {
      timestamps: all('constant.numeric.timestamp').length,
      addresses: all('string.unquoted.address'),
      ips: all('constant.numeric.ip.ipv4'),
      success: all('markup.inserted.reply-code.success').length,
      qp: all('constant.numeric.qp'),
      size: all('constant.numeric.size'),
      verdicts: all('keyword.control.chkuser.accepted'),
    };
  }
  const expected = {
    timestamps: 7,
    addresses: ['correspondent@elsewhere.example.net', 'recipient@example.com', 'recipient@example.com'],
    ips: ['198.51.100.25'],
    success: 3,
    qp: ['15309'],
    size: ['23533'],
    verdicts: ['accepted rcpt'],
  };

  test('LF document as the baseline', () => {
    assert.deepEqual(summary(doc(group.join('\n'))), expected);
  });

  test('CRLF line endings, split the VS Code way', () => {
    assert.deepEqual(summary(doc(group.join('\r\n') + '\r\n')), expected);
  });

  test('CRLF split on LF only: the stray \\r is left unscoped and changes nothing', () => {
    const lines = doc(group.join('\r\n'), /\n/);
    assert.deepEqual(summary(lines), expected);
    for (const l of lines) {
      if (!l.line.endsWith('\r')) continue;
      const last = l.tokens[l.tokens.length - 1];
      assert.equal(last.text.endsWith('\r'), true);
      assert.deepEqual(last.scopes, [SMTP_SCOPE], JSON.stringify(l.line));
    }
    const nullSender = doc('2021-03-09 11:10:37, from, \r\n', /\n/)[0];
    assert.deepEqual(textsWithScope(nullSender, S('constant.language.null-sender')), [', ']);
  });

  test('UTF-8 BOM before the first timestamp', () => {
    const lines = doc('\uFEFF' + group.join('\n'));
    assert.deepEqual(summary(lines), expected);
    assert.deepEqual(textsWithScope(lines[0], S('constant.numeric.timestamp')), ['2021-03-09 12:43:51']);
    assert.deepEqual(lines[0].tokens[0], { text: '\uFEFF', start: 0, end: 1, scopes: [SMTP_SCOPE] });
  });

  test('trailing spaces and blank lines between transactions', () => {
    const text = group.map((l) => l + '   ').join('\n') + '\n\n\n' + group.join('\n');
    const lines = doc(text);
    const s = summary(lines);
    assert.equal(s.timestamps, 14);
    assert.deepEqual(s.addresses, [...expected.addresses, ...expected.addresses]);
    for (const blank of lines.filter((l) => l.line === '')) assert.deepEqual(blank.tokens, []);
    for (const l of lines.filter((x) => x.line.endsWith('   '))) assert.deepEqual(l.tokens[l.tokens.length - 1].scopes, [SMTP_SCOPE]);
  });

  test('entries run together on one line, separated by spaces', () => {
    const line = tok(group.join(' '));
    assert.deepEqual(summary([line]), expected);
    assert.deepEqual(scoped(line, 'keyword.other.entry-kind.resp'), ['resp', 'resp', 'resp']);
    assert.deepEqual(scoped(line, 'keyword.other.entry-kind.check'), ['check']);
  });

  test('entries glued together without any separator', () => {
    const line = tok(group.join(''));
    assert.deepEqual(summary([line]), expected);
  });

  test('the run-together example of the brief', () => {
    const line = tok('2021-03-09 11:10:37, from, a@b 2021-03-09 11:10:37, resp, 250 ok 2021-03-09 11:10:37, to, <c@example.com>');
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['a@b', 'c@example.com']);
    assert.deepEqual(scoped(line, 'constant.numeric.timestamp').length, 3);
    assert.deepEqual(scoped(line, 'markup.inserted.reply-code.success'), ['250']);
    assert.deepEqual(scoped(line, 'keyword.other.entry-kind.to'), ['to']);
  });

  test('an unterminated quote does not swallow the next run-together entry', () => {
    const line = tok('2021-03-09 11:10:37, resp, 554 "Refused. cut 2021-03-09 11:10:38, from, x@example.net');
    assert.deepEqual(scoped(line, 'string.quoted.double.reason'), ['"Refused. cut ']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['x@example.net']);
    assert.deepEqual(scoped(line, 'keyword.other.entry-kind.from'), ['from']);
  });

  test('empty from followed by a run-together entry is still the null sender', () => {
    const line = tok('2021-03-09 11:10:37, from, 2021-03-09 11:10:37, resp, 250 ok');
    assert.deepEqual(scoped(line, 'constant.language.null-sender'), [', ']);
    assert.deepEqual(scoped(line, 'markup.inserted.reply-code.success'), ['250']);
  });
});
