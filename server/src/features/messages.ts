// The `mailLogs/messages` request: the message timeline for any client (docs/protocol.md).
import { ResponseError, ErrorCodes } from 'vscode-languageserver';
import { Message, Outcome, OUTCOMES } from '../core/correlate';
import { LineKind } from '../core/model';
import { IndexedFile, Snapshot } from '../core/snapshot';
import { formatIso, parseIsoLocal } from '../core/time';
import { offsetAtLocal, offsetAtUtc, UtcOffset } from '../core/utcOffset';
import { LineReader } from './lineText';
import { documentFile, pathToUri, uriToPath } from './locations';
import { messageMatcher } from './workspaceSymbol';

export const MESSAGES_REQUEST = 'mailLogs/messages';

export interface MessagesFilter {
  /** Matched (case-insensitive substring) against addresses, domains, IPs, qp and delivery ids. */
  text?: string;
  outcomes?: Outcome[];
  /** ISO 8601; with an offset it is converted to the logs' local time, without one it is local time. */
  from?: string;
  /** Inclusive upper bound, same forms as `from`. */
  to?: string;
  /** Only messages with a line in this log. */
  uri?: string;
}

export interface MessagesParams {
  filter?: MessagesFilter;
  order?: 'oldest' | 'newest';
  offset?: number;
  limit?: number;
  /** false: leave out each message's events (for a top-level listing). Default true. */
  events?: boolean;
  /** Only these messages (ids from an earlier answer); stale ids fail with ContentModified. */
  ids?: string[];
  /** The message owning this line; the answer's `position` is its rank in the filtered list. */
  at?: { uri: string; line: number };
  /** Add counts by outcome and by local day of the filtered messages. */
  facets?: boolean;
}

export interface MessageEvent {
  time: string;
  kind: string;
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
  /** What the line means, in a few words. */
  summary: string;
}

export interface TimelineMessage {
  id: string;
  time: string;
  sender: string | null;
  recipients: string[];
  outcome: Outcome;
  deferred: boolean;
  ambiguous?: string[];
  /** Number of lines in all logs. */
  lineCount: number;
  events?: MessageEvent[];
}

export interface MessagesResult {
  messages: TimelineMessage[];
  total: number;
  version: number;
  utcOffsetSeconds?: number;
  position?: number;
  counts?: Partial<Record<Outcome, number>>;
  days?: Array<{ day: string; count: number }>;
}

export function messageId(snap: Snapshot, index: number): string {
  return `${snap.version}:${index}`;
}

/** A bound of a time filter: local time of the logs, or (given with an offset) UTC. */
interface TimeBound { local?: number; utc?: number }

/** The bound in the local time of a message's download. */
function localBound(snap: Snapshot, b: TimeBound, i: number): number {
  if (b.utc === undefined) return b.local!;
  const o = snap.utcOffsetOfMessage(i);
  return b.utc + (o ? offsetAtUtc(o, b.utc) : 0);
}

function parseBound(s: string | undefined, end: boolean): TimeBound | undefined {
  if (!s) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) throw new ResponseError(ErrorCodes.InvalidParams, `not an ISO 8601 time: ${s}`);
  const clock = m[2] ? (m[2].length === 5 ? `${m[2]}:${end ? '59' : '00'}` : m[2]) : end ? '23:59:59' : '00:00:00';
  const t = parseIsoLocal(`${m[1]} ${clock}`);
  if (Number.isNaN(t)) throw new ResponseError(ErrorCodes.InvalidParams, `not an ISO 8601 time: ${s}`);
  if (!m[3]) return { local: t };
  const z = m[3] === 'Z' ? 0 : (m[3][0] === '-' ? -1 : 1) * (Number(m[3].slice(1, 3)) * 3600 + Number(m[3].slice(-2)) * 60);
  return { utc: t - z };
}

function messagesInFile(snap: Snapshot, file: IndexedFile): Uint8Array {
  const mark = new Uint8Array(snap.messageCount);
  const owners = snap.correlation.lineOwner.get(file.id);
  if (owners) for (let i = 0; i < owners.length; i++) if (owners[i] >= 0) mark[owners[i]] = 1;
  return mark;
}

/** Indexes of the messages passing the filter, oldest first. */
export function filterMessages(snap: Snapshot, filter: MessagesFilter | undefined): number[] {
  const text = filter?.text?.trim().toLowerCase() ?? '';
  const matches = text ? messageMatcher(snap, text) : undefined;
  const outcomes = filter?.outcomes?.length ? new Set(filter.outcomes) : undefined;
  const from = parseBound(filter?.from, false);
  const to = parseBound(filter?.to, true);
  let inFile: Uint8Array | undefined;
  if (filter?.uri) {
    const file = documentFile(snap, filter.uri);
    if (!file) return [];
    inFile = messagesInFile(snap, file);
  }
  // Outcome and time come from the index's rows: building 120,000 messages per call would cost
  // the server a noticeable share of a core while the timeline polls.
  const out: number[] = [];
  for (let i = 0; i < snap.messageCount; i++) {
    if (inFile && !inFile[i]) continue;
    if (matches && !matches(i)) continue;
    if (outcomes && !outcomes.has(snap.outcomeOf(i))) continue;
    const time = snap.timeOf(i);
    if (from && !(time >= localBound(snap, from, i))) continue;
    if (to && !(time <= localBound(snap, to, i))) continue;
    out.push(i);
  }
  return out;
}

