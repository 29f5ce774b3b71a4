import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  allScopes,
  DELIVERY_SCOPE,
  onlyRootScope,
  scopesStartingWith,
  textsWithScope,
  type TokenizedLine,
  useGrammar,
} from './tokenize';

const { S, tok, scoped, doc } = useGrammar(DELIVERY_SCOPE, 'qmail-delivery');

describe('delivery log: init', () => {
  test('sender in angle brackets', () => {
    const line = tok('2021-03-09 12:43:51, init, <correspondent@elsewhere.example.net>');
    assert.deepEqual(scoped(line, 'constant.numeric.timestamp'), ['2021-03-09 12:43:51']);
    assert.deepEqual(scoped(line, 'keyword.other.entry-kind.init'), ['init']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['correspondent@elsewhere.example.net']);
    assert.deepEqual(scoped(line, 'punctuation.definition.address.begin'), ['<']);
    assert.deepEqual(scoped(line, 'punctuation.definition.address.end'), ['>']);
    assert.deepEqual(scoped(line, 'constant.language.null-sender'), []);
  });

  test('null sender <> of a bounce, and an empty detail', () => {
    const line = tok('2021-03-09 12:50:02, init, <>');
    assert.deepEqual(scoped(line, 'constant.language.null-sender'), ['<>']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), []);
    assert.deepEqual(scoped('2021-03-09 12:50:02, init, ', 'constant.language.null-sender'), [', ']);
  });

  test('international sender', () => {
    assert.deepEqual(scoped('2021-03-09 12:43:51, init, <émile@exemple.example>', 'string.unquoted.address'), ['émile@exemple.example']);
  });
});

describe('delivery log: try', () => {
  test('ID, channel, recipient', () => {
    const line = tok('2021-03-09 12:43:51, try, 114878, local, recipient@example.com');
    assert.deepEqual(scoped(line, 'keyword.other.entry-kind.try'), ['try']);
    assert.deepEqual(scoped(line, 'constant.numeric.delivery-id'), ['114878']);
    assert.deepEqual(scoped(line, 'keyword.other.channel'), ['local']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['recipient@example.com']);
  });

  test('remote channel; an underscore in the recipient belongs to it here', () => {
    const line = tok('2021-03-09 12:43:52, try, 114879, remote, first_last@elsewhere.example.net');
    assert.deepEqual(scoped(line, 'keyword.other.channel'), ['remote']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['first_last@elsewhere.example.net']);
  });

  test('an unknown channel word is not scoped as a channel', () => {
    assert.deepEqual(scoped('2021-03-09 12:43:52, try, 114879, remotely, x@example.net', 'keyword.other.channel'), []);
  });
});

