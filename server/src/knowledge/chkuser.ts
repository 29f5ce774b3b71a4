// chkuser (the qmail-smtpd patch that checks recipients against vpopmail while the SMTP session is
// still open): its log verdicts ("brief message" + "extended message", as listed in chkuser 2.0's
// "logging format" documentation and emitted by chkuser.c 2.0.9) and the reply each one sends.
// Explanations are our own words.

import { Actor, Explanation, Severity, withOverrides } from './common';

interface ChkuserReasonRow {
  /** The "extended message" chkuser logs after the verdict. */
  reason: string;
  override: Partial<Explanation>;
  reply?: string;
}

export interface ChkuserVerdictRow {
  verdict: string;
  base: Explanation;
  /** The SMTP reply chkuser sends (2.0.9 defaults; older builds and panels word and number it differently). */
  reply?: string;
  reasons?: readonly ChkuserReasonRow[];
}

const DOC = 'chkuser 2.0 documentation, "logging format"; chkuser.c 2.0.9';

function ok(title: string, meaning: string): Explanation {
  return { title, meaning, severity: 'ok', reference: DOC };
}

function refusal(title: string, meaning: string, severity: Severity, cause: string, whoActs: Actor, action: string): Explanation {
  return { title, meaning, severity, cause, whoActs, action, reference: DOC };
}