const FORMAT_RANK: Record<string, number> = { smtp: 0, spamdyke: 1, delivery: 2 };

const KIND_NAME: Partial<Record<LineKind, string>> = {
  [LineKind.SmtpFrom]: 'smtp.from', [LineKind.SmtpTo]: 'smtp.to', [LineKind.SmtpResp]: 'smtp.resp',
  [LineKind.SmtpCheck]: 'smtp.check', [LineKind.SmtpSize]: 'smtp.size', [LineKind.SmtpOther]: 'smtp.other',
  [LineKind.DeliveryInit]: 'delivery.init', [LineKind.DeliveryTry]: 'delivery.try',
  [LineKind.DeliveryResult]: 'delivery.result', [LineKind.DeliveryOther]: 'delivery.other',
};

function eventKind(file: IndexedFile, kind: LineKind, text: string): string {
  if (file.format === 'spamdyke') {
    // The code only: `ERROR(nihdns_query()@dns.c:412):` is an ERROR.
    const verdict = /spamdyke\[\d+\]:\s+([A-Za-z][A-Za-z0-9_]*)/.exec(text)?.[1];
    return verdict ? `spamdyke.${verdict}` : 'spamdyke';
  }
  return KIND_NAME[kind] ?? file.format;
}

const REPLY_CLASS: Record<string, string> = { '2': 'accepted', '3': 'go on', '4': 'temporarily refused', '5': 'refused' };

/** A one-line meaning of a log line, from its kind and text. */
export function eventSummary(kind: string, text: string): string {
  const rest = (n: number) => text.split(', ').slice(n).join(', ');
  switch (kind) {
    case 'smtp.from': return `sender ${rest(2) || '<> (null sender)'}`;
    case 'smtp.to': return `recipient ${rest(2).replace(/^<|>$/g, '')}`;
    case 'smtp.resp': {
      const reply = rest(2);
      if (/^250 ok \d+ qp \d+/.test(reply)) return `queued (${reply.replace(/^250 ok \d+ /, '')})`;
      return `reply ${reply.slice(0, 3)}: ${REPLY_CLASS[reply[0]] ?? 'reply'}${reply.length > 3 && !/^\d{3} ok$/.test(reply) ? ` – ${reply.slice(4, 80)}` : ''}`;
    }
    case 'smtp.check': {
      const parts = text.split(', ');
      return `chkuser: ${parts[2] ?? ''} ${parts[4] ?? ''}${parts[5] ? ` (${parts.slice(5).join(', ')})` : ''}`.trim();
    }
    case 'smtp.size': return `size ${rest(2)} bytes`;
    case 'delivery.init': return `entered the queue, sender ${rest(2)}`;
    case 'delivery.try': {
      const parts = text.split(', ');
      return `${parts[3] ?? ''} delivery attempt ${parts[2] ?? ''} to ${parts[4] ?? ''}`;
    }
    case 'delivery.result': {
      const parts = text.split(', ');
      const verdict = parts[3] ?? '';
      const detail = (parts.slice(4).join(', ') ?? '').replace(/_/g, ' ').replace(/\/$/, '');
      const word = verdict === 'success' ? 'delivered' : verdict === 'deferral' ? 'deferred, will retry' : verdict === 'failure' ? 'failed permanently' : verdict;
      return `attempt ${parts[2] ?? ''} ${word}${detail ? `: ${detail.slice(0, 80)}` : ''}`;
    }
  }
  if (kind.startsWith('spamdyke.')) {
    const verdict = kind.slice(9);
    if (verdict === 'ALLOWED') return 'spamdyke let the message through';
    if (verdict === 'TIMEOUT') return 'spamdyke: the connection timed out';
    if (verdict === 'DENIED_OTHER') return 'spamdyke: refused by qmail behind it';
    if (verdict.startsWith('DENIED_')) return `spamdyke refused it: ${verdict.slice(7).toLowerCase().replace(/_/g, ' ')}`;
    // Diagnostic lines: what follows the code, e.g. `ip: 203.0.113.9 rbl: zen.example`.
    const detail = /spamdyke\[\d+\]:\s+\S+\s*(.*)$/.exec(text)?.[1].slice(0, 80) ?? '';
    if (verdict.startsWith('FILTER_')) return `spamdyke check: ${verdict.slice(7).toLowerCase().replace(/_/g, ' ')}${detail ? ` (${detail})` : ''}`;
    if (verdict === 'ERROR') return `spamdyke error${detail ? `: ${detail}` : ''}`;
    if (verdict === 'DEBUG' || verdict === 'EXCESSIVE') return `spamdyke debug output${detail ? `: ${detail}` : ''}`;
    return `spamdyke: ${verdict}`;
  }
  return text.slice(0, 80);
}

