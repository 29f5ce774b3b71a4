// spamdyke's log verdicts and log fields. The list of verdicts follows the "Log Messages" table of
// the spamdyke README (version 5.0.1, and 4.1.0 for the one code 5.x dropped); the stock SMTP reply
// and its text come from the "SMTP Error Codes" table and spamdyke.h. Codes found only in the
// source, not in the documentation, are marked as such. All explanations are our own words.

import { Explanation, severityOfReplyCode, underscoresToSpaces } from './common';

/** Where we verified that the code exists. */
export type SpamdykeSource = 'docs-5.0.1' | 'docs-4.1.0-only' | 'source-only';

/** A verdict's explanation (its reference is the docs, named by `source`) plus what spamdyke does. */
export interface SpamdykeVerdictRow extends Omit<Explanation, 'reference'> {
  verdict: string;
  /** What the refusal covers: the whole connection, one recipient, or the whole message. */
  scope?: 'connection' | 'recipient' | 'message';
  /** Reply code a stock spamdyke sends for it (REJECT_SEVERITY_* in spamdyke.h). */
  stockReply?: string;
  /** Default text of the reply (rejection-text-* option), when spamdyke sends its own. */
  replyText?: string;
  source: SpamdykeSource;
}

const DOCS = 'spamdyke README 5.0.1, "Log Messages"';

