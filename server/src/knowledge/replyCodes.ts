// SMTP reply codes: RFC 5321 §4.2 (classes, numeric list) and §4.3.2 (which replies each command
// can get), plus the AUTH replies of RFC 4954 and the STARTTLS reply of RFC 3207. Texts are our own
// summaries. How qmail, chkuser and spamdyke use a code is noted where it helps read these logs.

import { Explanation, SmtpStage, severityOfReplyCode, withOverrides } from './common';

interface ReplyCodeRow {
  code: string;
  base: Explanation;
  /** Meaning that differs with the command the code answers. */
  byStage?: Partial<Record<SmtpStage, Partial<Explanation>>>;
}

const RFC5321 = 'RFC 5321 §4.2.3';
const RFC4954 = 'RFC 4954 §6';

export const REPLY_CODES: readonly ReplyCodeRow[] = [
  {
    code: '211',
    base: { title: 'System status', meaning: 'Status or help information from the server, sent on request (for example to HELP). Nothing happened to any message.', severity: 'info', reference: RFC5321 },
  },
  {
    code: '214',
    base: { title: 'Help message', meaning: 'Help text meant for a person typing SMTP commands by hand. Nothing happened to any message.', severity: 'info', reference: RFC5321 },
  },
  {
    code: '220',
    base: { title: 'Service ready', meaning: 'The server is ready: it sends this greeting when a connection opens (and after STARTTLS when it is ready to start encryption).', severity: 'ok', reference: RFC5321 },
    byStage: {
      connect: { title: 'Greeting: service ready', meaning: 'The server accepted the connection and is ready to talk SMTP.' },
    },
  },
  {
    code: '221',
    base: { title: 'Closing connection', meaning: 'The server says goodbye and closes the connection, normally as the answer to QUIT.', severity: 'ok', reference: RFC5321 },
  },
  {
    code: '235',
    base: { title: 'Login successful', meaning: 'The mail program logged in (SMTP AUTH) with a valid user name and password. It may now send mail through this server.', severity: 'ok', reference: RFC4954 },
  },
  {
    code: '250',
    base: { title: 'OK', meaning: 'The server accepted the command.', severity: 'ok', reference: RFC5321 },
    byStage: {
      helo: { title: 'Greeting accepted', meaning: 'The server accepted the HELO/EHLO greeting (after EHLO it also lists the extensions it supports).' },
      mail: { title: 'Sender accepted', meaning: 'The server accepted the envelope sender (MAIL FROM). Recipients come next.' },
      rcpt: { title: 'Recipient accepted', meaning: 'The server accepted this envelope recipient (RCPT TO). The message itself has not been sent yet.' },
      'end-of-data': { title: 'Message accepted', meaning: 'The server took responsibility for the message: it is now in its queue and will be delivered from there. qmail answers "250 ok EPOCH qp PID" here.' },
      auth: { title: 'OK', meaning: 'The server accepted the command during login.' },
    },
  },
  {
    code: '251',
    base: { title: 'Will forward', meaning: 'The recipient is not local, but the server accepted the address and will forward the message to it.', severity: 'ok', reference: RFC5321 },
  },
  {
    code: '252',
    base: { title: 'Cannot verify, will try', meaning: 'The server cannot confirm that the address exists (answer to VRFY) but will accept mail for it and try to deliver.', severity: 'ok', reference: RFC5321 },
  },
  {
    code: '334',
    base: { title: 'Login prompt', meaning: 'The server asks for the next piece of login data (user name or password, base64-encoded) during SMTP AUTH.', severity: 'info', reference: RFC4954 },
  },
  {
    code: '354',
    base: { title: 'Send the message', meaning: 'The server is ready for the message content: headers and body, ended by a line with a single dot. This is an intermediate step, not yet acceptance.', severity: 'info', reference: RFC5321 },
  },
  {
    code: '421',
    base: {
      title: 'Service not available (temporary)',
      meaning: 'The server refuses to continue right now and closes the connection. This is temporary: the sending server keeps the message and tries again later.',
      severity: 'temporary',
      cause: 'Server overloaded or restarting, too many connections, or a filter refusing for now. spamdyke answers 421 for its temporary refusals (graylisting, too many recipients, timeout and, in the stock build, missing reverse DNS).',
      whoActs: 'nobody',
      action: 'Usually nothing: the sending server retries. If it keeps happening, look at the reason text and at the spamdyke log line of the same second.',
      reference: RFC5321,
    },
    byStage: {
      connect: { title: 'Connection refused for now', meaning: 'The server refused to start an SMTP session on this connection, for the time being. The sending server will retry later.' },
    },
  },
  {
    code: '432',
    base: {
      title: 'Password change needed',
      meaning: 'The login was refused until the user changes the password (the server wants a transition to a new password or login method).',
      severity: 'temporary',
      cause: 'The account must change its password before it may log in again.',
      whoActs: 'sender',
      action: 'Change the mailbox password (for example in webmail or the control panel), then update it in the mail program.',
      reference: RFC4954,
    },
  },
  {
    code: '450',
    base: {
      title: 'Mailbox unavailable (temporary)',
      meaning: 'The action was not taken because the mailbox is unavailable for now, for example busy or temporarily blocked by policy. The sending server retries later.',
      severity: 'temporary',
      cause: 'A locked or busy mailbox, or a temporary policy block such as graylisting.',
      whoActs: 'nobody',
      action: 'Nothing, unless the same refusal keeps coming back for days; then the recipient\'s administrator should look at it.',
      reference: RFC5321,
    },
  },
  {
    code: '451',
    base: {
      title: 'Local error (temporary)',
      meaning: 'The server aborted the action because of a problem on its own side. It is temporary: the sending server keeps the message and retries.',
      severity: 'temporary',
      cause: 'A temporary problem on the receiving server: DNS lookups failing, a queue or disk problem, a timeout, or graylisting (which often uses 451).',
      whoActs: 'nobody',
      action: 'Usually nothing: the retry normally succeeds. If it keeps happening the receiving server\'s administrator must fix the underlying problem.',
      reference: RFC5321,
    },
    byStage: {
      'end-of-data': { meaning: 'The server received the message but could not put it into its queue. Temporary: the sending server sends it again later. qmail answers "451 qq ..." when its queue program fails.' },
      rcpt: { meaning: 'The server could not decide about this recipient right now (for example a DNS or user-database lookup failed) or delays it on purpose (graylisting). The sending server retries later.' },
    },
  },
  {
    code: '452',
    base: {
      title: 'Insufficient storage (temporary)',
      meaning: 'The action was not taken because the server is short of storage right now. Temporary: the sending server retries later.',
      severity: 'temporary',
      cause: 'The receiving server\'s disk or queue is full, or a limit was reached for now.',
      whoActs: 'nobody',
      action: 'Usually nothing; if it persists, the receiving server\'s administrator must free space.',
      reference: RFC5321,
    },
    byStage: {
      rcpt: {
        title: 'Too many recipients (temporary)',
        meaning: 'The server accepts no more recipients in this transaction: the limit of recipients per message was reached. The refused recipients are not lost: the sending server should send them again in a new transaction later.',
        cause: 'More RCPT TO commands than the server allows in one message (RFC 5321 §4.5.3.1.10 prescribes 452 for this).',
        whoActs: 'nobody',
        action: 'Normally nothing: a well-behaved sending server retries the remaining recipients. Senders of large mailings should split them into smaller batches.',
        reference: 'RFC 5321 §4.5.3.1.10',
      },
    },
  },
  {
    code: '454',
    base: {
      title: 'Temporary failure (login or TLS)',
      meaning: 'The login (SMTP AUTH) or the start of encryption (STARTTLS) failed for a temporary reason on the server side. The client may try again later.',
      severity: 'temporary',
      cause: 'The password database or TLS setup of the server is temporarily unavailable or broken. spamdyke answers 454 when TLS negotiation fails (FAILED_TLS).',
      whoActs: 'server-admin',
      action: 'Try again later; if it persists, the server administrator must check the authentication backend or TLS certificate.',
      reference: 'RFC 4954 §6, RFC 3207 §4',
    },
  },
  {
    code: '455',
    base: {
      title: 'Parameters not accommodated (temporary)',
      meaning: 'The server cannot handle the extra parameters given with MAIL FROM or RCPT TO right now.',
      severity: 'temporary',
      whoActs: 'nobody',
      action: 'Usually nothing; the sending server retries.',
      reference: RFC5321,
    },
  },
  {
    code: '500',
    base: {
      title: 'Command not recognised',
      meaning: 'The server did not understand the command (unknown command, or a line that is too long, including an over-long login line).',
      severity: 'permanent',
      cause: 'A client speaking broken or non-SMTP protocol, or a scanner probing the server.',
      whoActs: 'sender-admin',
      action: 'If a real mail program gets this, its settings (server, port, encryption) are wrong; otherwise ignore it.',
      reference: RFC5321,
    },
  },
  {
    code: '501',
    base: {
      title: 'Syntax error in parameters',
      meaning: 'The server understood the command but not its argument, for example a malformed address in MAIL FROM or RCPT TO, or a bad HELO name.',
      severity: 'permanent',
      cause: 'An address or argument written in a way SMTP does not allow.',
      whoActs: 'sender',
      action: 'Check the address for typos (spaces, missing @, stray characters) and send again.',
      reference: RFC5321,
    },
  },
  {
    code: '502',
    base: {
      title: 'Command not implemented',
      meaning: 'The server knows the command but does not offer it (qmail answers "502 unimplemented (#5.5.1)").',
      severity: 'permanent',
      cause: 'The client used a command or extension this server does not support.',
      whoActs: 'sender-admin',
      action: 'Usually harmless; if a mail program cannot send, check its settings (for example login or encryption method).',
      reference: RFC5321,
    },
  },
  {
    code: '503',
    base: {
      title: 'Bad sequence of commands',
      meaning: 'The command came in the wrong order, for example RCPT before MAIL, or DATA when no recipient was accepted (qmail: "503 MAIL first" / "503 RCPT first").',
      severity: 'permanent',
      cause: 'Most often a follow-up error: an earlier command (sender or all recipients) was already refused, so the next step is not allowed.',
      whoActs: 'nobody',
      action: 'Look at the earlier refusal in the same transaction; that one explains what went wrong.',
      reference: RFC5321,
    },
    byStage: {
      data: { meaning: 'DATA was refused because no recipient had been accepted before (qmail: "503 RCPT first"). The real reason is the refusal of the recipients above.' },
    },
  },
  {
    code: '504',
    base: {
      title: 'Parameter not implemented',
      meaning: 'The server does not support a parameter of the command, for example the login method requested with AUTH (spamdyke answers 504 to unknown AUTH methods).',
      severity: 'permanent',
      cause: 'The client asked for an option or login method the server does not offer.',
      whoActs: 'sender',
      action: 'Choose another authentication method in the mail program (usually "normal password").',
      reference: RFC5321,
    },
  },
  {
    code: '530',
    base: {
      title: 'Authentication required',
      meaning: 'The server refuses to go on until the client logs in (SMTP AUTH). chkuser answers "530 5.7.0 Authentication required" when a sender must log in.',
      severity: 'permanent',
      cause: 'A mail program tried to send without logging in, or used the wrong port.',
      whoActs: 'sender',
      action: 'Enable "outgoing server requires authentication" in the mail program and use port 587 (or 465) with the mailbox address and password.',
      reference: RFC4954,
    },
  },
  {
    code: '534',
    base: {
      title: 'Login method too weak',
      meaning: 'The server refuses the chosen login method because policy wants a stronger one.',
      severity: 'permanent',
      whoActs: 'sender',
      action: 'Select an encrypted connection (TLS) or a stronger authentication method in the mail program.',
      reference: RFC4954,
    },
  },
  {
    code: '535',
    base: {
      title: 'Login failed',
      meaning: 'The user name or password given during SMTP AUTH was not accepted.',
      severity: 'permanent',
      cause: 'Wrong password, wrong user name (it is usually the full e-mail address), or a disabled mailbox.',
      whoActs: 'sender',
      action: 'Check the user name and password in the mail program; reset the password in the control panel if needed.',
      reference: RFC4954,
    },
  },
  {
    code: '538',
    base: {
      title: 'Encryption required for this login',
      meaning: 'The login method chosen is only allowed over an encrypted connection.',
      severity: 'permanent',
      whoActs: 'sender',
      action: 'Turn on TLS/SSL for the outgoing server in the mail program (port 587 with STARTTLS or port 465 with SSL).',
      reference: RFC4954,
    },
  },
  {
    code: '550',
    base: {
      title: 'Refused: mailbox unavailable / policy',
      meaning: 'The server refused the action for good: the mailbox does not exist, access is denied, or the command was rejected for policy reasons.',
      severity: 'permanent',
      cause: 'Unknown recipient, or a policy refusal (spam filter, blacklist, sender not allowed).',
      whoActs: 'sender',
      action: 'Read the text after the code: it says which of these it is. For an unknown address, check the spelling.',
      reference: RFC5321,
    },
    byStage: {
      mail: { title: 'Sender refused', meaning: 'The server refused the envelope sender for good, usually for policy reasons (sender or its domain blacklisted, invalid sender domain).', whoActs: 'sender-admin', action: 'The sender\'s mail administrator should read the text after the code and fix the sender address or domain setup.' },
      rcpt: { title: 'Recipient refused', meaning: 'The server refused this recipient for good: the mailbox does not exist here, or the recipient is refused by policy.', cause: 'Typo in the address, a deleted mailbox, or a policy block.', whoActs: 'sender', action: 'Check the spelling of the address; if it is correct, ask the recipient by another channel to check their mailbox.' },
      'end-of-data': { title: 'Message refused after transfer', meaning: 'The whole message was received and then refused for good, usually by a content or spam filter.', cause: 'Content classified as spam or virus, or a policy on the receiving side.', whoActs: 'sender', action: 'Check the text after the code; change the content or ask the recipient\'s administrator to allow the sender.' },
    },
  },
  {
    code: '551',
    base: {
      title: 'User not local',
      meaning: 'The recipient is not handled by this server; the server suggests another address or path and does not forward the message itself.',
      severity: 'permanent',
      whoActs: 'sender',
      action: 'Use the new address given in the reply, if any.',
      reference: RFC5321,
    },
  },
  {
    code: '552',
    base: {
      title: 'Storage limit exceeded',
      meaning: 'The action was aborted for good because a storage limit was exceeded: the message is too big, or the recipient\'s mailbox has no room.',
      severity: 'permanent',
      cause: 'Message larger than the server allows (qmail: "exceeds my databytes limit"), or a full mailbox.',
      whoActs: 'sender',
      action: 'For a size limit: send smaller attachments (or a download link). For a full mailbox: the recipient must make room.',
      reference: RFC5321,
    },
    byStage: {
      rcpt: { title: 'Mailbox full or limit reached', meaning: 'This recipient was refused because a storage limit was reached, typically the mailbox is over quota (chkuser: "552 5.2.2 sorry, recipient mailbox is full"). Some older servers also use 552 for too many recipients.', cause: 'The recipient\'s mailbox is full.', whoActs: 'recipient', action: 'The recipient must delete or archive mail (or get a larger quota); then the message can be sent again.' },
      'end-of-data': { title: 'Message too big', meaning: 'The server received the message and refused it because it is larger than allowed (qmail: "552 sorry, that message size exceeds my databytes limit").', cause: 'Attachments too large for the receiving server\'s size limit.', whoActs: 'sender', action: 'Send the files smaller (compressed, split) or as a download link.' },
      mail: { title: 'Message too big (announced size)', meaning: 'The size the client announced with MAIL FROM is above the server\'s limit, so it refused before the transfer.', whoActs: 'sender', action: 'Send smaller attachments or a download link.' },
    },
  },
  {
    code: '553',
    base: {
      title: 'Mailbox name not allowed',
      meaning: 'The action was refused for good because the address is not allowed, for example wrong syntax, or the server does not accept mail for that domain.',
      severity: 'permanent',
      cause: 'A malformed address, or a domain this server does not serve.',
      whoActs: 'sender',
      action: 'Check the address; read the text after the code.',
      reference: RFC5321,
    },
    byStage: {
      rcpt: { title: 'Recipient domain not accepted (relaying denied)', meaning: 'The server does not accept mail for this recipient\'s domain from this client. qmail says "553 sorry, that domain isn\'t in my list of allowed rcpthosts": the domain is not hosted here and the client is not logged in, so forwarding (relaying) is refused.', cause: 'Either the sender tried to send to an outside address without logging in, or the recipient domain is not (or no longer) set up for mail on this server.', whoActs: 'sender', action: 'Senders using this server as outgoing server must log in (port 587/465). If the domain should be hosted here, its owner must enable mail for it in the control panel.' },
      mail: { title: 'Sender address not allowed', meaning: 'The envelope sender was refused: malformed, or listed as not allowed (qmail: "553 sorry, your envelope sender is in my badmailfrom list").', whoActs: 'sender-admin', action: 'Use a valid sender address; if it is blocked on purpose, only the receiving server\'s administrator can lift it.' },
    },
  },
  {
    code: '554',
    base: {
      title: 'Transaction failed (refused)',
      meaning: 'The server refused for good. No more detail is implied by the code: the text after it tells why.',
      severity: 'permanent',
      cause: 'Usually a policy refusal: blacklisted IP address, missing reverse DNS, spam filter, or a mail loop.',
      whoActs: 'sender-admin',
      action: 'Read the text after the code; most 554 refusals must be fixed on the sending server (its IP reputation or DNS).',
      reference: RFC5321,
    },
    byStage: {
      connect: { title: 'No SMTP service for you', meaning: 'The server refused the whole connection right at the greeting ("no SMTP service here"). Nothing from this client will be accepted.', cause: 'The connecting IP address is blocked (blacklist) or the server is not taking mail.', whoActs: 'sender-admin', action: 'The sending server\'s administrator must get its IP address off the block list or use another outgoing server.' },
      rcpt: { title: 'Recipient refused by policy', meaning: 'The server refused this recipient for good for policy reasons. On these servers spamdyke answers 554 for its permanent refusals (blacklists, RBL, reverse DNS, relaying denied), with its reason after the code.', cause: 'The sending server failed a spam check (reverse DNS, blacklist, RBL) or is not allowed to relay.', whoActs: 'sender-admin', action: 'Read the reason text; the sending server\'s administrator must fix what it names (reverse DNS entry, blacklisting).' },
      'end-of-data': { title: 'Message refused after transfer', meaning: 'The server received the whole message and then refused it for good, for example because a content filter classified it as spam, or because of a mail loop (qmail: "554 too many hops, this message is looping").', cause: 'Content or virus filter, a loop, or a permanent queue error.', whoActs: 'sender', action: 'Read the text after the code; for spam verdicts change the content or ask the recipient to whitelist the sender.' },
      mail: { title: 'Sender refused by policy', meaning: 'The server refused the sender for good, for policy reasons.', whoActs: 'sender-admin', action: 'Read the reason text and fix the sender address or server reputation.' },
    },
  },
  {
    code: '555',
    base: {
      title: 'MAIL/RCPT parameters not recognised',
      meaning: 'The server does not know the extra parameters given with MAIL FROM or RCPT TO (qmail: "555 syntax error (#5.5.4)").',
      severity: 'permanent',
      cause: 'The client sent an extension parameter the server did not announce, or broken syntax.',
      whoActs: 'sender-admin',
      action: 'The sending software should not use that parameter with this server.',
      reference: RFC5321,
    },
  },
];