describe('delivery log: result', () => {
  test('outcomes are told apart', () => {
    const outcomes: [string, string][] = [
      ['success', 'markup.inserted.outcome.success'],
      ['deferral', 'markup.changed.outcome.deferral'],
      ['failure', 'markup.deleted.outcome.failure'],
    ];
    for (const [word, scope] of outcomes) {
      const line = tok(`2021-03-09 12:43:51, result, 114878, ${word}, some_text/`);
      assert.deepEqual(scoped(line, 'constant.numeric.delivery-id'), ['114878']);
      assert.deepEqual(scopesStartingWith(line, 'markup.'), [S(scope)], word);
      assert.deepEqual(scoped(line, scope), [word]);
    }
    assert.deepEqual(scopesStartingWith(tok('2021-03-09 12:43:51, result, 114878, successful, x/'), 'markup.'), []);
  });

  test('local delivery: did_0+0+1 without the slash', () => {
    const line = tok('2021-03-09 12:43:51, result, 114878, success, did_0+0+1/');
    assert.deepEqual(scoped(line, 'constant.numeric.did'), ['did_0+0+1']);
    assert.deepEqual(scoped('2021-03-09 12:43:51, result, 114878, success, did_1+0+0/', 'constant.numeric.did'), ['did_1+0+0']);
  });

  test('remote success: smtp_auth prefix, IP, Remote_host_said, 2xx and 2.0.0', () => {
    const line = tok('2021-03-09 14:02:10, result, 114890, success, smtp_auth/192.0.2.7_accepted_message./Remote_host_said:_250_2.0.0_OK_1615298530_ab12cd/');
    assert.deepEqual(scoped(line, 'keyword.other.smtp-auth'), ['smtp_auth']);
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), ['192.0.2.7']);
    assert.deepEqual(scoped(line, 'keyword.other.remote-host-said'), ['Remote_host_said:']);
    assert.deepEqual(scoped(line, 'markup.inserted.reply-code.success'), ['250']);
    assert.deepEqual(scoped(line, 'support.constant.enhanced-status.success'), ['2.0.0']);
  });

  test('remote qmail reply with epoch and qp in underscores', () => {
    const line = tok('2021-03-09 14:02:10, result, 114891, success, 198.51.100.20_accepted_message./Remote_host_said:_250_ok_1615298530_qp_4711/');
    assert.deepEqual(scoped(line, 'constant.numeric.epoch'), ['1615298530']);
    assert.deepEqual(scoped(line, 'keyword.other.qp'), ['qp']);
    assert.deepEqual(scoped(line, 'constant.numeric.qp'), ['4711']);
  });

  test('remote failure: 550 and 5.1.1 after Remote_host_said:_, address in brackets, IP again', () => {
    const text = '2021-03-09 15:30:00, result, 114900, failure, 192.0.2.7_does_not_like_recipient./Remote_host_said:_550_5.1.1_<first_last@elsewhere.example.net>:_Recipient_address_rejected:_User_unknown/Giving_up_on_192.0.2.7./';
    const line = tok(text);
    assert.deepEqual(scoped(line, 'markup.deleted.reply-code.permanent'), ['550']);
    assert.deepEqual(scoped(line, 'markup.changed.reply-code.temporary'), []);
    assert.deepEqual(scoped(line, 'support.constant.enhanced-status.permanent'), ['5.1.1']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['first_last@elsewhere.example.net']);
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), ['192.0.2.7', '192.0.2.7']);
  });

  test('deferral: 4xx and 4.x.x, IPv6 inside underscore text, bare address ends at the underscore', () => {
    const line = tok('2021-03-09 15:31:00, result, 114901, deferral, Connected_to_2001:db8::25_but_greeting_failed./Remote_host_said:_421_4.7.0_Try_again_later,_closing_connection_for_user@elsewhere.example.net_now/');
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv6'), ['2001:db8::25']);
    assert.deepEqual(scoped(line, 'markup.changed.reply-code.temporary'), ['421']);
    assert.deepEqual(scoped(line, 'markup.deleted.reply-code.permanent'), []);
    assert.deepEqual(scoped(line, 'support.constant.enhanced-status.temporary'), ['4.7.0']);
    assert.deepEqual(scoped(line, 'string.unquoted.address'), ['user@elsewhere.example.net']);
  });

  test('multi-line remote reply (550-5.1.1) and a 3xx', () => {
    assert.deepEqual(scoped('2021-03-09 15:30:00, result, 114902, failure, Remote_host_said:_550-5.1.1_The_email_account_does_not_exist/', 'markup.deleted.reply-code.permanent'), ['550']);
    assert.deepEqual(scoped('2021-03-09 15:30:00, result, 114903, deferral, Remote_host_said:_354_go_ahead/', 'constant.numeric.reply-code.intermediate'), ['354']);
  });

  test('qmail-local and qmail-remote texts with (#x.y.z)', () => {
    const local = tok('2021-03-09 15:32:00, result, 114910, failure, Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/');
    assert.deepEqual(scoped(local, 'support.constant.enhanced-status.permanent'), ['#5.1.1']);
    const dns = tok('2021-03-09 15:32:01, result, 114911, deferral, CNAME_lookup_failed_temporarily._(#4.4.3)/');
    assert.deepEqual(scoped(dns, 'support.constant.enhanced-status.temporary'), ['#4.4.3']);
    const noHost = tok('2021-03-09 15:32:02, result, 114912, failure, Sorry,_I_couldn\'t_find_any_host_named_nowhere.example._(#5.1.2)/');
    assert.deepEqual(scoped(noHost, 'support.constant.enhanced-status.permanent'), ['#5.1.2']);
    assert.deepEqual(scopesStartingWith(noHost, 'keyword.other.remote-host-said'), []);
  });

  test('a reply code only counts right after Remote_host_said:', () => {
    const line = tok('2021-03-09 15:32:03, result, 114913, failure, 550_recipients_were_rejected/');
    assert.deepEqual(scopesStartingWith(line, 'markup.deleted.reply-code'), []);
  });
});