export const SPAMDYKE_VERDICTS: readonly SpamdykeVerdictRow[] = [
  {
    verdict: 'ALLOWED', source: 'docs-5.0.1', severity: 'ok', scope: 'recipient',
    title: 'Passed spamdyke',
    meaning: 'The message passed all of spamdyke\'s checks for this recipient and was handed to qmail. The reason field holds qmail\'s answer; "250 ok EPOCH qp PID" means the message was queued for delivery. qmail (or the mailbox) can still refuse or bounce it later for reasons of its own.',
  },
  {
    verdict: 'ALLOWED_AUTHENTICATED', source: 'docs-5.0.1', severity: 'ok',
    title: 'Logged in through spamdyke',
    meaning: 'The client logged in (SMTP AUTH) successfully, with spamdyke doing the login check. Only written to spamdyke\'s full per-connection logs; the normal log shows ALLOWED.',
  },
  {
    verdict: 'ALLOWED_TLS', source: 'docs-5.0.1', severity: 'ok',
    title: 'Encryption started through spamdyke',
    meaning: 'The client started an encrypted (TLS) session handled by spamdyke. Only written to spamdyke\'s full per-connection logs; the normal log shows ALLOWED.',
  },
  {
    verdict: 'ALLOWED_DATA', source: 'source-only', severity: 'info',
    title: 'Message data accepted (internal)',
    meaning: 'spamdyke let the DATA command through to qmail. This code appears in spamdyke 5 source code but not in its documentation\'s list of log codes; normal logs are not expected to show it.',
  },
  {
    verdict: 'DENIED_ACCESS_DENIED', source: 'docs-4.1.0-only', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Refused. Access is denied.',
    title: 'Blocked by access rule',
    meaning: 'The connection was refused because the sending server\'s IP address or reverse DNS name matches a "deny" rule in spamdyke\'s access file. (Documented for spamdyke 4; spamdyke 5 no longer lists this code.)',
    cause: 'The receiving server\'s administrator blocked this sender on purpose.',
    whoActs: 'server-admin',
    action: 'If the sender is legitimate, the receiving server\'s administrator must remove the deny rule.',
  },
  {
    verdict: 'DENIED_AUTH_REQUIRED', source: 'docs-5.0.1', severity: 'permanent', scope: 'message', stockReply: '554', replyText: 'Refused. Authentication is required to send mail.',
    title: 'Login required',
    meaning: 'The client did not log in (SMTP AUTH), and this server only accepts mail from logged-in clients on this connection.',
    cause: 'A mail program sending without "outgoing server requires authentication", or with the wrong port.',
    whoActs: 'sender',
    action: 'Turn on authentication for the outgoing server in the mail program (mailbox address and password) and use port 587 or 465.',
  },
  {
    verdict: 'DENIED_BLACKLIST_IP', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Refused. Your IP address is blacklisted.',
    title: 'IP address on the local blacklist',
    meaning: 'The sending server\'s IP address is on this server\'s own spamdyke blacklist, so the connection was refused. The reason field names the matching entry or file line.',
    cause: 'The receiving side blocked this IP address on purpose (earlier spam from it).',
    whoActs: 'server-admin',
    action: 'If the sender is legitimate, the receiving server\'s administrator (or the hosting customer, where the panel lets them edit the blacklist) must remove the entry.',
  },
  {
    verdict: 'DENIED_BLACKLIST_NAME', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Refused. Your domain name is blacklisted.',
    title: 'Server name on the local blacklist',
    meaning: 'The sending server\'s reverse DNS name matches this server\'s own spamdyke blacklist of names, so the connection was refused. The reason field names the matching entry, file line or directory.',
    cause: 'The receiving side blocked this host name or domain on purpose.',
    whoActs: 'server-admin',
    action: 'If the sender is legitimate, the receiving server\'s administrator must remove the entry.',
  },
  {
    verdict: 'DENIED_EARLYTALKER', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Refused. You are not following the SMTP protocol.',
    title: 'Talked before the greeting',
    meaning: 'The sending side started sending commands before the server had greeted it. Real mail servers wait for the greeting; spam programs often do not, so the connection was refused.',
    cause: 'Spam software, or a broken/impatient mail client.',
    whoActs: 'sender-admin',
    action: 'Usually nothing (spam). A legitimate sender\'s administrator must fix the sending software so it waits for the 220 greeting.',
  },
  {
    verdict: 'DENIED_GRAYLISTED', source: 'docs-5.0.1', severity: 'temporary', scope: 'recipient', stockReply: '421', replyText: 'Your address has been graylisted. Try again later.',
    title: 'Graylisted: retry expected',
    meaning: 'This sender/recipient combination was seen for the first time, so it was refused temporarily on purpose. A real mail server retries after some minutes and is then let through; most spam programs never retry. The rest of the connection goes on.',
    cause: 'Graylisting is switched on for this domain and the pair is new (or its entry expired).',
    whoActs: 'nobody',
    action: 'Nothing: wait for the sending server\'s retry, usually within minutes to an hour. Look for a later ALLOWED line for the same sender and recipient.',
  },
  {
    verdict: 'DENIED_HEADER_BLACKLISTED', source: 'docs-5.0.1', severity: 'permanent', scope: 'message', stockReply: '554', replyText: 'Refused. Your message has been blocked due to its content.',
    title: 'Blocked by a header rule',
    meaning: 'A header line of the message matched spamdyke\'s header blacklist, so the message was refused. The reason field names the matching entry or file line.',
    cause: 'A content rule set up on the receiving server.',
    whoActs: 'recipient-admin',
    action: 'If the message was wanted, the receiving server\'s administrator must change the header rule.',
  },
  {
    verdict: 'DENIED_IDENTICAL_SENDER_RECIPIENT', source: 'docs-5.0.1', severity: 'permanent', scope: 'recipient', stockReply: '554', replyText: 'Refused. Identical sender and recipient addresses are not allowed.',
    title: 'Sender equals recipient',
    meaning: 'The sender address is the same as the recipient address. Spam often fakes the recipient\'s own address as sender, so this is refused.',
    cause: 'Usually spam with a forged sender; sometimes a person mailing themselves from an outside server.',
    whoActs: 'sender',
    action: 'Nothing for spam. To mail yourself, send through this server after logging in, or from another address.',
  },
  {
    verdict: 'DENIED_INVALID_RECIPIENT', source: 'docs-5.0.1', severity: 'permanent', scope: 'recipient', stockReply: '554', replyText: 'Refused. The recipient address does not exist.',
    title: 'Recipient does not exist',
    meaning: 'spamdyke\'s own recipient check found no such address on this server, so this recipient was refused. The connection goes on for other recipients.',
    cause: 'A typo, a deleted mailbox, or spam to guessed addresses.',
    whoActs: 'sender',
    action: 'Check the spelling of the address; if it should exist, the domain owner must create the mailbox or alias.',
  },
  {
    verdict: 'DENIED_IP_IN_CC_RDNS', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Refused. Your reverse DNS entry contains your IP address and a country code.',
    title: 'Looks like a home connection (IP in name + country code)',
    meaning: 'The sending server\'s reverse DNS name contains its own IP address and ends in a country code (like "1-2-3-4.dyn.example.de"). Such names belong to home or dynamic connections, which should not send mail directly, so the connection was refused.',
    cause: 'Mail sent directly from a home/office internet line instead of through a proper mail server.',
    whoActs: 'sender-admin',
    action: 'Send through the provider\'s or hosting company\'s outgoing mail server (smarthost), or give the server a proper reverse DNS name.',
  },
  {
    verdict: 'DENIED_IP_IN_RDNS', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Refused. Your reverse DNS entry contains your IP address and a banned keyword.',
    title: 'Looks like a dynamic address (IP in name + keyword)',
    meaning: 'The sending server\'s reverse DNS name contains its IP address and a keyword such as "dynamic", "dsl" or "pool" from spamdyke\'s keyword list. That points to a dial-up or home connection, so the connection was refused. The reason field names the keyword entry.',
    cause: 'Mail sent directly from a dynamic/home connection.',
    whoActs: 'sender-admin',
    action: 'Send through a proper outgoing mail server (smarthost), or give the server a static IP with a proper reverse DNS name.',
  },
  {
    verdict: 'DENIED_OTHER', source: 'docs-5.0.1', severity: 'permanent', scope: 'recipient',
    title: 'Refused by qmail, not by spamdyke',
    meaning: 'spamdyke let this through, but qmail (or chkuser, or another filter behind spamdyke) refused it. The reason field holds that refusal, spaces written as underscores; its reply code says whether it is final (5xx) or retried (4xx).',
    cause: 'Typically an unknown recipient or full mailbox (chkuser), relaying not allowed, or a message size limit.',
    whoActs: 'sender',
    action: 'Read the reason field (and the SMTP log\'s reply for the same second): it says what to fix.',
  },
  {
    verdict: 'DENIED_RBL_MATCH', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Refused. Your IP address is listed in the RBL at ...',
    title: 'IP address on a public blacklist (RBL)',
    meaning: 'The sending server\'s IP address is listed on a DNS blacklist (RBL) this server consults, so the connection was refused. The reason field names the blacklist and the text it returned.',
    cause: 'The IP address sent spam (for example through a hacked account or infected computer) or belongs to a range the list blocks.',
    whoActs: 'sender-admin',
    action: 'The sending server\'s administrator must look the IP address up on the named blacklist\'s web site, remove the cause, and request delisting (or send through another server meanwhile).',
  },
  {
    verdict: 'DENIED_RDNS_MISSING', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '421', replyText: 'Refused. You have no reverse DNS entry.',
    title: 'No reverse DNS for the sending server',
    meaning: 'The sending server\'s IP address has no reverse DNS name (no PTR record) at all, so the connection was refused: proper mail servers have one. A stock spamdyke answers 421 (the sender retries, but retries keep failing until the DNS is fixed); hosting builds answer 554 (final). The SMTP log\'s reply code tells which.',
    cause: 'No PTR record for the sending IP address, typical for home connections and misconfigured servers.',
    whoActs: 'sender-admin',
    action: 'The owner of the sending IP address (its internet or hosting provider) must create a PTR record naming the server, ideally the name it uses in HELO and that resolves back to the IP. Meanwhile send through another outgoing server.',
  },
  {
    verdict: 'DENIED_RDNS_RESOLVE', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '421', replyText: 'Refused. Your reverse DNS entry does not resolve.',
    title: 'Reverse DNS name does not resolve',
    meaning: 'The sending server\'s IP address has a reverse DNS name, but that name does not exist in DNS (it has no address record), so the connection was refused. A stock spamdyke answers 421 (retried); hosting builds may answer 554.',
    cause: 'A PTR record pointing to a name that was never created or was deleted.',
    whoActs: 'sender-admin',
    action: 'The sender\'s administrator must create an address (A/AAAA) record for the reverse DNS name, or change the PTR to a name that exists.',
  },
  {
    verdict: 'DENIED_RECIPIENT_BLACKLISTED', source: 'docs-5.0.1', severity: 'permanent', scope: 'recipient', stockReply: '554', replyText: 'Refused. Mail is not being accepted at this address.',
    title: 'Recipient address blocked',
    meaning: 'The recipient address is on this server\'s recipient blacklist, so mail to it is refused. The reason field names the matching entry.',
    cause: 'The domain owner or administrator closed this address for incoming mail (for example a spam-only address).',
    whoActs: 'recipient-admin',
    action: 'If the address should receive mail, the domain owner or server administrator must remove it from the blacklist.',
  },
  {
    verdict: 'DENIED_REJECT_ALL', source: 'docs-5.0.1', severity: 'permanent', scope: 'message', stockReply: '554', replyText: 'Refused. Mail is not being accepted.',
    title: 'All mail refused',
    meaning: 'spamdyke is configured to refuse all mail for this connection (filter level "reject all").',
    cause: 'A deliberate configuration on the receiving server.',
    whoActs: 'server-admin',
    action: 'Only the receiving server\'s administrator can change it.',
  },
  {
    verdict: 'DENIED_RELAYING', source: 'docs-5.0.1', severity: 'permanent', scope: 'recipient', stockReply: '554', replyText: 'Refused. Sending to remote addresses (relaying) is not allowed.',
    title: 'Relaying denied',
    meaning: 'The recipient\'s domain is not hosted on this server and the client is not allowed to send onward (relay): it did not log in. The connection goes on for other recipients.',
    cause: 'A mail program sending to outside addresses without logging in, or an abuse attempt to use the server as open relay.',
    whoActs: 'sender',
    action: 'Log in to send through this server (enable SMTP authentication, port 587 or 465). If the recipient domain should be hosted here, its owner must set up mail for it.',
  },
  {
    verdict: 'DENIED_RHSBL_MATCH', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Refused. Your domain name is listed in the RHSBL at ...',
    title: 'Domain on a public domain blacklist (RHSBL)',
    meaning: 'The sender\'s domain, or the domain of the sending server\'s reverse DNS name, is listed on a domain blacklist (RHSBL), so the connection was refused. The reason field names the list and its text.',
    cause: 'The domain was used for spam or is considered abusive by the list.',
    whoActs: 'sender-admin',
    action: 'The domain owner must check the named list\'s web site for the reason and request removal.',
  },
  {
    verdict: 'DENIED_SENDER_BLACKLISTED', source: 'docs-5.0.1', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Refused. Your sender address has been blacklisted.',
    title: 'Sender address blocked',
    meaning: 'The sender address is on this server\'s sender blacklist, so the message was refused. The reason field names the matching entry.',
    cause: 'The receiving side blocked this sender on purpose.',
    whoActs: 'recipient-admin',
    action: 'If the sender is wanted, the recipient\'s domain owner or the server administrator must remove the entry.',
  },
  {
    verdict: 'DENIED_SENDER_NO_MX', source: 'docs-5.0.1', severity: 'temporary', scope: 'connection', stockReply: '421', replyText: 'Refused. The domain of your sender address has no mail exchanger (MX).',
    title: 'Sender domain cannot receive mail (no MX)',
    meaning: 'The domain of the sender address has no mail exchanger (MX record), so replies and bounces could not be delivered; spamdyke treats the sender as invalid. The stock reply is temporary (421): the sending server retries, which helps only if the DNS problem was passing.',
    cause: 'A made-up sender domain (spam), or a real domain whose DNS lacks MX records.',
    whoActs: 'sender-admin',
    action: 'The sender\'s domain owner must publish MX records for the domain (or send from an address whose domain has them).',
  },
  {
    verdict: 'DENIED_SENDER_NOT_AUTH', source: 'docs-5.0.1', severity: 'permanent', scope: 'message', stockReply: '554', replyText: 'Refused. Your sender address does not match your authentication username.',
    title: 'Sender address does not match the login',
    meaning: 'The client logged in as one mailbox but used a different sender address, which this server does not allow.',
    cause: 'The mail program\'s sender address differs from its login, or a hacked account sends with forged senders.',
    whoActs: 'sender',
    action: 'Use the logged-in mailbox\'s own address as sender, or log in with the account of the address you send from.',
  },
  {
    verdict: 'DENIED_SENDER_NOT_LOCAL', source: 'docs-5.0.1', severity: 'permanent', scope: 'message', stockReply: '554', replyText: 'Refused. Mail for your sender domain is not hosted here.',
    title: 'Sender domain not hosted here',
    meaning: 'The sender\'s domain is not hosted on this server, and this server only lets local domains send through it.',
    cause: 'Sending through the wrong server for the sender\'s domain.',
    whoActs: 'sender',
    action: 'Send through the outgoing server that hosts your domain.',
  },
  {
    verdict: 'DENIED_TOO_MANY_RECIPIENTS', source: 'docs-5.0.1', severity: 'temporary', scope: 'recipient', stockReply: '421', replyText: 'Too many recipients. Try the remaining addresses again later.',
    title: 'Too many recipients in one connection',
    meaning: 'The limit of recipients per connection was reached, so this recipient was refused for now. The connection goes on; the sending server should deliver the remaining recipients in a later connection.',
    cause: 'A message (or connection) with more recipients than the server\'s max-recipients setting.',
    whoActs: 'nobody',
    action: 'Normally nothing: the sending server retries the rest. Mass mailings should be sent in smaller batches or through a mailing-list service.',
  },
  {
    verdict: 'DENIED_UNAVAILABLE_RECIPIENT', source: 'docs-5.0.1', severity: 'permanent', scope: 'recipient', stockReply: '554', replyText: 'Refused. The recipient is not accepting mail right now.',
    title: 'Recipient not accepting mail',
    meaning: 'spamdyke\'s recipient check reports that this address exists but is not receiving mail at this time (for example disabled or over quota). The connection goes on for other recipients.',
    cause: 'A disabled, suspended or otherwise unavailable mailbox.',
    whoActs: 'recipient-admin',
    action: 'The mailbox owner or the domain\'s hosting customer must make the mailbox available again (enable it, free space).',
  },
  {
    verdict: 'DENIED_UNPARSEABLE', source: 'source-only', severity: 'permanent', scope: 'connection', stockReply: '554', replyText: 'Unable to parse input. Please verify input format is correct.',
    title: 'Input could not be parsed',
    meaning: 'spamdyke could not make sense of what the client sent. This code appears in spamdyke 5 source code but not in its documentation\'s list of log codes.',
    cause: 'Broken client software or a non-SMTP client.',
    whoActs: 'sender-admin',
    action: 'The sender\'s administrator must fix the sending software.',
  },
  {
    verdict: 'DENIED_UNQUALIFIED_RECIPIENT', source: 'docs-5.0.1', severity: 'permanent', scope: 'recipient', stockReply: '554', replyText: 'Improper recipient address. Try supplying a domain name.',
    title: 'Recipient without a domain',
    meaning: 'The recipient address has no domain part (nothing after an @), so it was refused. The connection goes on.',
    cause: 'An incomplete address typed in the mail program.',
    whoActs: 'sender',
    action: 'Write the full address, including @ and the domain.',
  },
  {
    verdict: 'DENIED_ZERO_RECIPIENTS', source: 'docs-5.0.1', severity: 'permanent', scope: 'message', stockReply: '554', replyText: 'Refused. You must specify at least one valid recipient.',
    title: 'No valid recipient left',
    meaning: 'The client tried to send the message although none of its recipients had been accepted, so the message was refused.',
    cause: 'A follow-up of earlier refusals: every recipient was refused before.',
    whoActs: 'nobody',
    action: 'Look at the refusals of the recipients earlier in the same connection; they explain the problem.',
  },
  {
    verdict: 'FAILED_AUTH', source: 'docs-5.0.1', severity: 'permanent', stockReply: '535', replyText: 'Refused. Authentication failed.',
    title: 'Login failed',
    meaning: 'The client tried to log in (SMTP AUTH) but the user name or password was wrong.',
    cause: 'Wrong or outdated password in the mail program, wrong user name, or someone guessing passwords.',
    whoActs: 'sender',
    action: 'Check user name (usually the full address) and password in the mail program. Many failures from unknown IP addresses mean password guessing: use strong passwords.',
  },
  {
    verdict: 'FAILED_TLS', source: 'docs-5.0.1', severity: 'temporary', stockReply: '454', replyText: 'Failed to negotiate TLS connection.',
    title: 'Encryption could not be started',
    meaning: 'The client asked for an encrypted connection (TLS) but the negotiation failed.',
    cause: 'Client and server share no TLS version or cipher, or a certificate problem on the server.',
    whoActs: 'server-admin',
    action: 'If legitimate clients are affected, the server administrator must check the TLS certificate and settings; old clients may need updating.',
  },
  {
    verdict: 'TIMEOUT', source: 'docs-5.0.1', severity: 'temporary', scope: 'connection', stockReply: '421', replyText: 'Timeout. Talk faster next time.',
    title: 'Connection timed out',
    meaning: 'The connection went on too long in total or stayed idle too long, so spamdyke closed it. If it was going to be refused anyway, the reason field holds the code of that refusal. A real mail server retries later.',
    cause: 'A slow or stalled client or network, or a spam program that stopped answering.',
    whoActs: 'nobody',
    action: 'Usually nothing. If the reason field names another code, that one is the real refusal.',
  },
  {
    verdict: 'TLS_ENCRYPTED', source: 'docs-5.0.1', severity: 'info', scope: 'connection',
    title: 'Encrypted directly with qmail',
    meaning: 'The client started encryption (TLS) with qmail itself, not with spamdyke, so spamdyke could not see inside the connection: sender and recipients are unknown to it and it could not check them.',
  },
  {
    verdict: 'UNKNOWN_AUTH', source: 'docs-5.0.1', severity: 'permanent', stockReply: '504', replyText: 'Refused. Unknown authentication method.',
    title: 'Unknown login method',
    meaning: 'The client asked for a login method spamdyke does not support (it knows LOGIN, PLAIN and CRAM-MD5).',
    cause: 'An unusual authentication setting in the mail program.',
    whoActs: 'sender',
    action: 'Choose "normal password" (PLAIN/LOGIN) authentication in the mail program.',
  },
];

