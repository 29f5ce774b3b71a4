// qmail-send's delivery results: the three outcomes, the "did" counters of local deliveries and the
// report texts of remote deliveries. Facts from qmail's sources (qmail-send.c, qmail-local.c,
// qmail-remote.c) and man pages (qmail-send(8) on queuelifetime); explanations are our own words.

import { Explanation, findEnhancedStatus, findReplyCode, underscoresToSpaces } from './common';

export type DeliveryOutcome = 'success' | 'deferral' | 'failure';

/** qmail-send retries a deferred message when (sqrt(age) + step)^2 seconds have passed since it was queued. */
export const RETRY_STEP_SECONDS = { local: 10, remote: 20 } as const;
/** control/queuelifetime default: one week. */
export const DEFAULT_QUEUE_LIFETIME_SECONDS = 604800;

export const DELIVERY_OUTCOMES: Readonly<Record<DeliveryOutcome, Explanation>> = {
  success: {
    title: 'Delivered',
    meaning: 'This delivery attempt worked. For a local recipient the message was stored, forwarded or passed to a program (the "did" counters tell which); for a remote recipient the other server accepted it, and from then on it is that server\'s responsibility.',
    severity: 'ok',
    reference: 'qmail-send(8), qmail-log(5)',
  },
  deferral: {
    title: 'Delivery postponed (temporary failure)',
    meaning: 'This attempt failed for a temporary reason. qmail keeps the message in its queue and tries again later, on a schedule that grows with the message\'s age: for remote recipients after about 7 min, 27 min, 1 h, 1 h 47, 2 h 47, 4 h ... from queueing (local ones faster). When the message is older than the queue lifetime (7 days by default) qmail makes one last attempt and turns a further temporary failure into a permanent one, which bounces.',
    severity: 'temporary',
    cause: 'The reason text says what failed: an unreachable or refusing server, graylisting, a full mailbox that answered with 4xx, a DNS failure...',
    whoActs: 'nobody',
    action: 'Usually nothing: look for a later "try" of the same recipient. If deferrals go on for hours, fix what the reason text names.',
    reference: 'qmail-send(8) (queuelifetime), qmail-send.c (retry schedule)',
  },
  failure: {
    title: 'Delivery failed for good',
    meaning: 'This recipient got a permanent failure. qmail stops trying and sends a bounce (a failure notice quoting the reason) to the envelope sender; the bounce is a new message with an empty sender <>. If the failed message was itself a bounce, the notice goes to the postmaster instead (double bounce).',
    severity: 'permanent',
    cause: 'The reason text says why: unknown address, refused by the remote server, a domain that does not exist, too long in the queue...',
    whoActs: 'sender',
    action: 'Read the reason text, fix what it names (often the address), then send the message again.',
    reference: 'qmail-send(8), qmail-send.c',
  },
};

const OUTCOME_ALIASES: Readonly<Record<string, DeliveryOutcome>> = {
  success: 'success', delivered: 'success',
  deferral: 'deferral', deferred: 'deferral', defer: 'deferral',
  failure: 'failure', failed: 'failure', fail: 'failure',
};

export function explainDeliveryOutcome(outcome: string): Explanation | undefined {
  const key = OUTCOME_ALIASES[outcome.trim().toLowerCase()];
  return key ? { ...DELIVERY_OUTCOMES[key] } : undefined;
}

/**
 * Counters of a local delivery. qmail-local prints them as "did M+F+P": first deliveries into a
 * mailbox file or Maildir, then forwards, then programs run (count_file, count_forward,
 * count_program in qmail-local.c).
 */
export interface DidCounts { forwards: number; programs: number; mailboxes: number }

const DID_PATTERN = /\bdid[ _](\d+)\+(\d+)\+(\d+)/i;