/** ISO 8601 of a local time of a download, with its offset at that time. */
function isoTime(offset: UtcOffset | undefined, local: number): string {
  if (Number.isNaN(local)) return '';
  return formatIso(local, offset && offsetAtLocal(offset, local));
}

/** A message's lines from all logs as events, in time order. */
export function messageEvents(snap: Snapshot, reader: LineReader, m: Message): MessageEvent[] {
  const refs = snap.linesOf(m);
  const offset = snap.utcOffsetOfMessage(m.index);
  const texts = new Map<string, string>();
  // Read runs of consecutive lines of one file at once.
  for (let i = 0; i < refs.length;) {
    let j = i + 1;
    while (j < refs.length && refs[j].file === refs[i].file && refs[j].line === refs[j - 1].line + 1) j++;
    const lines = reader.range(refs[i].file, refs[i].line, refs[j - 1].line + 1);
    for (let k = i; k < j; k++) texts.set(`${refs[k].file.id}:${refs[k].line}`, lines[k - i] ?? '');
    i = j;
  }
  const rows = refs.map((r) => {
    const text = texts.get(`${r.file.id}:${r.line}`) ?? '';
    const t = snap.lineTime(r.file, r.line, text);
    return { r, t: Number.isNaN(t) ? m.time : t, text };
  });
  rows.sort((a, b) => a.t - b.t || FORMAT_RANK[a.r.file.format] - FORMAT_RANK[b.r.file.format]
    || (a.r.file.path < b.r.file.path ? -1 : a.r.file.path > b.r.file.path ? 1 : 0) || a.r.line - b.r.line);
  return rows.map(({ r, t, text }) => {
    const kind = eventKind(r.file, snap.lineKind(r.file, r.line), text);
    return {
      time: isoTime(offset, t),
      kind,
      uri: pathToUri(r.file.path),
      range: { start: { line: r.line, character: 0 }, end: { line: r.line, character: text.length } },
      text,
      summary: eventSummary(kind, text),
    };
  });
}

function toTimeline(snap: Snapshot, reader: LineReader, i: number, withEvents: boolean): TimelineMessage {
  const m = snap.message(i);
  const out: TimelineMessage = {
    id: messageId(snap, i),
    time: isoTime(snap.utcOffsetOfMessage(i), m.time),
    sender: m.sender ?? null,
    recipients: m.recipients,
    outcome: m.outcome,
    deferred: m.deferred,
    lineCount: snap.linesOf(m).length,
  };
  if (m.ambiguous?.length) out.ambiguous = m.ambiguous;
  if (withEvents) out.events = messageEvents(snap, reader, m);
  return out;
}

function parseId(snap: Snapshot, id: string): number {
  const m = /^(\d+):(\d+)$/.exec(String(id));
  if (!m) throw new ResponseError(ErrorCodes.InvalidParams, `not a message id: ${id}`);
  if (Number(m[1]) !== snap.version) throw new ResponseError(-32801 /* ContentModified */, `message id ${id} is from an older index (now ${snap.version})`);
  const i = Number(m[2]);
  if (i >= snap.messageCount) throw new ResponseError(ErrorCodes.InvalidParams, `no message ${id}`);
  return i;
}

export function listMessages(snap: Snapshot, reader: LineReader, raw: unknown): MessagesResult {
  const params = (raw && typeof raw === 'object' ? raw : {}) as MessagesParams;
  const withEvents = params.events !== false;
  const offset = snap.correlation.utcOffset?.seconds;
  const base = { version: snap.version, ...(offset !== undefined ? { utcOffsetSeconds: offset } : {}) };
  if (params.ids) {
    const list = params.ids.map((id) => parseId(snap, id));
    return { ...base, messages: list.map((i) => toTimeline(snap, reader, i, withEvents)), total: list.length };
  }
  let selected = filterMessages(snap, params.filter);
  if (params.order === 'newest') selected.reverse();
  const result: MessagesResult = { ...base, messages: [], total: selected.length };
  if (params.facets) {
    const counts: Partial<Record<Outcome, number>> = {};
    const days = new Map<string, number>();
    for (const i of selected) {
      const outcome = snap.outcomeOf(i);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      const time = snap.timeOf(i);
      const day = Number.isNaN(time) ? '' : formatIso(Math.floor(time / 86400) * 86400, undefined).slice(0, 10);
      days.set(day, (days.get(day) ?? 0) + 1);
    }
    result.counts = Object.fromEntries(OUTCOMES.filter((o) => counts[o]).map((o) => [o, counts[o]]));
    result.days = [...days].map(([day, count]) => ({ day, count }));
  }
  if (params.at) {
    const p = uriToPath(params.at.uri);
    const m = p ? snap.messageAt(p, params.at.line) : undefined;
    result.position = m ? selected.indexOf(m.index) : -1;
    result.messages = m ? [toTimeline(snap, reader, m.index, withEvents)] : [];
    return result;
  }
  const start = Math.max(0, Math.floor(params.offset ?? 0));
  const end = params.limit === undefined || params.limit === null ? selected.length : start + Math.max(0, Math.floor(params.limit));
  selected = selected.slice(start, end);
  result.messages = selected.map((i) => toTimeline(snap, reader, i, withEvents));
  return result;
}