/** Spelling used in the README's "SMTP Error Codes" table for two of the log codes. */
export const SPAMDYKE_VERDICT_ALIASES: Readonly<Record<string, string>> = {
  FAILURE_AUTH: 'FAILED_AUTH',
  FAILURE_TLS: 'FAILED_TLS',
};

interface SpamdykeFilterRow { code: string; meaning: string; relatedVerdict?: string }

/** "FILTER_*" lines (log level verbose): which check fired. Names taken from spamdyke.h (4.x and 5.x). */
export const SPAMDYKE_FILTER_MESSAGES: readonly SpamdykeFilterRow[] = [
  { code: 'FILTER_RDNS_MISSING', meaning: 'the sending IP address has no reverse DNS name', relatedVerdict: 'DENIED_RDNS_MISSING' },
  { code: 'FILTER_RDNS_RESOLVE', meaning: 'the reverse DNS name does not resolve', relatedVerdict: 'DENIED_RDNS_RESOLVE' },
  { code: 'FILTER_IP_IN_CC_RDNS', meaning: 'the reverse DNS name contains the IP address and ends in a country code', relatedVerdict: 'DENIED_IP_IN_CC_RDNS' },
  { code: 'FILTER_IP_IN_RDNS_BLACKLIST', meaning: 'the reverse DNS name contains the IP address and a blacklisted keyword', relatedVerdict: 'DENIED_IP_IN_RDNS' },
  { code: 'FILTER_IP_IN_RDNS_WHITELIST', meaning: 'the reverse DNS name contains the IP address and a whitelisted keyword, so it is let through' },
  { code: 'FILTER_WHITELIST_NAME', meaning: 'the reverse DNS name is on the whitelist, so the checks are skipped' },
  { code: 'FILTER_BLACKLIST_NAME', meaning: 'the reverse DNS name is on the blacklist', relatedVerdict: 'DENIED_BLACKLIST_NAME' },
  { code: 'FILTER_WHITELIST_IP', meaning: 'the IP address is on the whitelist, so the checks are skipped' },
  { code: 'FILTER_BLACKLIST_IP', meaning: 'the IP address is on the blacklist', relatedVerdict: 'DENIED_BLACKLIST_IP' },
  { code: 'FILTER_RWL_MATCH', meaning: 'the IP address is on a DNS whitelist (RWL), so it is trusted' },
  { code: 'FILTER_RHSWL_MATCH', meaning: 'the domain is on a DNS domain whitelist (RHSWL), so it is trusted' },
  { code: 'FILTER_RBL_MATCH', meaning: 'the IP address is on a DNS blacklist (RBL)', relatedVerdict: 'DENIED_RBL_MATCH' },
  { code: 'FILTER_RHSBL_MATCH', meaning: 'the domain is on a DNS domain blacklist (RHSBL)', relatedVerdict: 'DENIED_RHSBL_MATCH' },
  { code: 'FILTER_EARLYTALKER', meaning: 'the client talked before the greeting', relatedVerdict: 'DENIED_EARLYTALKER' },
  { code: 'FILTER_SENDER_WHITELIST', meaning: 'the sender address is on the whitelist' },
  { code: 'FILTER_SENDER_BLACKLIST', meaning: 'the sender address is on the blacklist', relatedVerdict: 'DENIED_SENDER_BLACKLISTED' },
  { code: 'FILTER_AUTH_REQUIRED', meaning: 'a login is required but the client did not log in', relatedVerdict: 'DENIED_AUTH_REQUIRED' },
  { code: 'FILTER_SENDER_NO_MX', meaning: 'the sender domain has no MX record', relatedVerdict: 'DENIED_SENDER_NO_MX' },
  { code: 'FILTER_SENDER_NOT_LOCAL', meaning: 'the sender domain is not hosted here', relatedVerdict: 'DENIED_SENDER_NOT_LOCAL' },
  { code: 'FILTER_SENDER_NOT_AUTH', meaning: 'the sender address does not match the login name', relatedVerdict: 'DENIED_SENDER_NOT_AUTH' },
  { code: 'FILTER_SENDER_NOT_AUTH_DOMAIN', meaning: 'the sender domain does not match the domain of the login name', relatedVerdict: 'DENIED_SENDER_NOT_AUTH' },
  { code: 'FILTER_RECIPIENT_WHITELIST', meaning: 'the recipient address is on the whitelist' },
  { code: 'FILTER_UNQUALIFIED_RECIPIENT', meaning: 'the recipient address has no domain', relatedVerdict: 'DENIED_UNQUALIFIED_RECIPIENT' },
  { code: 'FILTER_RECIPIENT_BLACKLIST', meaning: 'the recipient address is on the blacklist', relatedVerdict: 'DENIED_RECIPIENT_BLACKLISTED' },
  { code: 'FILTER_RELAYING', meaning: 'relaying was refused', relatedVerdict: 'DENIED_RELAYING' },
  { code: 'FILTER_RELAY_IP', meaning: 'the IP address is allowed to relay' },
  { code: 'FILTER_RDNS_NAME', meaning: 'the reverse DNS name is allowed to relay' },
  { code: 'FILTER_TOO_MANY_RECIPIENTS', meaning: 'the recipient limit was reached', relatedVerdict: 'DENIED_TOO_MANY_RECIPIENTS' },
  { code: 'FILTER_GRAYLISTED', meaning: 'the sender/recipient pair is graylisted', relatedVerdict: 'DENIED_GRAYLISTED' },
  { code: 'FILTER_ALLOW_ALL', meaning: 'the configuration allows all mail for this connection' },
  { code: 'FILTER_REJECT_ALL', meaning: 'the configuration rejects all mail for this connection', relatedVerdict: 'DENIED_REJECT_ALL' },
  { code: 'FILTER_OTHER', meaning: 'qmail (behind spamdyke) refused; its answer is shown', relatedVerdict: 'DENIED_OTHER' },
  { code: 'FILTER_IDENTICAL_SENDER_RECIPIENT', meaning: 'sender and recipient are the same address', relatedVerdict: 'DENIED_IDENTICAL_SENDER_RECIPIENT' },
  { code: 'FILTER_INVALID_RECIPIENT', meaning: 'the recipient address does not exist', relatedVerdict: 'DENIED_INVALID_RECIPIENT' },
  { code: 'FILTER_UNAVAILABLE_RECIPIENT', meaning: 'the recipient is not accepting mail now', relatedVerdict: 'DENIED_UNAVAILABLE_RECIPIENT' },
  { code: 'FILTER_HEADER_BLACKLIST', meaning: 'a header line matched the header blacklist', relatedVerdict: 'DENIED_HEADER_BLACKLISTED' },
];

