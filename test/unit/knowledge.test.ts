import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHKUSER_VERDICTS,
  SERVER_TEXTS,
  SPAMDYKE_VERDICTS,
  decodeDeliveryText,
  decodeDid,
  explainChkuserVerdict,
  explainDeliveryOutcome,
  explainDid,
  explainEnhancedStatus,
  explainNullSender,
  explainPort,
  explainQp,
  explainRemoteSide,
  explainReplyCode,
  explainServerText,
  explainSpamdykeField,
  explainSpamdykeVerdict,
  replyClass,
} from '../../server/src/knowledge';
import type { Explanation } from '../../server/src/knowledge';

const SEVERITIES = ['ok', 'temporary', 'permanent', 'info'];
const ACTORS = ['nobody', 'sender', 'sender-admin', 'recipient', 'recipient-admin', 'server-admin'];

function defined(value: Explanation | undefined, what: string): Explanation {
  assert.ok(value, `expected an explanation for ${what}`);
  return value;
}

function words(e: Explanation): string {
  return `${e.title} ${e.meaning} ${e.cause ?? ''} ${e.action ?? ''}`.toLowerCase();
}

function assertWellFormed(e: Explanation, what: string): void {
  assert.ok(e.title.trim().length > 0, `${what}: empty title`);
  assert.ok(e.meaning.trim().length > 20, `${what}: meaning too short`);
  assert.ok(SEVERITIES.includes(e.severity), `${what}: bad severity ${e.severity}`);
  if (e.whoActs !== undefined) assert.ok(ACTORS.includes(e.whoActs), `${what}: bad actor ${e.whoActs}`);
}

describe('SMTP reply codes', () => {
  // RFC 5321 §4.2.3 lists exactly these codes.
  const rfc5321 = ['211', '214', '220', '221', '250', '251', '252', '354', '421', '450', '451', '452', '455',
    '500', '501', '502', '503', '504', '550', '551', '552', '553', '554', '555'];
  const auth = ['235', '334', '432', '454', '530', '534', '535', '538'];

  it('explains every RFC 5321 code and the AUTH codes, with the severity of their class', () => {
    for (const code of [...rfc5321, ...auth]) {
      const e = defined(explainReplyCode(code), code);
      assertWellFormed(e, code);
      assert.doesNotMatch(e.title, /not defined by RFC 5321/, `${code} fell back to its class`);
      // Help and status replies only inform; every other 2xx reports success.
      const expected = code === '211' || code === '214' ? 'info' : { '2': 'ok', '3': 'info', '4': 'temporary', '5': 'permanent' }[code[0]];
      assert.equal(e.severity, expected, code);
    }
  });

  it('554 is a permanent refusal, with a different meaning at connect, RCPT and end of data', () => {
    const plain = defined(explainReplyCode('554'), '554');
    assert.equal(plain.severity, 'permanent');
    assert.match(words(plain), /refus/);
    const connect = defined(explainReplyCode('554', 'connect'), '554 connect');
    const rcpt = defined(explainReplyCode('554', 'rcpt'), '554 rcpt');
    const data = defined(explainReplyCode('554', 'end-of-data'), '554 end-of-data');
    assert.match(words(connect), /connection/);
    assert.match(words(rcpt), /recipient/);
    assert.match(words(data), /message/);
    assert.equal(new Set([connect.title, rcpt.title, data.title]).size, 3);
  });

  it('421 is temporary and 250 is ok; 250 after the data means queued', () => {
    assert.equal(explainReplyCode('421')?.severity, 'temporary');
    assert.match(words(defined(explainReplyCode('421'), '421')), /retr|later/);
    assert.equal(explainReplyCode('250')?.severity, 'ok');
    assert.match(words(defined(explainReplyCode('250', 'end-of-data'), '250 eod')), /queue/);
    assert.match(words(defined(explainReplyCode('250', 'rcpt'), '250 rcpt')), /recipient/);
  });

  it('452 means too many recipients at RCPT but storage after the data', () => {
    const rcpt = defined(explainReplyCode('452', 'rcpt'), '452 rcpt');
    assert.match(words(rcpt), /too many recipients/);
    assert.equal(rcpt.severity, 'temporary');
    const data = defined(explainReplyCode('452', 'end-of-data'), '452 eod');
    assert.match(words(data), /storage/);
    assert.doesNotMatch(data.title.toLowerCase(), /recipients/);
  });

  it('553 at RCPT is explained as relaying denied', () => {
    assert.match(words(defined(explainReplyCode('553', 'rcpt'), '553 rcpt')), /relay/);
  });

  it('accepts a code with its text and notes replies RFC 5321 does not list for the step', () => {
    assert.equal(explainReplyCode('550 5.1.1 sorry')?.severity, 'permanent');
    assert.match(defined(explainReplyCode('354', 'rcpt'), '354 rcpt').meaning, /does not list/);
    assert.doesNotMatch(defined(explainReplyCode('550', 'rcpt'), '550 rcpt').meaning, /does not list/);
  });

  it('unknown codes of a known class get the class meaning; nonsense gets nothing', () => {
    const e = defined(explainReplyCode('599'), '599');
    assert.equal(e.severity, 'permanent');
    assert.match(e.title, /not defined/);
    assert.match(defined(explainReplyCode('559'), '559').meaning, /mail system/);
    assert.match(defined(explainReplyCode('529'), '529').meaning, /connection/);
    assert.equal(explainReplyCode('299')?.severity, 'ok');
    assert.equal(explainReplyCode('471')?.severity, 'temporary');
    assert.equal(explainReplyCode('199'), undefined);
    assert.equal(explainReplyCode('abc'), undefined);
    assert.equal(explainReplyCode('5501'), undefined);
  });

  it('replyClass gives the meaning of the first digit', () => {
    assert.equal(replyClass('4xx')?.severity, 'temporary');
    assert.equal(replyClass('554')?.severity, 'permanent');
    assert.equal(replyClass('2')?.severity, 'ok');
    assert.equal(replyClass('9xx'), undefined);
  });
});

