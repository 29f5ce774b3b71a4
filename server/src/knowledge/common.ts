// Shared vocabulary of the knowledge base. Pure data types and tiny text helpers: no editor or
// protocol imports, so the tables can be used by the language server, the CLI and tests alike.

/** How an event ended for the message: accepted, retried later, refused for good, or just a note. */
export type Severity = 'ok' | 'temporary' | 'permanent' | 'info';

/** Who can fix the problem. `recipient-admin` also covers the hosting customer who owns the domain. */
export type Actor = 'nobody' | 'sender' | 'sender-admin' | 'recipient' | 'recipient-admin' | 'server-admin';

export interface Explanation {
  title: string;
  meaning: string;
  severity: Severity;
  cause?: string;
  whoActs?: Actor;
  action?: string;
  /** Where the meaning comes from, e.g. 'RFC 5321 §4.2.3' or 'spamdyke 5.0.1 README, Log Messages'. */
  reference?: string;
}

/** The SMTP command a reply answers; `connect` is the greeting, `end-of-data` the final dot. */
export type SmtpStage = 'connect' | 'helo' | 'auth' | 'mail' | 'rcpt' | 'data' | 'end-of-data' | 'unknown';

/** qmail's logs (and spamdyke's reason field) write spaces as underscores; undo that. */
export function underscoresToSpaces(text: string): string {
  return text.replace(/_/g, ' ');
}

/** Severity implied by the first digit of a three-digit SMTP reply code. */
export function severityOfReplyCode(code: string): Severity | undefined {
  switch (code.trim().charAt(0)) {
    case '2': return 'ok';
    case '3': return 'info';
    case '4': return 'temporary';
    case '5': return 'permanent';
    default: return undefined;
  }
}

/** Copy of an explanation with some fields replaced; `undefined` values in the patch are ignored. */
export function withOverrides(base: Explanation, patch: Partial<Explanation> | undefined): Explanation {
  const result: Explanation = { ...base };
  if (!patch) return result;
  for (const [key, value] of Object.entries(patch) as [keyof Explanation, unknown][]) {
    if (value !== undefined) (result as unknown as Record<string, unknown>)[key] = value;
  }
  return result;
}

// A reply code at the start of a line, after "said:", or after a "/" line break of qmail's reports.
const REPLY_CODE_IN_TEXT = /(?:^|said:\s*|\/|\n)\s*([2-5]\d\d)(?=[ -]|$)/i;
// An enhanced status code not embedded in a longer dotted number such as an IP address.
const ENHANCED_STATUS_IN_TEXT = /(?<![\d.])#?([245]\.\d{1,3}\.\d{1,3})(?![\d]|\.\d)/;

/** First SMTP reply code in a server or delivery text, e.g. "550" in "Remote host said: 550 5.1.1 ...". */
export function findReplyCode(text: string): string | undefined {
  return REPLY_CODE_IN_TEXT.exec(text)?.[1];
}

/** First enhanced status code ("5.1.1", also written "#5.1.1") in a text, without the "#". */
export function findEnhancedStatus(text: string): string | undefined {
  return ENHANCED_STATUS_IN_TEXT.exec(text)?.[1];
}
