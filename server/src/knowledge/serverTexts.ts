// Reply and report texts these servers produce, recognised by patterns kept as data rows: qmail-smtpd
// replies (qmail-smtpd.c, qmail.c), chkuser replies (chkuser_settings.h), spamdyke's rejection texts
// (built from the spamdyke table), qmail-remote / qmail-local / qmail-send delivery reports, and
// common texts of other mail servers that show up after "Remote host said:". Rows are tried in order,
// most specific first. Explanations are our own words.

import { explainChkuserVerdict } from './chkuser';
import { Actor, Explanation, Severity, findEnhancedStatus, findReplyCode, severityOfReplyCode, underscoresToSpaces } from './common';
import { explainEnhancedStatus } from './enhancedStatus';
import { explainReplyCode } from './replyCodes';
import { SPAMDYKE_VERDICTS, explainSpamdykeVerdict } from './spamdyke';

export type ServerTextSource = 'qmail-smtpd' | 'chkuser' | 'spamdyke' | 'qmail-remote' | 'qmail-local' | 'qmail-send' | 'remote-server';

export interface ServerTextRow {
  id: string;
  source: ServerTextSource;
  /** Tried against the text with underscores turned into spaces. */
  pattern: RegExp;
  explanation: Explanation;
  /** The same text can come with a 4xx or a 5xx code; then the code found in the text decides. */
  severityFromCode?: boolean;
}

function row(id: string, source: ServerTextSource, pattern: RegExp, severity: Severity, title: string, meaning: string,
  whoActs?: Actor, action?: string, cause?: string, reference?: string): ServerTextRow {
  const explanation: Explanation = { title, meaning, severity };
  if (cause) explanation.cause = cause;
  if (whoActs) explanation.whoActs = whoActs;
  if (action) explanation.action = action;
  if (reference) explanation.reference = reference;
  return { id, source, pattern, explanation };
}

function fromCode(r: ServerTextRow): ServerTextRow {
  return { ...r, severityFromCode: true };
}

function chkuserRow(id: string, pattern: RegExp, verdict: string, reason: string): ServerTextRow {
  const explanation = explainChkuserVerdict(verdict, reason);
  if (!explanation) throw new Error(`chkuser table has no ${verdict} / ${reason}`);
  return { id, source: 'chkuser', pattern, explanation };
}

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

// spamdyke's own rejection texts, one row per verdict that sends its own text.
function spamdykeRows(): ServerTextRow[] {
  const rows: ServerTextRow[] = [];
  for (const verdict of SPAMDYKE_VERDICTS) {
    if (!verdict.replyText) continue;
    const core = verdict.replyText.replace(/\s*\.\.\.$/, '');
    const explanation = explainSpamdykeVerdict(verdict.verdict);
    if (!explanation) continue;
    explanation.title = `spamdyke: ${explanation.title}`;
    rows.push({ id: `spamdyke-${verdict.verdict}`, source: 'spamdyke', pattern: new RegExp(escapeForPattern(core), 'i'), explanation });
  }
  return rows;
}

const QMAIL_SMTPD = 'qmail-smtpd (qmail 1.03 source)';
const QMAIL_REMOTE = 'qmail-remote (qmail 1.03 source)';
const QMAIL_LOCAL = 'qmail-local (qmail 1.03 source)';