describe('enhanced status codes', () => {
  it('5.1.1 and #5.1.1 are a bad destination mailbox, permanent, to be checked by the sender', () => {
    for (const code of ['5.1.1', '#5.1.1']) {
      const e = defined(explainEnhancedStatus(code), code);
      assert.match(e.title.toLowerCase(), /bad destination mailbox/);
      assert.equal(e.severity, 'permanent');
      assert.equal(e.whoActs, 'sender');
    }
  });

  it('4.2.2 is a full mailbox, temporary, and the recipient must act', () => {
    const e = defined(explainEnhancedStatus('4.2.2'), '4.2.2');
    assert.match(words(e), /mailbox full|mailbox is full/);
    assert.equal(e.severity, 'temporary');
    assert.equal(e.whoActs, 'recipient');
  });

  it('5.7.1 is a refusal by policy: not authorized', () => {
    const e = defined(explainEnhancedStatus('5.7.1'), '5.7.1');
    assert.match(words(e), /not authorized/);
    assert.match(words(e), /policy/);
    assert.equal(e.severity, 'permanent');
  });

  it('combines class, subject and detail; 2.0.0 is success and 4.x.x needs nobody', () => {
    assert.equal(explainEnhancedStatus('2.0.0')?.severity, 'ok');
    assert.equal(explainEnhancedStatus('2.0.0')?.whoActs, undefined);
    const temp = defined(explainEnhancedStatus('4.3.0'), '4.3.0');
    assert.equal(temp.severity, 'temporary');
    assert.equal(temp.whoActs, 'nobody');
    assert.match(words(defined(explainEnhancedStatus('5.3.4'), '5.3.4')), /too big/);
    assert.match(words(defined(explainEnhancedStatus('5.7.25'), '5.7.25')), /reverse dns/);
  });

  it('an unknown detail of a known subject is explained by class and subject', () => {
    const e = defined(explainEnhancedStatus('5.1.99'), '5.1.99');
    assert.equal(e.severity, 'permanent');
    assert.match(e.meaning, /address/);
    const unknownSubject = defined(explainEnhancedStatus('4.9.9'), '4.9.9');
    assert.equal(unknownSubject.severity, 'temporary');
    assert.equal(explainEnhancedStatus('hello'), undefined);
    assert.equal(explainEnhancedStatus('3.1.1'), undefined);
  });
});