/** RFC 5321 §4.2.1: the first digit says how the command went. */
export const REPLY_CLASSES: Readonly<Record<string, Explanation>> = {
  '2': { title: 'Success (2xx)', meaning: 'The command was accepted and completed.', severity: 'ok', reference: 'RFC 5321 §4.2.1' },
  '3': { title: 'Intermediate (3xx)', meaning: 'The command was accepted so far; the server waits for more input (message data or login data).', severity: 'info', reference: 'RFC 5321 §4.2.1' },
  '4': { title: 'Temporary failure (4xx)', meaning: 'The command was not accepted, but the condition is temporary: the sending server keeps the message and tries again later.', severity: 'temporary', whoActs: 'nobody', action: 'Usually nothing: wait for the retry.', reference: 'RFC 5321 §4.2.1' },
  '5': { title: 'Permanent failure (5xx)', meaning: 'The command was refused for good: repeating it unchanged will fail again. The sending server gives up and normally returns a bounce to the sender.', severity: 'permanent', whoActs: 'sender', action: 'Read the text after the code to see what must change.', reference: 'RFC 5321 §4.2.1' },
};

/** RFC 5321 §4.2.1: the second digit names the area the reply is about. */
export const REPLY_CATEGORIES: Readonly<Record<string, string>> = {
  '0': 'syntax of the command',
  '1': 'information (status or help)',
  '2': 'the connection',
  '3': 'unspecified',
  '4': 'unspecified',
  '5': 'the mail system (mailbox or server status)',
};

