// Enhanced mail system status codes "class.subject.detail": RFC 3463 and the IANA registry
// "SMTP Enhanced Status Codes" (RFC 5248), including later additions (RFC 3886, 4468, 4954,
// 6531, 6710, 7293, 7372, 7505, 8617, 8689). Texts are our own summaries of the registry entries.

import { Actor, Explanation, Severity } from './common';

interface StatusClassRow { title: string; meaning: string; severity: Severity }
interface StatusSubjectRow { title: string; meaning: string }
interface StatusDetailRow {
  title: string;
  meaning: string;
  cause?: string;
  whoActs?: Actor;
  action?: string;
  /** With class 4 the sending server just retries, so nobody acts; these rows still need someone. */
  actsEvenIfTemporary?: boolean;
  reference: string;
}

export const STATUS_CLASSES: Readonly<Record<string, StatusClassRow>> = {
  '2': { title: 'Success', meaning: 'The delivery step succeeded.', severity: 'ok' },
  '4': { title: 'Temporary failure', meaning: 'Delivery failed for now, but the message itself is fine: a temporary condition stopped it, and sending it again later may work. The sending server keeps it and retries.', severity: 'temporary' },
  '5': { title: 'Permanent failure', meaning: 'Delivery failed for good: sending the same message again will fail the same way until something is changed.', severity: 'permanent' },
};

export const STATUS_SUBJECTS: Readonly<Record<string, StatusSubjectRow>> = {
  '0': { title: 'Other', meaning: 'No more specific area is given.' },
  '1': { title: 'Addressing', meaning: 'It concerns the sender or recipient address.' },
  '2': { title: 'Mailbox', meaning: 'It concerns the recipient\'s mailbox.' },
  '3': { title: 'Mail system', meaning: 'It concerns the receiving mail system itself.' },
  '4': { title: 'Network and routing', meaning: 'It concerns the network, DNS or routing between the servers.' },
  '5': { title: 'Mail delivery protocol', meaning: 'It concerns the SMTP conversation (commands and their syntax).' },
  '6': { title: 'Message content or media', meaning: 'It concerns the content or format of the message.' },
  '7': { title: 'Security or policy', meaning: 'It concerns security or a policy of the receiving side (authentication, spam filters, permissions).' },
};

const R3463 = 'RFC 3463';