describe('spamdyke verdicts', () => {
  // The CODE list of the spamdyke 5.0.1 README, "Log Messages".
  const documented = ['ALLOWED', 'ALLOWED_AUTHENTICATED', 'ALLOWED_TLS', 'DENIED_AUTH_REQUIRED', 'DENIED_BLACKLIST_IP',
    'DENIED_BLACKLIST_NAME', 'DENIED_EARLYTALKER', 'DENIED_GRAYLISTED', 'DENIED_HEADER_BLACKLISTED',
    'DENIED_IDENTICAL_SENDER_RECIPIENT', 'DENIED_INVALID_RECIPIENT', 'DENIED_IP_IN_CC_RDNS', 'DENIED_IP_IN_RDNS',
    'DENIED_OTHER', 'DENIED_RBL_MATCH', 'DENIED_RDNS_MISSING', 'DENIED_RDNS_RESOLVE', 'DENIED_RHSBL_MATCH',
    'DENIED_RECIPIENT_BLACKLISTED', 'DENIED_REJECT_ALL', 'DENIED_RELAYING', 'DENIED_SENDER_BLACKLISTED',
    'DENIED_SENDER_NO_MX', 'DENIED_SENDER_NOT_AUTH', 'DENIED_SENDER_NOT_LOCAL', 'DENIED_TOO_MANY_RECIPIENTS',
    'DENIED_UNQUALIFIED_RECIPIENT', 'DENIED_UNAVAILABLE_RECIPIENT', 'DENIED_ZERO_RECIPIENTS', 'FAILED_AUTH',
    'FAILED_TLS', 'TIMEOUT', 'TLS_ENCRYPTED', 'UNKNOWN_AUTH'];

  it('explains every documented verdict without falling back to the generic text', () => {
    for (const verdict of [...documented, 'DENIED_ACCESS_DENIED']) {
      const e = defined(explainSpamdykeVerdict(verdict), verdict);
      assertWellFormed(e, verdict);
      assert.doesNotMatch(e.meaning, /we do not know/, verdict);
    }
  });

  it('every verdict in the table has a meaning and a severity, and refusals say who acts', () => {
    assert.ok(SPAMDYKE_VERDICTS.length >= documented.length);
    for (const row of SPAMDYKE_VERDICTS) {
      const e = defined(explainSpamdykeVerdict(row.verdict), row.verdict);
      assertWellFormed(e, row.verdict);
      if (row.verdict.startsWith('DENIED_') || row.verdict.startsWith('FAILED_')) {
        assert.ok(e.whoActs, `${row.verdict} lacks whoActs`);
        assert.ok(e.action, `${row.verdict} lacks an action`);
      }
    }
  });

  it('DENIED_RDNS_MISSING is about reverse DNS and the sender\'s administrator must act', () => {
    const e = defined(explainSpamdykeVerdict('DENIED_RDNS_MISSING'), 'rdns');
    assert.match(words(e), /reverse dns/);
    assert.equal(e.whoActs, 'sender-admin');
    assert.match(e.action ?? '', /PTR/);
  });

  it('DENIED_GRAYLISTED is temporary and a retry is expected', () => {
    const e = defined(explainSpamdykeVerdict('DENIED_GRAYLISTED'), 'graylisted');
    assert.equal(e.severity, 'temporary');
    assert.match(words(e), /retr/);
    assert.equal(e.whoActs, 'nobody');
  });

  it('ALLOWED is ok, DENIED_RELAYING asks the sender to log in, TLS_ENCRYPTED is only information', () => {
    assert.equal(explainSpamdykeVerdict('ALLOWED')?.severity, 'ok');
    const relaying = defined(explainSpamdykeVerdict('DENIED_RELAYING'), 'relaying');
    assert.equal(relaying.whoActs, 'sender');
    assert.match(words(relaying), /log in/);
    assert.equal(explainSpamdykeVerdict('TLS_ENCRYPTED')?.severity, 'info');
  });

  it('unknown DENIED_ codes still get a generic refusal; FILTER, ERROR and DEBUG lines are recognised', () => {
    const unknown = defined(explainSpamdykeVerdict('DENIED_SOMETHING_UNKNOWN'), 'unknown');
    assert.equal(unknown.severity, 'permanent');
    assert.match(words(unknown), /spamdyke refused/);
    const filter = defined(explainSpamdykeVerdict('FILTER_RBL_MATCH ip: 203.0.113.9 rbl: zen.example.org'), 'filter');
    assert.equal(filter.severity, 'info');
    assert.match(filter.meaning, /DENIED_RBL_MATCH/);
    assert.equal(explainSpamdykeVerdict('ERROR: unable to open file /etc/x')?.whoActs, 'server-admin');
    assert.equal(explainSpamdykeVerdict('DEBUG(filter_rdns_missing()@filter.c:947): checking')?.severity, 'info');
    assert.equal(explainSpamdykeVerdict('FAILURE_AUTH')?.title, explainSpamdykeVerdict('FAILED_AUTH')?.title);
    assert.equal(explainSpamdykeVerdict('hello'), undefined);
    assert.equal(explainSpamdykeVerdict(''), undefined);
  });
});