/** RFC 5321 §4.3.2 (and RFC 4954 for AUTH): replies each command may get. */
export const REPLIES_BY_STAGE: Readonly<Partial<Record<SmtpStage, readonly string[]>>> = {
  connect: ['220', '554'],
  helo: ['250', '504', '550', '502'],
  auth: ['235', '334', '432', '454', '500', '501', '504', '530', '534', '535', '538'],
  mail: ['250', '552', '451', '452', '550', '553', '503', '455', '555'],
  rcpt: ['250', '251', '550', '551', '552', '553', '450', '451', '452', '503', '455', '555'],
  data: ['354', '503', '554'],
  'end-of-data': ['250', '552', '554', '451', '452', '450', '550'],
};

/** Replies RFC 5321 allows for any command: 421 closing, 500/501 syntax. */
export const REPLIES_ANY_STAGE: readonly string[] = ['421', '500', '501'];

const REPLY_BY_CODE: ReadonlyMap<string, ReplyCodeRow> = new Map(REPLY_CODES.map((row) => [row.code, row]));

function extractCode(code: string): string | undefined {
  const match = /^\s*([2-5]\d\d)(?:\b|[ -])/.exec(code);
  return match ? match[1] : undefined;
}

/** Whether RFC 5321 §4.3.2 (or RFC 4954 for AUTH) lists this reply for the command. */
export function isListedReplyForStage(code: string, stage: SmtpStage): boolean | undefined {
  const list = REPLIES_BY_STAGE[stage];
  if (!list) return undefined;
  return list.includes(code) || REPLIES_ANY_STAGE.includes(code);
}