export const SERVER_TEXTS: readonly ServerTextRow[] = [
  // --- qmail-smtpd: acceptance and its own refusals
  row('queued', 'qmail-smtpd', /^\s*250 ok \d+ qp \d+/i, 'ok', 'Message queued',
    'qmail accepted the message into its queue. The first number is the time of acceptance in Unix seconds (UTC), the number after "qp" the process id of the queue program that stored it. Delivery to the recipients starts from the queue within seconds.', undefined, undefined, undefined, QMAIL_SMTPD),
  row('databytes', 'qmail-smtpd', /exceeds my databytes limit/i, 'permanent', 'Message too big',
    'The message is larger than the server\'s size limit (qmail\'s "databytes" setting), so it was refused after the transfer (552, status 5.3.4).',
    'sender', 'Send the attachments smaller (compressed or split) or as a download link. Only the server administrator can raise the limit.', 'Attachments larger than the receiving server allows.', QMAIL_SMTPD),

  // qmail-local's report wraps the queue's own error text, so it must win over the qq rows below
  fromCode(row('forward-failed', 'qmail-local', /Unable to forward message/i, 'temporary', 'Forwarding failed',
    'The message was to be forwarded to another address, but putting the forwarded copy into the queue failed. The code in the text says whether qmail retries (4.x.x) or gives up (5.x.x).', 'server-admin', 'If it repeats, the server administrator must check the queue; a permanent failure usually names the reason.', undefined, QMAIL_LOCAL)),

  // --- chkuser (before the generic texts: its replies end in "chkuser")
  chkuserRow('chkuser-no-mailbox', /no mailbox here by that name.*chkuser/i, 'rejected rcpt', 'not existing recipient'),
  chkuserRow('chkuser-mailbox-full', /recipient mailbox is full.*chkuser/i, 'mbx overquota', 'rcpt mailbox is overquota'),
  chkuserRow('chkuser-max-rcpt', /reached maximum number of recipients/i, 'rejected rcpt', 'max number of recipients'),
  chkuserRow('chkuser-intrusion', /violating our security policies/i, 'rejected intrusion', 'rcpt ignored, session over intrusion threshold'),
  chkuserRow('chkuser-sender-mx', /can'?t find a valid MX for sender domain/i, 'rejected sender', 'invalid sender MX domain'),
  chkuserRow('chkuser-rcpt-mx', /can'?t find a valid MX for rcpt domain/i, 'rejected rcpt', 'invalid rcpt MX domain'),
  chkuserRow('chkuser-sender-format', /sender address has invalid format|mailbox syntax not allowed.*5\.1\.7/i, 'rejected sender', 'invalid sender address format'),
  chkuserRow('chkuser-rcpt-format', /recipient address has invalid format|mailbox syntax not allowed/i, 'rejected rcpt', 'invalid rcpt address format'),
  chkuserRow('chkuser-dns', /DNS temporary failure.*chkuser/i, 'rejected rcpt', 'temporary DNS problem'),
  chkuserRow('chkuser-resource', /system temporary unavailable, try again later/i, 'no auth resource', 'no auth resource available'),
  chkuserRow('chkuser-must-auth', /Authentication required.*chkuser/i, 'must auth', 'sender not authenticated/authorized'),
  row('chkuser-domain-missing', 'chkuser', /you must specify a domain/i, 'permanent', 'Recipient without a domain',
    'chkuser refused the recipient because the address has no domain part (nothing after an @).', 'sender', 'Write the full address, including @ and the domain.', undefined, 'chkuser_settings.h'),

  // --- relaying, sender blocks, loops (qmail-smtpd; the rcpthosts text is also chkuser's)
  row('rcpthosts', 'qmail-smtpd', /isn'?t in my list of allowed rcpthosts/i, 'permanent', 'Relaying denied: domain not hosted here',
    'The recipient\'s domain is not in this server\'s list of domains it accepts mail for (rcpthosts), and the client did not log in, so the server refuses to pass the message on (553).',
    'sender', 'Senders using this server for outgoing mail must log in (SMTP authentication, port 587 or 465). If the domain should be hosted here, its owner must enable mail for it in the control panel.',
    'Sending to an outside address without logging in, or a domain whose mail service is off or missing on this server.', QMAIL_SMTPD),
  row('badmailfrom', 'qmail-smtpd', /envelope sender is in my badmailfrom list/i, 'permanent', 'Sender address blocked',
    'The envelope sender is on the server\'s list of refused senders (badmailfrom), so the message was refused (553, 5.7.1).', 'server-admin', 'If the sender is wanted, the server administrator must remove it from the badmailfrom list.', undefined, QMAIL_SMTPD),
  row('hops', 'qmail-smtpd', /too many hops, this message is looping/i, 'permanent', 'Mail loop',
    'The message has passed through too many servers (too many Received lines), so it is assumed to be going around in a loop and was refused (554, 5.4.6).',
    'recipient-admin', 'Check forwarding rules and MX records of the recipient\'s domain for servers or forwards pointing back at each other.', undefined, QMAIL_SMTPD),
  row('mail-first', 'qmail-smtpd', /\bMAIL first\b/i, 'permanent', 'Command out of order: MAIL first',
    'The client sent a command that needs a sender first (RCPT or DATA before MAIL FROM was accepted).', 'nobody', 'Usually a follow-up error of an earlier refusal; look above it.', undefined, QMAIL_SMTPD),
  row('rcpt-first', 'qmail-smtpd', /\bRCPT first\b/i, 'permanent', 'No recipient accepted: RCPT first',
    'The client tried to send the message (DATA) although no recipient had been accepted.', 'nobody', 'Look at the refusals of the recipients just above: they explain the problem.', undefined, QMAIL_SMTPD),
  row('unimplemented', 'qmail-smtpd', /\bunimplemented \(#5\.5\.1\)/i, 'permanent', 'Command not supported',
    'qmail does not offer this command.', 'nobody', 'Usually harmless: probing or a client trying an optional command.', undefined, QMAIL_SMTPD),
  row('smtpd-syntax', 'qmail-smtpd', /\bsyntax error \(#5\.5\.4\)/i, 'permanent', 'Syntax error',
    'qmail could not parse the command or its parameters.', 'sender-admin', 'The sending software must send valid SMTP.', undefined, QMAIL_SMTPD),
  row('smtpd-timeout', 'qmail-smtpd', /^\s*451 timeout \(#4\.4\.2\)/i, 'temporary', 'Client too slow: timeout',
    'qmail gave up waiting for the client and closed the connection. A real mail server retries later.', 'nobody', 'Usually nothing.', undefined, QMAIL_SMTPD),
  row('bare-lf', 'qmail-smtpd', /cr\.yp\.to\/docs\/smtplf\.html/i, 'temporary', 'Bare line feeds in the message',
    'The client sent lines ending in a bare LF instead of CR LF, which qmail refuses (451).', 'sender-admin', 'The sending software must end lines with CR LF as SMTP requires.', undefined, QMAIL_SMTPD),
  row('qq-permanent', 'qmail-smtpd', /mail server permanently rejected message|qq permanent problem|envelope address too long for qq/i, 'permanent', 'Refused while queueing',
    'The message was received, but the queueing step refused it for good. On hosting servers a scanner runs at this step, so this often means a virus or spam verdict.', 'sender', 'Check the content (attachments); if it was clean, the server administrator must look at the scanner\'s log.', undefined, 'qmail.c (qmail-queue exit codes)'),
  row('qq-temporary', 'qmail-smtpd', /mail server temporarily rejected message|qqt failure|\bqq (temporary problem|out of memory|timeout|write error|read error|crashed|unable to read configuration|trouble|internal bug|waitpid surprise)|unable to exec qq|connection to mail server (timed out|rejected)|communication with mail server failed/i, 'temporary', 'Server could not queue the message (temporary)',
    'The message was received but the server could not store it in its queue just now (disk, memory or scanner trouble). The sending server retries later.', 'server-admin', 'Nothing for the sender. If it repeats, the server administrator must check disk space and the queue/scanner.', undefined, 'qmail.c (qmail-queue exit codes)'),
  row('smtpd-server-trouble', 'qmail-smtpd', /unable to read controls|unable to figure out my IP addresses/i, 'temporary', 'Server configuration problem (temporary)',
    'qmail-smtpd could not start properly on this connection (cannot read its configuration). The sending server retries later.', 'server-admin', 'The server administrator must check qmail\'s control files.', undefined, QMAIL_SMTPD),

  // --- spamdyke's rejection texts
  ...spamdykeRows(),
  row('spamdyke-graylisted-generic', 'spamdyke', /graylisted/i, 'temporary', 'Graylisted: retry expected',
    'The server refused for now because the sender/recipient pair is new (graylisting). A real mail server retries after a few minutes and is then accepted.', 'nobody', 'Nothing: wait for the retry.'),

  // --- qmail-send and qmail-local delivery reports
  row('queue-lifetime', 'qmail-send', /not going to try again; this message has been in the queue too long/i, 'permanent', 'Gave up: too long in the queue',
    'qmail kept retrying a temporary failure until the message reached its queue lifetime (7 days by default), then treated the failure as permanent and bounced the message to the sender.',
    'sender', 'Read the last deferral reason before it (unreachable or refusing server); fix that, then send again.', undefined, 'qmail-send (queuelifetime)'),
  row('mailbox-full-local', 'qmail-local', /Recipient'?s mailbox is full/i, 'permanent', 'Mailbox full',
    'The recipient\'s mailbox is over its quota, so the local delivery refused the message and it is returned to the sender (5.2.2).', 'recipient', 'The recipient must delete or archive mail, or the hosting customer must raise the quota; then the message can be sent again.', 'The mailbox reached its storage quota.', 'qmail quota patches'),
  row('no-mailbox-local', 'qmail-local', /no mailbox here by that name/i, 'permanent', 'No such mailbox',
    'The server has no mailbox with this address, so the delivery failed for good (5.1.1). qmail returns the message to the sender.', 'sender', 'Check the spelling of the address; if it should exist, the domain\'s hosting customer must create the mailbox or an alias.', 'A typo, a deleted mailbox, or spam to a guessed address.', QMAIL_LOCAL),
  row('looping-local', 'qmail-local', /This message is looping: it already has my Delivered-To line/i, 'permanent', 'Mail loop',
    'The message already passed through this mailbox before (it carries this address\'s Delivered-To line), so it is going around in a loop (5.4.6).', 'recipient-admin', 'Check the forwarding rules of the address: a forward points (directly or indirectly) back to itself.', undefined, QMAIL_LOCAL),
  row('maildir-missing', 'qmail-local', /Unable to chdir to maildir/i, 'temporary', 'Mailbox folder missing (temporary)',
    'The mailbox\'s folder on disk could not be opened, so delivery is retried later.', 'server-admin', 'The server administrator (or the panel\'s repair tool) must recreate or fix the mailbox folder.', undefined, QMAIL_LOCAL),
  row('local-temporary', 'qmail-local', /Timeout on maildir delivery|Temporary error on maildir delivery|Home directory is sticky|Uh-oh: |qmail-local crashed|Aack, child crashed|File has been locked for 30 seconds/i, 'temporary', 'Local delivery problem (temporary)',
    'Storing the message in the mailbox failed for now; qmail retries later.', 'server-admin', 'If it repeats, the server administrator must check the mailbox\'s folder and permissions.', undefined, QMAIL_LOCAL),
  row('address-no-host', 'qmail-send', /address must include host name/i, 'permanent', 'Address without a domain',
    'A recipient address has no domain part, so it cannot be delivered.', 'sender', 'Write the full address including the domain.', undefined, 'qmail spawn.c'),

  // --- qmail-remote: sending to other servers
  row('host-not-found', 'qmail-remote', /couldn'?t find any host named/i, 'permanent', 'Recipient domain does not exist',
    'DNS says the recipient\'s domain does not exist, so there is no server to deliver to (5.1.2). The message is returned to the sender.', 'sender', 'Check the domain part of the address for typos.', 'A typo in the domain, or an expired domain.', QMAIL_REMOTE),
  row('host-dns-temporary', 'qmail-remote', /couldn'?t find any host by that name/i, 'temporary', 'DNS lookup failed (temporary)',
    'The DNS lookup of the recipient\'s domain failed for now (4.1.2); qmail retries later.', 'nobody', 'Usually nothing. If it lasts for days, the recipient domain\'s DNS is broken and its owner must fix it.', undefined, QMAIL_REMOTE),
  row('no-mx', 'qmail-remote', /couldn'?t find a mail exchanger or IP address/i, 'permanent', 'Recipient domain has no mail server',
    'The recipient\'s domain exists but has neither MX nor address records, so mail cannot be delivered to it (5.4.4).', 'recipient-admin', 'The recipient domain\'s owner must publish MX records; the sender can only tell them by another channel.', undefined, QMAIL_REMOTE),
  row('ambiguous-mx', 'qmail-remote', /listed as a best-preference MX or A for that host/i, 'permanent', 'Domain points here but is not set up here',
    'The recipient domain\'s MX record points to this very server, but the domain is not configured as local here, so qmail refuses to send the message to itself (5.4.6).', 'recipient-admin', 'Either set the domain up for mail on this server, or correct its MX records to point to the real mail server.', 'A domain moved away (or not yet set up) while its DNS still points here.', QMAIL_REMOTE),
  row('no-connection', 'qmail-remote', /wasn'?t able to establish an SMTP connection/i, 'temporary', 'Could not connect to the recipient\'s server',
    'None of the recipient domain\'s mail servers accepted a connection (4.4.1). qmail keeps the message and retries on a growing schedule.', 'nobody', 'Usually nothing. If it lasts days, the recipient\'s server is down or blocks this server; the recipient\'s administrator must check.', undefined, QMAIL_REMOTE),
  row('connection-died', 'qmail-remote', /but connection died/i, 'temporary', 'Connection broke during the transfer',
    'The connection to the recipient\'s server broke in the middle (4.4.2). qmail retries later; if the text says "Possible duplicate!", the other side may already have received the message.', 'nobody', 'Usually nothing.', undefined, QMAIL_REMOTE),
  row('greeting-failed', 'qmail-remote', /but greeting failed/i, 'temporary', 'Recipient\'s server refused to talk',
    'qmail connected to the recipient\'s server, but it did not answer with a normal greeting (it refused or was overloaded). qmail retries later.', 'nobody', 'Usually nothing; if it lasts, the remote server is refusing this server (check its reply text) and the administrators must talk.', undefined, QMAIL_REMOTE),
  row('helo-rejected', 'qmail-remote', /but my name was rejected/i, 'temporary', 'Recipient\'s server refused our greeting name',
    'The recipient\'s server did not accept the name this server greets with (HELO). qmail retries later.', 'server-admin', 'The server administrator must check the server\'s HELO name (control/helohost or me) and its DNS.', undefined, QMAIL_REMOTE),
  row('partial-line', 'qmail-remote', /cannot transfer messages with partial final lines/i, 'permanent', 'Message ends without a line break',
    'The message\'s last line has no line ending, which SMTP cannot carry (5.6.2).', 'sender-admin', 'The sending program must end the message with a line break.', undefined, QMAIL_REMOTE),
  row('remote-temporary', 'qmail-remote', /qmail-remote crashed|qmail-remote produced no output|CNAME lookup failed temporarily|Unable to read control files|System resources temporarily unavailable|Unable to read message|Out of memory \(#4\.3\.0\)/i, 'temporary', 'Sending problem on this server (temporary)',
    'The delivery attempt failed because of a passing problem on this server; qmail retries later.', 'server-admin', 'If it repeats, the server administrator must look at the server.', undefined, QMAIL_REMOTE),

  // --- typical texts of other mail servers after "Remote host said:"
  fromCode(row('remote-greylist', 'remote-server', /gr[ae]ylist/i, 'temporary', 'Graylisted by the recipient\'s server',
    'The recipient\'s server delays unknown senders on purpose (graylisting). qmail retries and is normally accepted on a later try.', 'nobody', 'Nothing: wait for the retry.')),
  fromCode(row('remote-user-unknown', 'remote-server', /user unknown|unknown user|no such user|user not found|recipient not found|unknown recipient|recipient unknown|invalid recipient|address does not exist|account does not exist|mailbox (does not exist|not found|unavailable)|does not exist|recipient address rejected/i, 'permanent', 'Recipient unknown at the destination',
    'The recipient\'s server says this address does not exist there.', 'sender', 'Check the spelling of the address; if it is right, ask the recipient by another channel.', 'A typo, or a mailbox that no longer exists.')),
  fromCode(row('remote-quota', 'remote-server', /quota exceeded|over ?quota|mailbox (is )?full|mailbox full|insufficient (storage|space)|disk quota/i, 'permanent', 'Recipient\'s mailbox is full',
    'The recipient\'s mailbox has no room left. With a 4xx code the sending server keeps retrying for a while; with 5xx the message is returned.', 'recipient', 'The recipient must delete or archive mail, then the message can be sent again.', 'The mailbox reached its storage quota.')),
  fromCode(row('remote-too-big', 'remote-server', /message (size )?(exceeds|too (big|large))|message is too (big|large)|size limit|exceeds (the )?(maximum|fixed) (message )?size/i, 'permanent', 'Message too big for the recipient\'s server',
    'The recipient\'s server does not accept messages this large.', 'sender', 'Send smaller attachments or a download link.')),
  fromCode(row('remote-too-many-rcpt', 'remote-server', /too many recipients/i, 'temporary', 'Too many recipients',
    'The recipient\'s server accepts fewer recipients per message.', 'sender', 'Send to fewer recipients at once.')),
  fromCode(row('remote-rate-limit', 'remote-server', /rate limit|rate-limit|too many (connections|messages)|throttl|temporarily deferred|try again later/i, 'temporary', 'Recipient\'s server asks to slow down',
    'The recipient\'s server refuses for now because too much mail arrived from this server (or it is busy). qmail retries later.', 'nobody', 'Usually nothing; if it lasts, the server administrator should check whether a mailbox sends unusually much mail.')),
  fromCode(row('remote-blacklist', 'remote-server', /spamhaus|spamcop|barracuda|sorbs|\bRBL\b|DNSBL|black ?list|block ?list|listed (on|in|at)|\bblocked\b/i, 'permanent', 'This server is blocked by the recipient\'s server',
    'The recipient\'s server refused because the sending server (its IP address or domain) is on a block list.', 'server-admin', 'The administrator of the sending server must look the IP address up on the named list, remove the cause (often a hacked mailbox sending spam) and request delisting.', 'The sending IP address got a bad reputation.')),
  fromCode(row('remote-reverse-dns', 'remote-server', /reverse (dns|lookup)|\bPTR\b|\brDNS\b/i, 'permanent', 'Recipient\'s server wants proper reverse DNS',
    'The recipient\'s server refused because the sending server\'s IP address has no (matching) reverse DNS name.', 'server-admin', 'The sending server\'s administrator must set a PTR record matching the server name.')),
  fromCode(row('remote-spf', 'remote-server', /\bSPF\b/i, 'permanent', 'SPF check failed at the recipient\'s server',
    'The sender domain\'s SPF record does not allow this server to send for it.', 'sender-admin', 'The sender domain\'s owner must include this server in the domain\'s SPF record.')),
  fromCode(row('remote-dmarc', 'remote-server', /\bDMARC\b/i, 'permanent', 'DMARC policy refused the message',
    'The message failed the sender domain\'s DMARC policy (SPF/DKIM not aligned with the From domain).', 'sender-admin', 'The sender domain\'s owner must set up SPF and DKIM so that they match the From address.')),
  fromCode(row('remote-dkim', 'remote-server', /\bDKIM\b/i, 'permanent', 'DKIM check failed',
    'The recipient\'s server refused because of a missing or invalid DKIM signature.', 'sender-admin', 'The sender domain\'s owner must set up DKIM signing.')),
  fromCode(row('remote-relay', 'remote-server', /relay(ing)? (access )?(denied|not permitted|not allowed)|not permitted to relay|unable to relay/i, 'permanent', 'Recipient\'s server refuses to relay',
    'The server qmail reached does not accept mail for the recipient\'s domain, usually because the domain\'s MX records point to a wrong server.', 'recipient-admin', 'The recipient domain\'s owner must check its MX records and mail setup.')),
  fromCode(row('remote-auth-required', 'remote-server', /authentication required|must (be )?authenticat|auth(entication)? first/i, 'permanent', 'Login required',
    'The server requires a login (SMTP AUTH) before it accepts this.', 'sender', 'Turn on SMTP authentication in the mail program.')),
  fromCode(row('remote-tls-required', 'remote-server', /must issue a STARTTLS|TLS (is )?required|encryption required/i, 'permanent', 'Encryption required',
    'The server only accepts mail over an encrypted connection.', 'server-admin', 'The sending server or program must use TLS.')),
  fromCode(row('remote-spam', 'remote-server', /\bspam\b|\bjunk\b|content (rejected|filter)|virus|malware/i, 'permanent', 'Refused as spam or malware',
    'The recipient\'s server classified the message as spam or as carrying malware.', 'sender', 'Check the content and links; clean messages can ask the recipient to whitelist the sender.')),

  // --- qmail-remote's sentence around the remote reply (after the reason rows above)
  fromCode(row('does-not-like-recipient', 'qmail-remote', /does not like recipient/i, 'permanent', 'Recipient refused by the remote server',
    'The recipient\'s server refused this recipient; its own words follow "Remote host said:". With a 5xx reply qmail gives up and bounces; with 4xx it retries.', 'sender', 'Read the remote server\'s reply text for the reason.', undefined, QMAIL_REMOTE)),
  fromCode(row('sender-rejected', 'qmail-remote', /but sender was rejected/i, 'permanent', 'Sender refused by the remote server',
    'The recipient\'s server refused the envelope sender; its reply follows. 5xx: given up and bounced; 4xx: retried.', 'sender-admin', 'Read the remote reply; usually the sender domain\'s DNS or reputation must be fixed.', undefined, QMAIL_REMOTE)),
  fromCode(row('data-failed', 'qmail-remote', /failed on DATA command/i, 'permanent', 'Remote server refused to take the message',
    'The recipient\'s server accepted the recipients but refused when the message itself was about to be sent. 5xx: given up; 4xx: retried.', 'sender', 'Read the remote reply for the reason.', undefined, QMAIL_REMOTE)),
  fromCode(row('after-message', 'qmail-remote', /failed after I sent the message/i, 'permanent', 'Remote server refused the message after receiving it',
    'The recipient\'s server received the whole message and then refused it, typically by a spam, virus or size filter. 5xx: given up and bounced; 4xx: retried.', 'sender', 'Read the remote reply; change the content or ask the recipient to allow the sender.', undefined, QMAIL_REMOTE)),
  row('giving-up', 'qmail-remote', /Giving up on /i, 'permanent', 'Gave up on the remote server',
    'qmail-remote got a permanent refusal for every recipient on this server and stops; the message is returned to the sender.', 'sender', 'Read the "Remote host said" part before it for the reason.', undefined, QMAIL_REMOTE),
  row('accepted-message', 'qmail-remote', /accepted message/i, 'ok', 'Delivered to the remote server',
    'The recipient\'s server accepted the message. From here on it is that server\'s responsibility (spam folder, forwarding, ...).', undefined, undefined, undefined, QMAIL_REMOTE),
];

/**
 * Explain a reply or delivery text from these servers. Underscores may stand for spaces. When no
 * row matches, an enhanced status code or reply code found in the text is explained instead.
 */
const ALWAYS_DEFERRED = /but (greeting failed|my name was rejected)/i;

export function explainServerText(text: string): Explanation | undefined {
  const normalized = underscoresToSpaces(text).replace(/\s+/g, ' ').trim();
  if (!normalized) return undefined;
  const replyCode = findReplyCode(normalized);
  const enhanced = findEnhancedStatus(normalized);
  for (const candidate of SERVER_TEXTS) {
    if (!candidate.pattern.test(normalized)) continue;
    const result: Explanation = { ...candidate.explanation };
    if (candidate.severityFromCode) {
      const severity = (replyCode && severityOfReplyCode(replyCode)) || (enhanced && severityOfReplyCode(enhanced)) || undefined;
      if (severity) result.severity = severity;
      if (severity === 'temporary') {
        result.meaning += ' The code here is temporary, so the sending server retries.';
      }
    }
    // qmail-remote defers these two whatever code the other side gave (qmail-remote.c).
    if (ALWAYS_DEFERRED.test(normalized) && result.severity === 'permanent') {
      result.severity = 'temporary';
      result.meaning += ' qmail treats a refusal at this point as temporary and retries later.';
    }
    return result;
  }
  if (enhanced) {
    const byStatus = explainEnhancedStatus(enhanced);
    if (byStatus && replyCode) byStatus.title = `${replyCode} ${byStatus.title}`;
    return byStatus;
  }
  return replyCode ? explainReplyCode(replyCode) : undefined;
}