describe('spamdyke fields', () => {
  it('explains the special values', () => {
    assert.match(words(defined(explainSpamdykeField('origin_rdns', '(unknown)'), 'rdns')), /no reverse dns/);
    assert.match(words(defined(explainSpamdykeField('auth', '(unknown)'), 'auth')), /not logged in/);
    assert.match(words(defined(explainSpamdykeField('encryption', '(none)'), 'enc')), /not encrypted/);
    assert.match(words(defined(explainSpamdykeField('encryption', 'SSL'), 'ssl')), /smtps/);
    assert.match(words(defined(explainSpamdykeField('reason', '(empty)'), 'reason')), /no .*reason/);
    assert.match(words(defined(explainSpamdykeField('from:', '(unknown)'), 'from')), /null sender|empty/);
  });

  it('explains ordinary values by the field', () => {
    assert.match(words(defined(explainSpamdykeField('auth', 'user@example.com'), 'auth user')), /log/);
    assert.match(words(defined(explainSpamdykeField('origin_ip', '203.0.113.9'), 'ip')), /ip address/);
    assert.equal(explainSpamdykeField('colour', 'blue'), undefined);
  });

  it('decodes the reason field: queued reply, refusal from qmail, real code after a timeout', () => {
    const queued = defined(explainSpamdykeField('reason', '250_ok_1615286631_qp_15309'), 'queued');
    assert.equal(queued.severity, 'ok');
    assert.match(queued.meaning, /1615286631/);
    assert.match(queued.meaning, /15309/);
    const refused = defined(explainSpamdykeField('reason', '550_5.1.1_sorry,_no_mailbox_here_by_that_name'), 'refused');
    assert.equal(refused.severity, 'permanent');
    assert.match(refused.meaning, /550 5\.1\.1 sorry/);
    const real = defined(explainSpamdykeField('reason', 'DENIED_RDNS_MISSING'), 'timeout real');
    assert.match(words(real), /reverse dns/);
  });
});

