// What hovers say about the surroundings of a token: its time in UTC and local time, how many
// messages share an address or IP, and the closing line that places the hover in its message.
import { Message, messageRecipients } from '../core/correlate';
import { addressKey, isAscii, otherSpelling } from '../core/addressKey';
import { fieldText, normalizeAddress } from '../core/entry';
import { parseLine } from '../core/fileParser';
import { LineKind } from '../core/model';
import { IndexedFile, Snapshot } from '../core/snapshot';
import { formatLocal, formatUtcOffset } from '../core/time';
import { offsetAtLocal, offsetAtUtc, UtcOffset } from '../core/utcOffset';
import { messageTitle } from './describe';
import { explainNullSender } from '../knowledge';
import { escapeMarkdown, explanationBlocks, labelled, lineLink } from './hoverMarkdown';
import { LineReader } from './lineText';
import { messageParts } from './locations';

function formatOffset(seconds: number): string {
  return `UTC${formatUtcOffset(seconds)}`;
}

/**
 * The offset in force and how it was found, e.g. "UTC+02:00, derived from 12 of 12 queue replies
 * that carry UTC"; where the download spans a change of offset, which one and when.
 */
function offsetWords(o: UtcOffset, seconds: number): string {
  const found = `derived from ${o.agreeing} of ${o.total} queue replies that carry UTC`;
  if (o.periods.length < 2) return `${formatOffset(seconds)}, ${found}`;
  const changes = o.periods.slice(1).map((p) => `${formatOffset(p.seconds)} from ${formatLocal(p.fromUtc + p.seconds)}`).join(', ');
  return `${formatOffset(seconds)} at this time; the server's offset changes in this download (daylight saving time): ${formatOffset(o.periods[0].seconds)} at first, ${changes}; ${found}`;
}

/** A local time of a file's log with its UTC equivalent when the offset is known. */
export function localTimeWords(snap: Snapshot, file: IndexedFile, local: number): string {
  if (Number.isNaN(local)) return 'no usable time';
  const o = snap.utcOffsetOf(file);
  const shown = `${formatLocal(local)} server local time`;
  if (!o) return `${shown} (UTC offset unknown: no queue reply carries UTC)`;
  const seconds = offsetAtLocal(o, local);
  return `${shown} = ${formatLocal(local - seconds)} UTC (${offsetWords(o, seconds)})`;
}

/** A Unix time (UTC) with its equivalent in the local time of a file's log when the offset is known. */
export function epochWords(snap: Snapshot, file: IndexedFile, epoch: number): string {
  const o = snap.utcOffsetOf(file);
  const utc = `${formatLocal(epoch)} UTC`;
  if (!o) return `${utc} (the log's UTC offset is unknown)`;
  const seconds = offsetAtUtc(o, epoch);
  return `${utc} = ${formatLocal(epoch + seconds)} in the log's local time (${offsetWords(o, seconds)})`;
}

const addressCounts = new WeakMap<Snapshot, Map<string, number>>();