export function decodeDid(text: string): DidCounts | undefined {
  const match = DID_PATTERN.exec(text);
  if (!match) return undefined;
  return { mailboxes: Number(match[1]), forwards: Number(match[2]), programs: Number(match[3]) };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function explainDid(c: DidCounts): Explanation {
  const done: string[] = [];
  if (c.mailboxes > 0) done.push(`stored in ${plural(c.mailboxes, 'mailbox', 'mailboxes')}`);
  if (c.forwards > 0) done.push(`forwarded to ${plural(c.forwards, 'other address', 'other addresses')}`);
  if (c.programs > 0) done.push(`handed to ${plural(c.programs, 'delivery program', 'delivery programs')}`);
  const counters = `did ${c.mailboxes}+${c.forwards}+${c.programs}`;
  const reference = 'qmail-local.c (count_file, count_forward, count_program)';

  if (done.length === 0) {
    return {
      title: 'Nothing delivered (did 0+0+0)',
      meaning: 'The local delivery finished without error but put the message nowhere: no mailbox, no forward, no program. A filter or forwarding rule dropped it, or the address\'s delivery instructions are empty.',
      severity: 'info',
      cause: 'A rule that discards mail (spam filter, "delete" rule, empty .qmail file).',
      whoActs: 'recipient-admin',
      action: 'If the message was wanted, check the mailbox\'s filter, forwarding and spam settings.',
      reference,
    };
  }
  const list = done.length === 1 ? done[0] : `${done.slice(0, -1).join(', ')} and ${done[done.length - 1]}`;
  let meaning = `The local delivery succeeded: the message was ${list} (${counters}: mailboxes + forwards + programs).`;
  if (c.programs > 0) {
    meaning += ` On hosting servers like this one a mailbox is normally filled by a delivery program (the virtual-domain delivery agent), so ${c.programs === 1 && c.mailboxes === 0 && c.forwards === 0 ? 'this usually means the message went into 1 mailbox' : 'program deliveries usually mean mailbox deliveries, plus autoresponders or filters if there are several'}.`;
  }
  if (c.forwards > 0) meaning += ' Forwarded copies are new queue entries; their own deliveries appear further on in the log.';
  return { title: `Delivered locally (${counters})`, meaning, severity: 'ok', reference };
}

export interface RemoteText {
  /** The report with underscores turned back into spaces and its parts joined by spaces. */
  text: string;
  /** The report's lines (qmail writes its line breaks as "/"). */
  parts: string[];
  replyCode?: string;
  enhancedStatus?: string;
  remoteHost?: string;
  /** Report starts with "smtp_auth/": per the project's format notes, the sender had logged in. */
  smtpAuth: boolean;
}

/**
 * Split at the "/" that stands for a line break, but not inside a URL that the remote server put in
 * its reply: a break is followed by an upper-case letter, a digit or the end of the text.
 */
function splitReportLines(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '/') {
      const next = text.charAt(i + 1);
      const word = current.slice(current.lastIndexOf(' ') + 1);
      const breaksLine = (next === '' || /[A-Z0-9 ]/.test(next)) && !word.includes(':/') && !/^https?:?$/i.test(word);
      if (breaksLine) {
        parts.push(current.trim());
        current = '';
        continue;
      }
    }
    current += ch;
  }
  parts.push(current.trim());
  return parts.filter((part) => part.length > 0);
}

const HOST = '([A-Za-z0-9][A-Za-z0-9.:-]*[A-Za-z0-9]|\\[[0-9a-fA-F.:]+\\])';
const HOST_PATTERNS: readonly RegExp[] = [
  new RegExp(`^${HOST} (?:accepted message|does not like recipient|failed on DATA command|failed after I sent the message)`),
  new RegExp(`Connected to ${HOST} but`),
  new RegExp(`Giving up on ${HOST}`),
  new RegExp(`[Rr]emote host ${HOST} said`),
];

export function decodeDeliveryText(text: string): RemoteText {
  let raw = text.trim();
  const smtpAuth = /^smtp[_ ]auth\//i.test(raw);
  if (smtpAuth) raw = raw.replace(/^smtp[_ ]auth\//i, '');
  const spaced = underscoresToSpaces(raw);
  const parts = splitReportLines(spaced);
  const joined = parts.join(' ');
  const result: RemoteText = { text: joined, parts, smtpAuth };

  const replyCode = findReplyCode(parts.join('\n'));
  if (replyCode) result.replyCode = replyCode;
  const afterCode = /said:\s*[2-5]\d\d[ -]#?([245]\.\d{1,3}\.\d{1,3})\b/i.exec(joined)?.[1];
  const enhanced = afterCode ?? findEnhancedStatus(joined);
  if (enhanced) result.enhancedStatus = enhanced;
  for (const part of parts) {
    const host = HOST_PATTERNS.map((pattern) => pattern.exec(part)?.[1]).find((found) => found !== undefined);
    if (host) {
      result.remoteHost = host.replace(/\.$/, '');
      break;
    }
  }
  return result;
}