describe('chkuser verdicts', () => {
  it('accepted verdicts are ok', () => {
    for (const verdict of ['accepted rcpt', 'accepted any rcpt', 'relaying rcpt', 'accepted sender']) {
      assert.equal(explainChkuserVerdict(verdict)?.severity, 'ok', verdict);
    }
  });

  it('rejected rcpt / not existing recipient: no such mailbox, permanent, the sender checks the address', () => {
    const e = defined(explainChkuserVerdict('rejected rcpt', 'not existing recipient'), 'rejected');
    assert.equal(e.severity, 'permanent');
    assert.match(words(e), /mailbox/);
    assert.equal(e.whoActs, 'sender');
    assert.match(e.meaning, /no mailbox here by that name/);
  });

  it('the reason text changes the explanation of rejected rcpt', () => {
    const dns = defined(explainChkuserVerdict('rejected rcpt', 'temporary DNS problem'), 'dns');
    assert.equal(dns.severity, 'temporary');
    assert.match(dns.meaning, /451/);
    const many = defined(explainChkuserVerdict('rejected rcpt', 'max number of recipients'), 'many');
    assert.match(words(many), /too many recipients/);
    const unknownReason = defined(explainChkuserVerdict('rejected rcpt', 'some new reason'), 'new reason');
    assert.match(unknownReason.cause ?? '', /some new reason/);
  });

  it('quota, relaying and login refusals name who must act', () => {
    assert.equal(explainChkuserVerdict('mbx overquota', 'rcpt mailbox is overquota')?.whoActs, 'recipient');
    const relay = defined(explainChkuserVerdict('rejected relaying', 'client not allowed to relay'), 'relay');
    assert.equal(relay.severity, 'permanent');
    assert.match(words(relay), /log in/);
    assert.equal(explainChkuserVerdict('must auth')?.whoActs, 'sender');
    assert.equal(explainChkuserVerdict('no auth resource')?.severity, 'temporary');
    assert.equal(explainChkuserVerdict('Rejected_RCPT')?.severity, 'permanent');
    assert.equal(explainChkuserVerdict('bogus verdict'), undefined);
  });

  it('every chkuser verdict is well formed', () => {
    for (const row of CHKUSER_VERDICTS) {
      assertWellFormed(defined(explainChkuserVerdict(row.verdict), row.verdict), row.verdict);
      for (const reason of row.reasons ?? []) {
        assertWellFormed(defined(explainChkuserVerdict(row.verdict, reason.reason), reason.reason), `${row.verdict}/${reason.reason}`);
      }
    }
  });
});