/** Keyed by "subject.detail". */
export const STATUS_DETAILS: Readonly<Record<string, StatusDetailRow>> = {
  '0.0': { title: 'Other undefined status', meaning: 'Only the class is known; the server gives no more detail.', reference: R3463 },
  '1.0': { title: 'Other address status', meaning: 'Something about an address caused this, without more detail.', reference: R3463 },
  '1.1': { title: 'Bad destination mailbox address', meaning: 'The recipient mailbox does not exist: the part of the address before the @ is unknown at the destination.', cause: 'A typo in the address, or a mailbox that was deleted or never existed.', whoActs: 'sender', action: 'Check the spelling of the recipient address; if it is right, ask the recipient by another channel for their correct address.', reference: R3463 },
  '1.2': { title: 'Bad destination system address', meaning: 'The recipient\'s domain (after the @) does not exist or cannot receive mail.', cause: 'A typo in the domain, an expired domain, or a domain without mail setup.', whoActs: 'sender', action: 'Check the domain part of the address.', reference: R3463 },
  '1.3': { title: 'Bad destination address syntax', meaning: 'The recipient address is not written in a valid form.', whoActs: 'sender', action: 'Correct the address (spaces, missing @, invalid characters).', reference: R3463 },
  '1.4': { title: 'Destination address ambiguous', meaning: 'The address matches more than one recipient at the destination.', whoActs: 'sender', action: 'Use a more precise address.', reference: R3463 },
  '1.5': { title: 'Destination address valid', meaning: 'The recipient address is valid (used with success).', reference: R3463 },
  '1.6': { title: 'Mailbox has moved', meaning: 'The mailbox used to exist but no longer accepts mail, and no forwarding address is known.', whoActs: 'sender', action: 'Find the recipient\'s new address.', reference: R3463 },
  '1.7': { title: 'Bad sender address syntax', meaning: 'The sender address is not written in a valid form.', whoActs: 'sender-admin', action: 'Fix the sender address configured in the sending program or server.', reference: R3463 },
  '1.8': { title: 'Bad sender system address', meaning: 'The sender\'s domain does not exist or cannot take replies (for example it has no MX or address record).', cause: 'The sender domain has no working DNS for mail.', whoActs: 'sender-admin', action: 'The sender\'s domain owner must publish MX (or A) records for the domain.', reference: R3463 },
  '1.9': { title: 'Relayed to non-compliant mailer', meaning: 'The address was fine, but the message went on to a system that cannot report further delivery status.', reference: 'RFC 3886' },
  '1.10': { title: 'Recipient domain accepts no mail (null MX)', meaning: 'The recipient\'s domain states in DNS that it does not accept any mail.', whoActs: 'sender', action: 'Use another address for this recipient.', reference: 'RFC 7505' },
  '2.0': { title: 'Other mailbox status', meaning: 'The mailbox exists but something about it caused this, without more detail.', reference: R3463 },
  '2.1': { title: 'Mailbox disabled', meaning: 'The mailbox exists but does not accept messages (disabled or suspended).', whoActs: 'recipient-admin', action: 'The recipient\'s administrator must enable the mailbox again.', actsEvenIfTemporary: true, reference: R3463 },
  '2.2': { title: 'Mailbox full', meaning: 'The recipient\'s mailbox is full: it is over its storage quota.', cause: 'The recipient has not deleted or downloaded mail, or the quota is too small.', whoActs: 'recipient', action: 'The recipient must delete or archive mail (or the hosting customer must raise the quota); afterwards the sender can send again.', actsEvenIfTemporary: true, reference: R3463 },
  '2.3': { title: 'Message too big for mailbox', meaning: 'The message is larger than this mailbox (or recipient) accepts.', whoActs: 'sender', action: 'Send smaller attachments or a download link.', reference: R3463 },
  '2.4': { title: 'Mailing list expansion problem', meaning: 'The recipient is a mailing list that could not be expanded into its members.', whoActs: 'recipient-admin', action: 'The list owner must check the list.', reference: R3463 },
  '3.0': { title: 'Other mail system status', meaning: 'The receiving system had a problem, without more detail.', whoActs: 'recipient-admin', reference: R3463 },
  '3.1': { title: 'Mail system full', meaning: 'The receiving mail system is out of storage.', whoActs: 'recipient-admin', action: 'The receiving server\'s administrator must free space.', reference: R3463 },
  '3.2': { title: 'System not accepting messages', meaning: 'The receiving system is not taking mail right now (maintenance, shutdown or overload).', whoActs: 'nobody', action: 'Wait for the retry.', reference: R3463 },
  '3.3': { title: 'System lacks a requested feature', meaning: 'The receiving system cannot handle a feature the message needs.', reference: R3463 },
  '3.4': { title: 'Message too big for system', meaning: 'The message is larger than the receiving system accepts at all (qmail: "exceeds my databytes limit (#5.3.4)").', cause: 'Attachments above the server\'s size limit.', whoActs: 'sender', action: 'Send the files smaller or as a download link.', reference: R3463 },
  '3.5': { title: 'System incorrectly configured', meaning: 'The receiving system is set up wrongly for this message.', whoActs: 'recipient-admin', action: 'The receiving server\'s administrator must fix its configuration.', reference: R3463 },
  '3.6': { title: 'Requested priority changed', meaning: 'The message was accepted, but with a different priority than requested.', reference: 'RFC 6710' },
  '4.0': { title: 'Other network or routing status', meaning: 'A network or routing problem, without more detail.', reference: R3463 },
  '4.1': { title: 'No answer from host', meaning: 'The destination server did not answer the connection attempt.', cause: 'The server is down, unreachable or behind a firewall.', whoActs: 'nobody', action: 'Wait for the retry; if it lasts for days the recipient\'s administrator must check their server.', reference: R3463 },
  '4.2': { title: 'Bad connection', meaning: 'A connection was made but broke before the transfer finished.', whoActs: 'nobody', action: 'Wait for the retry.', reference: R3463 },
  '4.3': { title: 'Directory server failure', meaning: 'A directory service such as DNS could not be used, so the address could not be looked up.', whoActs: 'nobody', action: 'Wait for the retry; persistent DNS failures need the DNS administrator.', reference: R3463 },
  '4.4': { title: 'Unable to route', meaning: 'No route to the destination could be found, for example the domain has no usable MX or address records.', whoActs: 'recipient-admin', action: 'The recipient domain\'s owner must fix its DNS (MX records).', reference: R3463 },
  '4.5': { title: 'Mail system congestion', meaning: 'The mail system is congested and could not handle the message now.', whoActs: 'nobody', action: 'Wait for the retry.', reference: R3463 },
  '4.6': { title: 'Routing loop detected', meaning: 'The message went around in a loop between servers or forwards (too many Received/Delivered-To lines).', cause: 'Forwarding rules or MX setup that point back at each other.', whoActs: 'recipient-admin', action: 'Check the forwarding rules of the recipient address and the domain\'s MX setup.', reference: R3463 },
  '4.7': { title: 'Delivery time expired', meaning: 'The message was too old to keep trying; delivery was given up.', whoActs: 'nobody', reference: R3463 },
  '5.0': { title: 'Other protocol status', meaning: 'An SMTP protocol problem, without more detail.', reference: R3463 },
  '5.1': { title: 'Invalid command', meaning: 'A command was not allowed or came out of order.', reference: R3463 },
  '5.2': { title: 'Syntax error', meaning: 'A command could not be understood.', reference: R3463 },
  '5.3': { title: 'Too many recipients', meaning: 'The message had more recipients than the server accepts at once.', whoActs: 'sender', action: 'Send to fewer recipients per message (use a mailing list for mass mailings).', reference: R3463 },
  '5.4': { title: 'Invalid command arguments', meaning: 'A command had an invalid or unsupported argument.', reference: R3463 },
  '5.5': { title: 'Wrong protocol version', meaning: 'The two sides could not agree on a protocol version.', reference: R3463 },
  '5.6': { title: 'Login line too long', meaning: 'A line of the login (SMTP AUTH) exchange was longer than the server accepts.', reference: 'RFC 4954' },
  '6.0': { title: 'Other media error', meaning: 'Something in the message content prevented delivery, without more detail.', reference: R3463 },
  '6.1': { title: 'Media not supported', meaning: 'The message contains a content type the destination does not support.', reference: R3463 },
  '6.2': { title: 'Conversion required and prohibited', meaning: 'The content would need converting, but conversion is not allowed.', reference: R3463 },
  '6.3': { title: 'Conversion required but not supported', meaning: 'The content would need converting, but that is not possible here.', reference: R3463 },
  '6.4': { title: 'Conversion with loss performed', meaning: 'The content was converted and some information was lost.', reference: R3463 },
  '6.5': { title: 'Conversion failed', meaning: 'A needed conversion of the content failed.', reference: R3463 },
  '6.6': { title: 'Message content not available', meaning: 'Content that should be fetched from elsewhere could not be retrieved.', reference: 'RFC 4468' },
  '6.7': { title: 'Non-ASCII address not allowed', meaning: 'An address with non-ASCII characters was used where that is not permitted.', reference: 'RFC 6531' },
  '6.8': { title: 'UTF-8 reply needed but not allowed', meaning: 'The server would have to reply in UTF-8, which the client does not allow.', reference: 'RFC 6531' },
  '6.9': { title: 'UTF-8 headers cannot be passed on', meaning: 'The message has UTF-8 headers that cannot be delivered to some recipients.', reference: 'RFC 6531' },
  '6.10': { title: 'UTF-8 reply needed but not allowed', meaning: 'Same meaning as X.6.8 in the registry: a UTF-8 reply would be needed but the client does not permit it.', reference: 'RFC 6531' },
  '7.0': { title: 'Other security or policy status', meaning: 'A security or policy rule caused this, without more detail.', reference: R3463 },
  '7.1': { title: 'Delivery not authorized', meaning: 'The sender is not allowed to deliver this message here: it was refused by policy (spam filter, blacklist, relaying rules, access lists).', cause: 'A blocking rule on the receiving side, or an attempt to relay without logging in.', whoActs: 'sender-admin', action: 'Read the text of the reply for the rule that matched; the sender\'s administrator fixes reputation or login, or the recipient asks their administrator to allow the sender.', reference: R3463 },
  '7.2': { title: 'Mailing list expansion prohibited', meaning: 'The sender may not send to this mailing list.', whoActs: 'recipient-admin', action: 'The list owner must allow the sender.', reference: R3463 },
  '7.3': { title: 'Security conversion not possible', meaning: 'A required security conversion could not be done.', reference: R3463 },
  '7.4': { title: 'Security features not supported', meaning: 'The message asks for security features the transport cannot provide.', reference: R3463 },
  '7.5': { title: 'Cryptographic failure', meaning: 'Decrypting or verifying the message failed (missing or invalid keys).', reference: R3463 },
  '7.6': { title: 'Cryptographic algorithm not supported', meaning: 'A needed cryptographic algorithm is not supported.', reference: R3463 },
  '7.7': { title: 'Message integrity failure', meaning: 'The message was changed or damaged and failed an integrity check.', reference: R3463 },
  '7.8': { title: 'Login credentials invalid', meaning: 'The user name or password given during SMTP AUTH was not accepted.', whoActs: 'sender', action: 'Check the user name (usually the full address) and password in the mail program.', actsEvenIfTemporary: true, reference: 'RFC 4954' },
  '7.9': { title: 'Login method too weak', meaning: 'The chosen login method is weaker than the server allows.', whoActs: 'sender', action: 'Use an encrypted connection or a stronger login method.', actsEvenIfTemporary: true, reference: 'RFC 4954' },
  '7.10': { title: 'Encryption needed', meaning: 'An encrypted connection (TLS) is needed for this.', whoActs: 'sender', action: 'Turn on TLS/SSL in the mail program.', actsEvenIfTemporary: true, reference: 'RFC 5248' },
  '7.11': { title: 'Encryption required for this login method', meaning: 'This login method may only be used over an encrypted connection.', whoActs: 'sender', action: 'Turn on TLS/SSL in the mail program.', actsEvenIfTemporary: true, reference: 'RFC 4954' },
  '7.12': { title: 'Password change needed', meaning: 'The user must change the password (or switch login method) before logging in.', whoActs: 'sender', action: 'Change the password, then update it in the mail program.', actsEvenIfTemporary: true, reference: 'RFC 4954' },
  '7.13': { title: 'User account disabled', meaning: 'The account is disabled.', whoActs: 'recipient-admin', action: 'The account\'s administrator must enable it.', actsEvenIfTemporary: true, reference: 'RFC 5248' },
  '7.14': { title: 'Trust relationship required', meaning: 'The server only accepts this from systems it has a trust arrangement with.', reference: 'RFC 5248' },
  '7.15': { title: 'Priority too low', meaning: 'The requested priority is below what the server accepts.', reference: 'RFC 6710' },
  '7.16': { title: 'Message too big for its priority', meaning: 'The message is too large for the priority it asked for.', reference: 'RFC 6710' },
  '7.17': { title: 'Mailbox owner has changed', meaning: 'The mailbox has had a different owner since the date the sender expected.', reference: 'RFC 7293' },
  '7.18': { title: 'Domain owner has changed', meaning: 'The recipient domain has changed owner since the date the sender expected.', reference: 'RFC 7293' },
  '7.19': { title: 'Recipient-valid-since check not possible', meaning: 'The requested RRVS check could not be completed.', reference: 'RFC 7293' },
  '7.20': { title: 'No passing DKIM signature', meaning: 'The message had no DKIM signature that verified.', cause: 'Missing DKIM signing on the sending side, or the message was changed on the way.', whoActs: 'sender-admin', action: 'The sender\'s domain owner must set up DKIM signing.', reference: 'RFC 7372' },
  '7.21': { title: 'No acceptable DKIM signature', meaning: 'DKIM signatures verified, but none was acceptable to the receiver\'s policy.', whoActs: 'sender-admin', reference: 'RFC 7372' },
  '7.22': { title: 'No DKIM signature matching the author', meaning: 'No valid DKIM signature matches the domain in the From header.', whoActs: 'sender-admin', action: 'Sign with the domain used in the From address.', reference: 'RFC 7372' },
  '7.23': { title: 'SPF check failed', meaning: 'The sending server is not allowed to send for the sender\'s domain according to its SPF record.', cause: 'The SPF record of the sender domain does not list the server that sent the message.', whoActs: 'sender-admin', action: 'The sender\'s domain owner must add the sending server to the SPF record (or send through an allowed server).', reference: 'RFC 7372' },
  '7.24': { title: 'SPF check error', meaning: 'Evaluating the sender domain\'s SPF record failed (for example a broken record or DNS error).', whoActs: 'sender-admin', action: 'The sender\'s domain owner must fix the SPF record.', reference: 'RFC 7372' },
  '7.25': { title: 'Reverse DNS check failed', meaning: 'The sending server\'s IP address failed the receiver\'s reverse DNS check (no PTR name, or one that does not match).', whoActs: 'sender-admin', action: 'The sending server\'s administrator (or its provider) must set a proper reverse DNS name for its IP address.', reference: 'RFC 7372' },
  '7.26': { title: 'Multiple authentication checks failed', meaning: 'The message failed more than one sender authentication check (SPF, DKIM, ...).', whoActs: 'sender-admin', action: 'The sender\'s domain owner must set up SPF and DKIM correctly.', reference: 'RFC 7372' },
  '7.27': { title: 'Sender domain accepts no mail (null MX)', meaning: 'The sender\'s domain states that it does not accept mail, so replies and bounces could not reach it.', whoActs: 'sender-admin', action: 'Send from a domain that can receive mail.', reference: 'RFC 7505' },
  '7.28': { title: 'Mail flood detected', meaning: 'The message looks like part of a flood of similar messages and was refused.', whoActs: 'sender-admin', action: 'Reduce the sending rate; check for compromised accounts sending spam.', reference: 'IANA registry (X.7.28)' },
  '7.29': { title: 'ARC validation failure', meaning: 'The message failed the ARC (Authenticated Received Chain) check.', whoActs: 'sender-admin', reference: 'RFC 8617' },
  '7.30': { title: 'REQUIRETLS support required', meaning: 'The message demanded TLS all the way, and the next server does not support it.', reference: 'RFC 8689' },
};

