// Words for messages and outcomes, shared by symbols, hints, hovers and the timeline.
import { Message, Outcome } from '../core/correlate';
import { formatLocal } from '../core/time';

export const OUTCOME_LABEL: Record<Outcome, string> = {
  'delivered': 'delivered',
  'deferred-delivered': 'delivered after deferral',
  'failed': 'failed',
  'pending': 'pending (no final delivery in the log)',
  'rejected-spamdyke': 'rejected by spamdyke',
  'rejected-smtp': 'rejected by qmail/chkuser',
  'no-envelope': 'connection without a message',
};

export function addressLabel(a: string | undefined): string {
  if (a === undefined) return '(unknown sender)';
  return a === '' ? '<> (null sender)' : a;
}

export function recipientsLabel(m: Message, max = 3): string {
  if (!m.recipients.length) return '(no recipient)';
  const shown = m.recipients.slice(0, max).join(', ');
  return m.recipients.length > max ? `${shown} +${m.recipients.length - max}` : shown;
}

/** e.g. `2021-03-09 12:43:51 correspondent@… → recipient@example.com · delivered` */
export function messageTitle(m: Message): string {
  const time = Number.isNaN(m.time) ? '(no time)' : formatLocal(m.time);
  return `${time} ${addressLabel(m.sender)} → ${recipientsLabel(m)} · ${OUTCOME_LABEL[m.outcome]}`;
}

/** How the message was delivered, in a few words: "delivered locally", "delivered to a remote server". */
export function deliverySummary(m: Message): string {
  const attempts = m.delivery.flatMap((g) => g.attempts);
  if (!attempts.length) return OUTCOME_LABEL[m.outcome];
  const channels = new Set(attempts.map((a) => a.channel));
  const where = channels.size > 1 ? 'locally and remotely' : channels.has('local') ? 'locally' : channels.has('remote') ? 'to a remote server' : '';
  return `${OUTCOME_LABEL[m.outcome]}${where && (m.outcome === 'delivered' || m.outcome === 'deferred-delivered') ? ` ${where}` : ''}`;
}