describe('server texts', () => {
  it('recognises the chkuser no-mailbox reply', () => {
    const e = defined(explainServerText('550 5.1.1 sorry, no mailbox here by that name (#5.1.1 - chkuser)'), 'chkuser');
    assert.equal(e.severity, 'permanent');
    assert.match(words(e), /no such mailbox|no mailbox/);
    assert.equal(e.whoActs, 'sender');
  });

  it('recognises the databytes and rcpthosts replies of qmail-smtpd', () => {
    const size = defined(explainServerText('552 sorry, that message size exceeds my databytes limit (#5.3.4)'), 'databytes');
    assert.match(words(size), /too big/);
    assert.equal(size.whoActs, 'sender');
    const relay = defined(explainServerText("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"), 'rcpthosts');
    assert.match(words(relay), /relay/);
    assert.equal(relay.severity, 'permanent');
  });

  it('recognises remote texts written with underscores; the reply code decides temporary or permanent', () => {
    const hard = defined(explainServerText('192.0.2.7_does_not_like_recipient./Remote_host_said:_550_5.1.1_<someone@elsewhere.example.net>..._User_unknown/Giving_up_on_192.0.2.7./'), 'hard');
    assert.equal(hard.severity, 'permanent');
    assert.match(words(hard), /does not exist|unknown/);
    const soft = defined(explainServerText('192.0.2.7_does_not_like_recipient./Remote_host_said:_452_4.2.2_Mailbox_full/'), 'soft');
    assert.equal(soft.severity, 'temporary');
    assert.match(words(soft), /full/);
    const remoteChkuser = defined(explainServerText('192.0.2.7_does_not_like_recipient./Remote_host_said:_511_sorry,_no_mailbox_here_by_that_name_(#5.1.1_-_chkuser)/Giving_up_on_192.0.2.7./'), 'remote chkuser');
    assert.match(words(remoteChkuser), /mailbox/);
  });

  it('recognises qmail-send, qmail-remote and qmail-local texts', () => {
    const cases: [string, string, RegExp][] = [
      ['Connected_to_192.0.2.7_but_greeting_failed./Remote_host_said:_421_too_busy/', 'temporary', /greet|talk/],
      ["Sorry,_I_couldn't_find_any_host_named_elsewhere.example.net._(#5.1.2)/", 'permanent', /does not exist/],
      ["Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/", 'temporary', /connect/],
      ['Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/', 'permanent', /no such mailbox/],
      ['Mailbox_quota_exceeded', 'permanent', /full/],
      ["Recipient's_mailbox_is_full,_message_returned_to_sender._(#5.2.2)/", 'permanent', /full/],
      ['Unable_to_forward_message:_qq_permanent_problem_(#5.3.0)./', 'permanent', /forward/],
      ['Unable_to_forward_message:_qq_write_error_or_disk_full_(#4.3.0)./', 'temporary', /forward/],
      ['Giving_up_on_192.0.2.7./', 'permanent', /gave up/],
      ['Connected_to_192.0.2.7_but_greeting_failed./Remote_host_said:_554_5.7.1_blocked_by_zen.spamhaus.org/', 'temporary', /refus/],
      ["I'm_not_going_to_try_again;_this_message_has_been_in_the_queue_too_long./", 'permanent', /7 days/],
      ['This_message_is_looping:_it_already_has_my_Delivered-To_line._(#5.4.6)/', 'permanent', /loop/],
    ];
    for (const [text, severity, meaning] of cases) {
      const e = defined(explainServerText(text), text);
      assert.equal(e.severity, severity, text);
      assert.match(words(e), meaning, text);
    }
  });

  it('recognises spamdyke\'s refusal texts and qmail\'s acceptance', () => {
    const rdns = defined(explainServerText('554 "Refused. You have no reverse DNS entry. Contact abuse@example.com for details."'), 'rdns');
    assert.match(words(rdns), /reverse dns/);
    assert.equal(rdns.whoActs, 'sender-admin');
    const gray = defined(explainServerText('421 Your address has been graylisted. Try again later.'), 'gray');
    assert.equal(gray.severity, 'temporary');
    assert.match(words(defined(explainServerText('554 Refused. Your IP address is listed in the RBL at zen.example.org'), 'rbl')), /blacklist/);
    assert.equal(explainServerText('250 ok 1615286631 qp 15309')?.severity, 'ok');
    assert.equal(explainServerText('192.0.2.7_accepted_message./Remote_host_said:_250_2.0.0_OK/')?.severity, 'ok');
  });

  it('falls back to the codes in the text, and returns nothing for plain words', () => {
    const fallback = defined(explainServerText('550 5.7.26 unauthenticated message refused'), 'fallback');
    assert.match(words(fallback), /authentication checks/);
    assert.equal(explainServerText('hello world'), undefined);
    assert.equal(explainServerText(''), undefined);
  });

  it('every row is well formed and ids are unique', () => {
    const ids = new Set<string>();
    for (const row of SERVER_TEXTS) {
      assertWellFormed(row.explanation, row.id);
      assert.ok(!ids.has(row.id), `duplicate id ${row.id}`);
      ids.add(row.id);
    }
  });
});