export function replyClass(code: string): Explanation | undefined {
  const digit = code.trim().charAt(0);
  const known = REPLY_CLASSES[digit];
  return known ? { ...known } : undefined;
}

export function explainReplyCode(code: string, stage?: SmtpStage): Explanation | undefined {
  const digits = extractCode(code);
  if (!digits) return undefined;
  const row = REPLY_BY_CODE.get(digits);
  if (row) {
    const stageMeaning = stage ? row.byStage?.[stage] : undefined;
    const explained = withOverrides(row.base, stageMeaning);
    // Only note the oddity where we have no stage-specific knowledge of how servers use the code.
    if (stage && !stageMeaning && isListedReplyForStage(digits, stage) === false) {
      explained.meaning += ` (RFC 5321 does not list ${digits} as a reply at this step; the server uses it in its own way.)`;
    }
    return explained;
  }
  const cls = replyClass(digits);
  if (!cls) return undefined;
  const category = REPLY_CATEGORIES[digits.charAt(1)];
  return {
    ...cls,
    title: `${digits}: ${cls.title.replace(/ \(\dxx\)$/, '')} (code not defined by RFC 5321)`,
    meaning: `${cls.meaning}${category ? ` The second digit says it concerns ${category}.` : ''} This exact code is not one of the standard replies; the server chose it itself, so its text says more.`,
    severity: severityOfReplyCode(digits) ?? cls.severity,
  };
}