/** How many messages have the address as sender or recipient. */
export function messagesWithAddress(snap: Snapshot, address: string): number {
  let counts = addressCounts.get(snap);
  if (!counts) {
    counts = new Map();
    const c = snap.correlation;
    for (let i = 0; i < snap.messageCount; i++) {
      const sender = c.msgSender[i] >= 0 ? c.strings.get(c.msgSender[i]) : '';
      // Keyed by spelling-independent form: one message may spell a domain two ways.
      const seen = new Set(messageRecipients(c, i).map(addressKey));
      if (sender) seen.add(addressKey(sender));
      for (const a of seen) counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    addressCounts.set(snap, counts);
  }
  return counts.get(addressKey(address.toLowerCase())) ?? 0;
}

const ipMessages = new WeakMap<Snapshot, Map<string, Set<number>>>();
const SCAN_CHUNK_LINES = 5000;

/** How many messages involve the IP, from spamdyke's origin_ip and chkuser's check lines. */
export function messagesWithIp(snap: Snapshot, reader: LineReader, ip: string): number {
  let byIp = ipMessages.get(snap);
  if (!byIp) {
    byIp = collectIps(snap, reader);
    ipMessages.set(snap, byIp);
  }
  return byIp.get(ip)?.size ?? 0;
}

function collectIps(snap: Snapshot, reader: LineReader): Map<string, Set<number>> {
  const byIp = new Map<string, Set<number>>();
  const note = (ip: string, owner: number) => {
    if (!ip) return;
    const set = byIp.get(ip) ?? new Set<number>();
    set.add(owner);
    byIp.set(ip, set);
  };
  // From the index's tables and line owners: building every message here would be wasted work.
  const strings = snap.correlation.strings;
  for (const file of snap.files) {
    const y = file.parsed.spamdyke;
    for (let r = 0; y && r < y.count; r++) {
      const owner = snap.messageIndexAt(file.path, y.line[r]);
      if (owner >= 0) note(strings.get(y.ip[r]), owner);
    }
    if (file.format === 'smtp') collectCheckLineIps(snap, file, reader, note);
  }
  return byIp;
}

function collectCheckLineIps(snap: Snapshot, file: IndexedFile, reader: LineReader, note: (ip: string, owner: number) => void): void {
  const count = file.parsed.lineCount;
  for (let from = 0; from < count; from += SCAN_CHUNK_LINES) {
    const to = Math.min(count, from + SCAN_CHUNK_LINES);
    let lines: string[] | undefined;
    for (let l = from; l < to; l++) {
      if (snap.lineKind(file, l) !== LineKind.SmtpCheck) continue;
      const owner = snap.messageIndexAt(file.path, l);
      if (owner < 0) continue;
      lines ??= reader.range(file, from, to);
      const text = lines[l - from] ?? '';
      for (const e of parseLine('smtp', text).entries) note(fieldText(text, e, 'ip') ?? '', owner);
    }
  }
}

const MAX_LINKS = 8;

/** Links to the other parts of the message (the part holding the hovered line left out). */
export function relatedLinks(snap: Snapshot, m: Message, file: IndexedFile, line: number): string[] {
  return messageParts(snap, m)
    .filter((p) => !(p.file.id === file.id && line >= p.first && line <= p.last))
    .slice(0, MAX_LINKS)
    .map((p) => lineLink(p.file.path, p.first));
}

/** The first line of a message in any log, for a link to it. */
export function firstLineOf(snap: Snapshot, m: Message): { file: IndexedFile; line: number } | undefined {
  const part = messageParts(snap, m)[0];
  return part ? { file: part.file, line: part.first } : undefined;
}

/** The closing line of every hover: which message the line belongs to and where its other lines are. */
export function messageLine(snap: Snapshot, m: Message | undefined, file: IndexedFile, line: number): string {
  if (!m) return `**Message:** ${escapeMarkdown('this line is not linked to any message.')}`;
  const links = relatedLinks(snap, m, file, line);
  const where = links.length ? ` · ${escapeMarkdown('related lines:')} ${links.join(' ')}` : ` · ${escapeMarkdown('no lines in the other logs')}`;
  const bounce = m.bounceOf !== undefined ? ` · ${escapeMarkdown('a bounce')}` : '';
  const ambiguous = m.ambiguous?.length ? ` · ${escapeMarkdown('⚠ some links were a guess among equal candidates')}` : '';
  return `**Message:** ${escapeMarkdown(messageTitle(m))}${bounce}${ambiguous}${where}`;
}

/** What an envelope address is, how many messages involve it; the null sender explained. */
export function addressBlocks(snap: Snapshot, raw: string, role: string): string[] {
  const address = normalizeAddress(raw);
  if (address === '' && /sender/.test(role)) return explanationBlocks(explainNullSender());
  const n = messagesWithAddress(snap, address);
  const other = otherSpelling(address);
  return [
    labelled(`${role}:`, address || '(none)'),
    ...(other ? [escapeMarkdown(`Also written ${other}, with the domain in ${isAscii(other) ? 'ASCII (punycode)' : 'Unicode'}. The logs may spell it either way; both count as this address.`)] : []),
    escapeMarkdown(`${n} message${n === 1 ? ' in all logs has' : 's in all logs have'} this address as sender or recipient.`),
  ];
}