interface SpamdykeFieldRow {
  label: string;
  title: string;
  meaning: string;
  /** Special values spamdyke writes instead of data. */
  values?: Readonly<Record<string, Explanation>>;
}

const UNKNOWN = '(unknown)';

export const SPAMDYKE_FIELDS: readonly SpamdykeFieldRow[] = [
  {
    label: 'from', title: 'Envelope sender',
    meaning: 'The sender address given with MAIL FROM (the envelope, not the From: header the reader sees).',
    values: {
      [UNKNOWN]: { title: 'Sender unknown or empty', meaning: 'spamdyke had no sender address: either the connection ended (or was refused) before MAIL FROM, or the sender was empty on purpose, as for bounces and delivery reports (null sender).', severity: 'info' },
    },
  },
  {
    label: 'to', title: 'Envelope recipient',
    meaning: 'The recipient address this line is about (one line per recipient).',
    values: {
      [UNKNOWN]: { title: 'Recipient unknown', meaning: 'spamdyke had no recipient yet: the connection ended or was refused before RCPT TO, or it was encrypted directly with qmail.', severity: 'info' },
    },
  },
  {
    label: 'origin_ip', title: 'Sending IP address',
    meaning: 'The IP address of the client that connected: the sending mail server on port 25, the user\'s computer or phone on ports 465/587. spamdyke always knows it.',
  },
  {
    label: 'origin_rdns', title: 'Reverse DNS name of the sender',
    meaning: 'The name found by a reverse DNS (PTR) lookup of the sending IP address. Proper mail servers have one that fits their name.',
    values: {
      [UNKNOWN]: { title: 'No reverse DNS name', meaning: 'The sending IP address has no reverse DNS name (or the lookup failed). For a server sending on port 25 this is a bad sign and the reason for DENIED_RDNS_MISSING refusals; for users on ports 465/587 it is normal (home connections).', severity: 'info' },
    },
  },
  {
    label: 'auth', title: 'Login name',
    meaning: 'The user name the client logged in with (SMTP AUTH): the mailbox that sent the message.',
    values: {
      [UNKNOWN]: { title: 'Not logged in', meaning: 'The client did not log in (or the login was handled by qmail where spamdyke could not see it). Normal for server-to-server mail on port 25.', severity: 'info' },
    },
  },
  {
    label: 'encryption', title: 'Encryption of the connection',
    meaning: 'Whether and how the connection was encrypted.',
    values: {
      '(none)': { title: 'Not encrypted', meaning: 'The connection was not encrypted.', severity: 'info' },
      TLS: { title: 'TLS (STARTTLS) via spamdyke', meaning: 'The client switched to encryption with STARTTLS, handled by spamdyke; all checks could run.', severity: 'info' },
      SSL: { title: 'SSL/TLS from the start (SMTPS)', meaning: 'The connection was encrypted from the first byte (SMTPS, normally port 465), handled by spamdyke; all checks could run.', severity: 'info' },
      SMTPS: { title: 'SSL/TLS from the start (SMTPS)', meaning: 'The connection was encrypted from the first byte (port 465). spamdyke itself writes this as "SSL".', severity: 'info' },
      TLS_PASSTHROUGH: { title: 'TLS handled by qmail', meaning: 'The client started encryption with qmail, not spamdyke; spamdyke only passed the encrypted data on and some checks could not run.', severity: 'info' },
      [UNKNOWN]: { title: 'Encryption state unknown', meaning: 'spamdyke could not tell the encryption state.', severity: 'info' },
    },
  },
  {
    label: 'reason', title: 'Reason',
    meaning: 'Why spamdyke decided as it did, spaces written as underscores. For ALLOWED and DENIED_OTHER it is qmail\'s own reply; for spamdyke\'s refusals it names the matching rule, file line or blacklist.',
    values: {
      '(empty)': { title: 'No reason recorded', meaning: 'spamdyke recorded no extra reason for this verdict.', severity: 'info' },
    },
  },
];