describe('delivery results', () => {
  it('decodes did counters in qmail-local\'s order: mailboxes + forwards + programs', () => {
    assert.deepEqual(decodeDid('did_0+0+1/'), { mailboxes: 0, forwards: 0, programs: 1 });
    assert.deepEqual(decodeDid('did 1+0+2'), { mailboxes: 1, forwards: 0, programs: 2 });
    assert.deepEqual(decodeDid('did_0+1+0/qp_12345/'), { mailboxes: 0, forwards: 1, programs: 0 });
    assert.equal(decodeDid('192.0.2.7_accepted_message./'), undefined);
  });

  it('explainDid says in words what happened, with the numbers', () => {
    const program = explainDid({ mailboxes: 0, forwards: 0, programs: 1 });
    assert.equal(program.severity, 'ok');
    assert.match(program.meaning, /1 delivery program/);
    assert.match(program.meaning, /1 mailbox/);
    const mixed = explainDid({ mailboxes: 1, forwards: 2, programs: 1 });
    assert.match(mixed.meaning, /stored in 1 mailbox/);
    assert.match(mixed.meaning, /forwarded to 2 other addresses/);
    assert.match(mixed.meaning, /1 delivery program/);
    const nothing = explainDid({ mailboxes: 0, forwards: 0, programs: 0 });
    assert.match(words(nothing), /nothing delivered/);
    assert.match(words(nothing), /filter/);
  });

  it('decodes a remote report: login flag, reply code, enhanced status, remote host, parts', () => {
    const r = decodeDeliveryText('smtp_auth/192.0.2.7_accepted_message./Remote_host_said:_250_2.0.0_OK/');
    assert.equal(r.smtpAuth, true);
    assert.equal(r.replyCode, '250');
    assert.equal(r.enhancedStatus, '2.0.0');
    assert.equal(r.remoteHost, '192.0.2.7');
    assert.deepEqual(r.parts, ['192.0.2.7 accepted message.', 'Remote host said: 250 2.0.0 OK']);
    assert.doesNotMatch(r.text, /_/);
  });

  it('keeps URLs of remote replies whole and takes host names from qmail\'s sentences', () => {
    const r = decodeDeliveryText('mx.elsewhere.example.net_does_not_like_recipient./Remote_host_said:_550-5.1.1_The_account_does_not_exist._https://support.example.com/mail/?p=NoSuchUser_x/Giving_up_on_192.0.2.8./');
    assert.equal(r.smtpAuth, false);
    assert.equal(r.remoteHost, 'mx.elsewhere.example.net');
    assert.equal(r.replyCode, '550');
    assert.equal(r.enhancedStatus, '5.1.1');
    assert.equal(r.parts.length, 3);
    assert.match(r.parts[1], /https:\/\/support\.example\.com\/mail\/\?p=NoSuchUser/);
    const ipOnly = decodeDeliveryText('10.5.2.100_accepted_message./Remote_host_said:_250_ok_1615286631_qp_15309/');
    assert.equal(ipOnly.enhancedStatus, undefined);
    assert.equal(ipOnly.remoteHost, '10.5.2.100');
    assert.equal(decodeDeliveryText('Connected_to_192.0.2.9_but_greeting_failed./').remoteHost, '192.0.2.9');
  });

  it('explains the three outcomes', () => {
    const deferral = defined(explainDeliveryOutcome('deferral'), 'deferral');
    assert.equal(deferral.severity, 'temporary');
    assert.match(words(deferral), /retr|tries again/);
    assert.match(deferral.meaning, /7 days/);
    const failure = defined(explainDeliveryOutcome('failure'), 'failure');
    assert.equal(failure.severity, 'permanent');
    assert.match(words(failure), /bounce/);
    assert.match(failure.meaning, /<>/);
    assert.equal(explainDeliveryOutcome('success')?.severity, 'ok');
    assert.equal(explainDeliveryOutcome('bogus'), undefined);
  });
});

describe('identifiers', () => {
  it('explains the ports', () => {
    const submission = defined(explainPort(587), '587');
    assert.match(words(submission), /submission/);
    assert.match(words(submission), /log/);
    assert.match(words(submission), /starttls/);
    assert.match(words(defined(explainPort(25), '25')), /server/);
    assert.match(words(defined(explainPort(465), '465')), /ssl|tls/);
    assert.equal(explainPort(2525), undefined);
  });

  it('explains the remote side markers, the null sender and qmail\'s qp reply', () => {
    const h = explainRemoteSide('h');
    const unknown = explainRemoteSide('unknown');
    assert.match(words(h), /server/);
    assert.match(words(unknown), /mail program/);
    assert.notEqual(h.meaning, unknown.meaning);
    assert.match(words(explainNullSender()), /bounce/);
    const qp = explainQp();
    assert.match(qp.meaning, /UTC/);
    assert.match(qp.meaning, /qmail-queue/);
  });
});