const STATUS_PATTERN = /#?([245])\.(\d{1,3})\.(\d{1,3})/;

export interface EnhancedStatusParts { cls: string; subject: string; detail: string }

export function parseEnhancedStatus(code: string): EnhancedStatusParts | undefined {
  const match = STATUS_PATTERN.exec(code.trim());
  if (!match) return undefined;
  return { cls: match[1], subject: String(Number(match[2])), detail: String(Number(match[3])) };
}

export function explainEnhancedStatus(code: string): Explanation | undefined {
  const parts = parseEnhancedStatus(code);
  if (!parts) return undefined;
  const cls = STATUS_CLASSES[parts.cls];
  const subject = STATUS_SUBJECTS[parts.subject];
  const detail = STATUS_DETAILS[`${parts.subject}.${parts.detail}`];
  const label = `${parts.cls}.${parts.subject}.${parts.detail}`;

  if (!subject) {
    return {
      title: `${label}: ${cls.title}`,
      meaning: `${cls.meaning} The subject digit ${parts.subject} is not defined, so only the class is known.`,
      severity: cls.severity,
      reference: R3463,
    };
  }
  if (!detail) {
    return {
      title: `${label}: ${cls.title} (${subject.title.toLowerCase()})`,
      meaning: `${cls.meaning} ${subject.meaning} The detail number ${parts.detail} is not in the registry.`,
      severity: cls.severity,
      whoActs: cls.severity === 'temporary' ? 'nobody' : undefined,
      reference: R3463,
    };
  }
  const result: Explanation = {
    title: `${label}: ${detail.title}`,
    meaning: `${detail.meaning} ${cls.meaning}`,
    severity: cls.severity,
    reference: detail.reference === R3463 ? 'RFC 3463, IANA SMTP Enhanced Status Codes' : `${detail.reference}, IANA SMTP Enhanced Status Codes`,
  };
  if (cls.severity !== 'ok') {
    if (detail.cause) result.cause = detail.cause;
    if (cls.severity === 'temporary' && !detail.actsEvenIfTemporary) {
      result.whoActs = 'nobody';
      result.action = 'Usually nothing: the sending server retries on its own.'
        + (detail.action ? ` If the same refusal keeps coming back: ${detail.action.charAt(0).toLowerCase()}${detail.action.slice(1)}` : '');
    } else {
      if (detail.whoActs) result.whoActs = detail.whoActs;
      if (detail.action) result.action = detail.action;
    }
  }
  return result;
}