describe('delivery log: other lines', () => {
  test('unknown kind', () => {
    const line = tok('2021-03-09 15:32:03, status, local 1/10 remote 3/20 for 203.0.113.4');
    assert.deepEqual(scoped(line, 'keyword.other.entry-kind.unknown'), ['status']);
    assert.deepEqual(scoped(line, 'constant.numeric.ip.ipv4'), ['203.0.113.4']);
  });

  test('unknown lines keep only the root scope', () => {
    for (const text of ['delivery log for example.com', 'init, <a@example.com>', '2021-03-09 15:32:03 result 1 success', '\t']) {
      const line = tok(text);
      assert.ok(onlyRootScope(line, DELIVERY_SCOPE), `${JSON.stringify(text)} got ${[...allScopes(line)].join(', ')}`);
    }
  });
});

describe('delivery log: robustness', () => {
  const group = [
    '2021-03-09 12:43:51, init, <correspondent@elsewhere.example.net>',
    '2021-03-09 12:43:51, try, 114878, local, recipient@example.com',
    '2021-03-09 12:43:51, result, 114878, success, did_0+0+1/',
    '2021-03-09 12:43:52, try, 114879, remote, friend@elsewhere.example.net',
    '2021-03-09 12:43:53, result, 114879, deferral, Connected_to_192.0.2.7_but_greeting_failed./Remote_host_said:_421_4.3.2_busy/',
  ];
  function summary(lines: TokenizedLine[]) {
    const all = (stem: string) => lines.flatMap((l) => textsWithScope(l, S(stem)));
    return {
      timestamps: all('constant.numeric.timestamp').length,
      ids: all('constant.numeric.delivery-id'),
      addresses: all('string.unquoted.address'),
      did: all('constant.numeric.did'),
      deferral: all('markup.changed.outcome.deferral'),
      temporary: all('markup.changed.reply-code.temporary'),
      ips: all('constant.numeric.ip.ipv4'),
    };
  }
  const expected = {
    timestamps: 5,
    ids: ['114878', '114878', '114879', '114879'],
    addresses: ['correspondent@elsewhere.example.net', 'recipient@example.com', 'friend@elsewhere.example.net'],
    did: ['did_0+0+1'],
    deferral: ['deferral'],
    temporary: ['421'],
    ips: ['192.0.2.7'],
  };

  test('LF, CRLF, CRLF split on LF only, BOM, trailing spaces, blank lines', () => {
    assert.deepEqual(summary(doc(group.join('\n'))), expected);
    assert.deepEqual(summary(doc(group.join('\r\n') + '\r\n')), expected);
    const lfOnly = doc(group.join('\r\n'), /\n/);
    assert.deepEqual(summary(lfOnly), expected);
    for (const l of lfOnly.filter((x) => x.line.endsWith('\r'))) assert.deepEqual(l.tokens[l.tokens.length - 1].scopes, [DELIVERY_SCOPE]);
    const bom = doc('\uFEFF' + group.join('\n'));
    assert.deepEqual(summary(bom), expected);
    assert.deepEqual(textsWithScope(bom[0], S('constant.numeric.timestamp')), ['2021-03-09 12:43:51']);
    const spaced = doc(group.map((l) => l + '  ').join('\n\n'));
    assert.deepEqual(summary(spaced), expected);
  });

  test('entries run together on one line, with spaces or glued', () => {
    assert.deepEqual(summary([tok(group.join(' '))]), expected);
    assert.deepEqual(summary([tok(group.join(''))]), expected);
  });

  test('an empty init run together with the next entry', () => {
    const line = tok('2021-03-09 12:50:02, init, 2021-03-09 12:50:02, try, 5, remote, x@example.net');
    assert.deepEqual(scoped(line, 'constant.language.null-sender'), [', ']);
    assert.deepEqual(scoped(line, 'constant.numeric.delivery-id'), ['5']);
  });
});