const VERDICT_BY_NAME: ReadonlyMap<string, SpamdykeVerdictRow> = new Map(SPAMDYKE_VERDICTS.map((row) => [row.verdict, row]));
const FILTER_BY_CODE: ReadonlyMap<string, SpamdykeFilterRow> = new Map(SPAMDYKE_FILTER_MESSAGES.map((row) => [row.code, row]));
const FIELD_BY_LABEL: ReadonlyMap<string, SpamdykeFieldRow> = new Map(SPAMDYKE_FIELDS.map((row) => [row.label, row]));

export function lookupSpamdykeVerdict(verdict: string): SpamdykeVerdictRow | undefined {
  const name = verdict.trim().toUpperCase();
  return VERDICT_BY_NAME.get(SPAMDYKE_VERDICT_ALIASES[name] ?? name);
}

function rowToExplanation(row: SpamdykeVerdictRow): Explanation {
  const result: Explanation = { title: row.title, meaning: row.meaning, severity: row.severity, reference: DOCS };
  if (row.source === 'docs-4.1.0-only') result.reference = 'spamdyke README 4.1.0, "Log Messages"';
  if (row.source === 'source-only') result.reference = 'spamdyke 5 source (spamdyke.h); not in the documentation';
  if (row.cause) result.cause = row.cause;
  if (row.whoActs) result.whoActs = row.whoActs;
  if (row.action) result.action = row.action;
  if (row.replyText) {
    // Show the stock code only where it agrees with the severity these servers are known to use.
    const code = row.stockReply && severityOfReplyCode(row.stockReply) === row.severity ? `${row.stockReply} ` : '';
    result.meaning += ` The client is told: "${code}${row.replyText}"`;
  }
  return result;
}