export const CHKUSER_VERDICTS: readonly ChkuserVerdictRow[] = [
  {
    verdict: 'accepted rcpt',
    base: ok('Recipient exists', 'chkuser found this recipient on the server (a mailbox, alias, forward or mailing list), so the recipient was accepted.'),
    reasons: [{ reason: 'found existing recipient', override: {} }],
  },
  {
    verdict: 'accepted any rcpt',
    base: ok('Recipient accepted without checking', 'chkuser accepted the recipient without checking that it exists, because checking is switched off for this domain (for example it has a catch-all) or for all domains.'),
    reasons: [
      { reason: 'accepted any recipient for this domain', override: { meaning: 'chkuser accepted the recipient without checking it, because this domain accepts every address (catch-all or checking switched off for the domain). Mail to a mistyped address is then handled by the domain\'s catch-all rule.' } },
      { reason: 'accepted any recipient for any rcpt domain', override: { meaning: 'chkuser accepted the recipient without checking it, because recipient checking is switched off for all domains on this connection.' } },
    ],
  },
  {
    verdict: 'relaying rcpt',
    base: ok('Relaying allowed (outgoing mail)', 'The recipient is not hosted on this server, and the client is allowed to send onward (it logged in, or its IP address is trusted). The message will be sent out to the recipient\'s server.'),
    reasons: [{ reason: 'client allowed to relay', override: {} }],
  },
  {
    verdict: 'rejected relaying',
    reply: '553 5.7.1 sorry, that domain isn\'t in my list of allowed rcpthosts (chkuser)',
    base: refusal('Relaying refused', 'The recipient\'s domain is not hosted on this server, and the client did not log in, so the server refused to send the message onward.', 'permanent',
      'A mail program sending to an outside address without logging in; or a domain that should be hosted here is missing from the server\'s list of local domains (rcpthosts), for example because its mail service is switched off.',
      'sender', 'Senders using this server for outgoing mail must log in (SMTP authentication, port 587 or 465). If the recipient domain should be hosted here, its owner must enable mail for it in the control panel.'),
    reasons: [{ reason: 'client not allowed to relay', override: {} }],
  },
  {
    verdict: 'rejected rcpt',
    base: refusal('Recipient refused', 'chkuser refused this recipient; the reason tells why.', 'permanent', 'See the reason text.', 'sender', 'See the reason text.'),
    reasons: [
      { reason: 'not existing recipient', reply: '550 5.1.1 sorry, no mailbox here by that name (chkuser)', override: { title: 'No such mailbox', meaning: 'There is no mailbox, alias or forward with this address on the server, so chkuser refused it at once (the sender gets "no mailbox here by that name").', cause: 'A typo in the address, a deleted mailbox, or spam to guessed addresses.', whoActs: 'sender', action: 'Check the spelling of the address. If it should exist, the domain\'s hosting customer must create the mailbox or an alias for it.' } },
      { reason: 'max number of recipients', reply: '550 5.5.3 sorry, reached maximum number of recipients allowed in one session (chkuser)', override: { title: 'Too many recipients', meaning: 'The session reached chkuser\'s limit of recipients per session, so this and further recipients were refused.', cause: 'A message sent to more recipients than the server allows in one session.', whoActs: 'sender', action: 'Send to fewer recipients at once (split the list, or use a mailing-list service).' } },
      { reason: 'max number of invalid recipients', reply: '550 5.5.3 sorry, you are violating our security policies (chkuser)', override: { title: 'Too many unknown recipients', meaning: 'The session tried too many recipients that do not exist; chkuser now refuses the rest as a protection against address guessing.', cause: 'A dictionary attack (spam to guessed addresses), or an outdated mailing list with many dead addresses.', whoActs: 'sender', action: 'Clean the address list; nothing to do for spam.' } },
      { reason: 'invalid rcpt address format', reply: '553 5.1.3 sorry, mailbox syntax not allowed (chkuser)', override: { title: 'Invalid recipient address', meaning: 'The recipient address contains characters or a form chkuser does not allow.', cause: 'A malformed address.', whoActs: 'sender', action: 'Correct the address.' } },
      { reason: 'invalid rcpt MX domain', reply: '550 5.1.2 sorry, can\'t find a valid MX for rcpt domain (chkuser)', override: { title: 'Recipient domain has no mail server', meaning: 'The recipient\'s domain has no valid MX record, so mail to it cannot be delivered.', cause: 'A typo in the domain or a domain without mail DNS.', whoActs: 'sender', action: 'Check the domain part of the address.' } },
      { reason: 'temporary DNS problem', reply: '451 4.4.0 DNS temporary failure (chkuser)', override: { title: 'DNS lookup failed (temporary)', meaning: 'chkuser could not check the recipient\'s domain because a DNS lookup failed for now. The sending server retries later.', severity: 'temporary', cause: 'A temporary DNS failure.', whoActs: 'nobody', action: 'Nothing: wait for the retry.' } },
    ],
  },
  {
    verdict: 'mbx overquota',
    reply: '552 5.2.2 sorry, recipient mailbox is full (chkuser)',
    base: refusal('Mailbox full', 'The recipient\'s mailbox is over its quota, so chkuser refused the message before it was sent.', 'permanent',
      'The recipient has not deleted or downloaded mail, or the mailbox quota is too small.',
      'recipient', 'The recipient must delete or archive mail (or the hosting customer must raise the mailbox quota); afterwards the sender can send again.'),
    reasons: [{ reason: 'rcpt mailbox is overquota', override: {} }],
  },
  {
    verdict: 'must auth',
    reply: '530 5.7.0 Authentication required (chkuser)',
    base: refusal('Login required', 'The client must log in (SMTP AUTH) before sending through this server, and it did not.', 'permanent',
      'A mail program without "outgoing server requires authentication".',
      'sender', 'Turn on SMTP authentication in the mail program (mailbox address and password), port 587 or 465.'),
    reasons: [{ reason: 'sender not authenticated/authorized', override: {} }],
  },
  {
    verdict: 'no auth resource',
    reply: '451 4.3.0 system temporary unavailable, try again later (chkuser)',
    base: refusal('User database unavailable (temporary)', 'chkuser could not reach the user database to check the recipient, so it refused for now. The sending server retries later.', 'temporary',
      'The mail server\'s user database (vpopmail/MySQL) was unavailable.',
      'server-admin', 'Nothing for the sender. If it keeps happening, the server administrator must check the user database.'),
    reasons: [{ reason: 'no auth resource available', override: {} }],
  },
  {
    verdict: 'rejected intrusion',
    reply: '550 5.7.1 sorry, you are violating our security policies (chkuser)',
    base: refusal('Refused: session over the intrusion limit', 'This session already went over chkuser\'s limits (too many recipients or too many unknown recipients), so every further recipient is refused.', 'permanent',
      'Address guessing (dictionary attack) or a huge recipient list in one session.',
      'sender', 'Nothing for spam; legitimate senders must send to fewer, valid recipients per message.'),
    reasons: [{ reason: 'rcpt ignored, session over intrusion threshold', override: {} }],
  },
  {
    verdict: 'intrusion threshold',
    base: refusal('Intrusion limit reached', 'At this recipient the session reached chkuser\'s limit; from now on all further recipients of the session are refused ("rejected intrusion").', 'permanent',
      'Too many recipients, or too many unknown recipients, in one session.',
      'sender', 'Legitimate senders must send to fewer, valid recipients per message.'),
    reasons: [
      { reason: 'max number of allowed rcpt', override: { meaning: 'At this recipient the session reached the maximum number of recipients chkuser allows; further recipients are refused.' } },
      { reason: 'max number of allowed invalid rcpt', override: { meaning: 'At this recipient the session reached the maximum number of unknown recipients chkuser tolerates; further recipients are refused.' } },
    ],
  },
  {
    verdict: 'accepted sender',
    base: ok('Sender accepted', 'chkuser accepted the envelope sender.'),
    reasons: [
      { reason: 'sender accepted', override: {} },
      { reason: 'accepted any sender always', override: { meaning: 'chkuser accepted the sender without checking it (sender checks are switched off for this client).' } },
      { reason: 'accepted null sender always', override: { meaning: 'The sender is empty (null sender, as used by bounces and delivery reports); chkuser always accepts it, as the SMTP standard requires.' } },
    ],
  },
  {
    verdict: 'accepted doublebounce',
    base: ok('Double bounce accepted', 'The sender is qmail\'s special double-bounce address "#@[]" (a bounce about a bounce); chkuser accepted it because this server is configured to.'),
    reasons: [{ reason: 'accepted qmail doublebounce #@[]', override: {} }],
  },
  {
    verdict: 'rejected sender',
    base: refusal('Sender refused', 'chkuser refused the envelope sender; the reason tells why.', 'permanent', 'See the reason text.', 'sender-admin', 'See the reason text.'),
    reasons: [
      { reason: 'invalid sender address format', reply: '553 5.1.7 sorry, mailbox syntax not allowed (chkuser)', override: { title: 'Invalid sender address', meaning: 'The sender address contains characters or a form chkuser does not allow.', cause: 'A malformed sender address configured in the sending program.', whoActs: 'sender-admin', action: 'Fix the sender address in the sending program or server.' } },
      { reason: 'invalid sender MX domain', reply: '550 5.1.8 sorry, can\'t find a valid MX for sender domain (chkuser)', override: { title: 'Sender domain has no mail server', meaning: 'The sender\'s domain has no valid MX record, so replies could never reach it; chkuser refused the sender.', cause: 'A made-up sender domain, or a domain whose DNS lacks MX records.', whoActs: 'sender-admin', action: 'The sender\'s domain owner must publish MX records.' } },
      { reason: 'temporary DNS problem', reply: '451 4.4.0 DNS temporary failure (chkuser)', override: { title: 'DNS lookup failed (temporary)', meaning: 'chkuser could not check the sender\'s domain because a DNS lookup failed for now. The sending server retries later.', severity: 'temporary', cause: 'A temporary DNS failure.', whoActs: 'nobody', action: 'Nothing: wait for the retry.' } },
    ],
  },
];

const VERDICT_BY_NAME: ReadonlyMap<string, ChkuserVerdictRow> = new Map(CHKUSER_VERDICTS.map((row) => [row.verdict, row]));

function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ').replace(/[:.]$/, '');
}

export function explainChkuserVerdict(verdict: string, reasonText?: string): Explanation | undefined {
  const row = VERDICT_BY_NAME.get(normalize(verdict));
  if (!row) return undefined;
  let result: Explanation = { ...row.base };
  let reply = row.reply;
  if (reasonText) {
    const reason = normalize(reasonText);
    const match = row.reasons?.find((candidate) => reason.includes(normalize(candidate.reason)));
    if (match) {
      result = withOverrides(result, match.override);
      reply = match.reply ?? reply;
    } else if (result.cause === 'See the reason text.') {
      result.cause = `chkuser logged: "${reasonText.trim()}".`;
    }
  }
  if (reply && result.severity !== 'ok') result.meaning += ` chkuser answers with a reply like "${reply}" (the exact wording varies between chkuser builds).`;
  return result;
}