export function explainSpamdykeVerdict(verdict: string): Explanation | undefined {
  const token = verdict.trim().split(/\s+/)[0] ?? '';
  if (!token) return undefined;
  const row = lookupSpamdykeVerdict(token);
  if (row) return rowToExplanation(row);

  const upper = token.toUpperCase();
  if (/^ERROR\b|^ERROR\(/.test(upper)) {
    return { title: 'spamdyke error message', meaning: 'spamdyke reports a problem of its own (a file it cannot read, a DNS or network error, a failing login helper...). It tries to carry on, preferring to let mail through rather than block everything.', severity: 'info', whoActs: 'server-admin', action: 'The server administrator should read the rest of the line; repeated errors need fixing.', reference: DOCS };
  }
  if (/^(DEBUG|EXCESSIVE)\b|^(DEBUG|EXCESSIVE)\(/.test(upper)) {
    return { title: 'spamdyke debug message', meaning: 'Internal trace output, written only when spamdyke runs with a debug log level. It shows what spamdyke was doing, not a decision about a message.', severity: 'info', reference: DOCS };
  }
  if (upper.startsWith('FILTER_')) {
    const filter = FILTER_BY_CODE.get(upper);
    const related = filter?.relatedVerdict ? lookupSpamdykeVerdict(filter.relatedVerdict) : undefined;
    return {
      title: `spamdyke check fired: ${upper}`,
      meaning: `A verbose-level note saying which check matched: ${filter ? filter.meaning : 'a spamdyke filter (not one we know by name)'}.${related ? ` The verdict line that follows is normally ${related.verdict}.` : ''}`,
      severity: 'info',
      reference: 'spamdyke README 5.0.1 ("log-level verbose"), FILTER names from spamdyke.h',
    };
  }
  if (upper.startsWith('DENIED_')) {
    return {
      title: `spamdyke refused (${upper})`,
      meaning: 'spamdyke refused this connection, recipient or message with a code we do not know (perhaps from a newer or patched spamdyke). The SMTP log\'s reply for the same second says whether it is final (5xx) or will be retried (4xx).',
      severity: 'permanent',
      whoActs: 'sender-admin',
      action: 'Read the reason field and the SMTP reply text.',
      reference: DOCS,
    };
  }
  if (upper.startsWith('ALLOWED')) {
    return { title: `spamdyke let it through (${upper})`, meaning: 'spamdyke allowed this; the exact code is not one we know.', severity: 'ok', reference: DOCS };
  }
  return undefined;
}

const QUEUED_REPLY = /^250 ok (\d+) qp (\d+)\b/i;

export function explainSpamdykeField(label: string, value: string): Explanation | undefined {
  const row = FIELD_BY_LABEL.get(label.trim().replace(/:$/, '').toLowerCase());
  if (!row) return undefined;
  const raw = value.trim();
  const special = row.values?.[raw] ?? row.values?.[raw.toUpperCase()];
  if (special) return { ...special, reference: DOCS };

  if (row.label === 'reason' && raw) {
    const text = underscoresToSpaces(raw);
    const queued = QUEUED_REPLY.exec(text);
    if (queued) {
      return {
        title: 'qmail queued the message',
        meaning: `qmail's reply "${text}": the message was accepted into the queue at ${queued[1]} (Unix time, UTC) by the queue process ${queued[2]}. The same reply closes the message's group in the SMTP log.`,
        severity: 'ok',
        reference: DOCS,
      };
    }
    const code = /^([2-5]\d\d)\b/.exec(text)?.[1];
    const verdict = lookupSpamdykeVerdict(raw.split(/\s+/)[0] ?? '');
    if (verdict) {
      return { title: `Real reason: ${verdict.verdict}`, meaning: `The connection timed out, but it would have been refused anyway: ${verdict.title.toLowerCase()}.`, severity: verdict.severity, reference: DOCS };
    }
    return {
      title: code ? `Reply ${code} from qmail` : 'Reason',
      meaning: `${row.meaning} Here: "${text}".`,
      severity: (code && severityOfReplyCode(code)) || 'info',
      reference: DOCS,
    };
  }
  return { title: row.title, meaning: row.meaning, severity: 'info', reference: DOCS };
}
