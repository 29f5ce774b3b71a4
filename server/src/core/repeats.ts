// Two downloads of the same log in one folder (`smtp_25.log` and `smtp_25 (1).log`, fetched a
// few days apart) overlap: the later one starts with lines the earlier one ends with. Counted
// twice, every message there would be doubled and every link ambiguous. This finds such a
// repeated head, byte for byte, so that the index can count those lines once.
import * as fs from 'fs';
import { blockRange, ParsedLogFile } from './model';

/** Lines [0, lines) of a file are, byte for byte, lines [fromLine, fromLine + lines) of `of`. */
export interface Repeat {
  of: string;
  fromLine: number;
  lines: number;
}

const CHUNK = 1024 * 1024;
const MIN_NEEDLE = 64;

interface LogOnDisk {
  path: string;
  parsed: ParsedLogFile;
}

/** First, earliest and latest time of a file's records (spamdyke: without the year); undefined without times. */
export interface TimeSpan {
  first: number;
  min: number;
  max: number;
}

export function timeSpan(parsed: ParsedLogFile): TimeSpan | undefined {
  let first = NaN, min = Infinity, max = -Infinity;
  const see = (t: number) => {
    if (!t) return;
    if (Number.isNaN(first)) first = t;
    if (t < min) min = t;
    if (t > max) max = t;
  };
  const s = parsed.smtp, d = parsed.delivery, y = parsed.spamdyke;
  if (s) for (let i = 0; i < s.count; i++) see(s.start[i]);
  if (d) for (let i = 0; i < d.count; i++) see(d.time[i]);
  if (y) for (let i = 0; i < y.count; i++) see(((y.month[i] * 32 + y.day[i]) * 86400) + y.secondsOfDay[i] + 1);
  return Number.isNaN(first) ? undefined : { first, min, max };
}

/** Whether `newer` can start inside `older` by their times: files of other days are never read. */
export function mayOverlap(newer: TimeSpan | undefined, older: TimeSpan | undefined): boolean {
  return !newer || !older || (newer.first >= older.min && newer.first <= older.max);
}

/**
 * A cheap test on the tables, before any file is read: can `newer` start with a part of
 * `older`? One of the first two SMTP transactions or delivery groups of `newer` (the first may
 * be cut, the second may come after the repeat), or its first spamdyke line, must have a twin
 * in `older`.
 */
export function mayRepeat(newer: ParsedLogFile, older: ParsedLogFile): boolean {
  const s = newer.smtp, os = older.smtp;
  if (s && os) {
    for (let r = 0; r < Math.min(2, s.count); r++) {
      for (let i = 0; i < os.count; i++) if (os.start[i] === s.start[r] && os.sender[i] === s.sender[r] && os.rcptCount[i] === s.rcptCount[r]) return true;
    }
    return false;
  }
  const d = newer.delivery, od = older.delivery;
  if (d && od) {
    for (let r = 0; r < Math.min(2, d.count); r++) {
      for (let i = 0; i < od.count; i++) if (od.time[i] === d.time[r] && od.sender[i] === d.sender[r] && od.attCount[i] === d.attCount[r]) return true;
    }
    return false;
  }
  const y = newer.spamdyke, oy = older.spamdyke;
  if (y && oy) {
    if (!y.count) return false;
    for (let i = 0; i < oy.count; i++) {
      if (oy.secondsOfDay[i] === y.secondsOfDay[0] && oy.day[i] === y.day[0] && oy.month[i] === y.month[0] && oy.verdict[i] === y.verdict[0]
        && oy.sender[i] === y.sender[0] && oy.recipient[i] === y.recipient[0]) return true;
    }
  }
  return false;
}

/** Whether `newer` starts with lines that `older` holds (from some line on to its end). */
export async function findRepeat(newer: LogOnDisk, older: LogOnDisk): Promise<Repeat | undefined> {
  if (newer.parsed.byteLength === 0 || older.parsed.byteLength === 0) return undefined;
  const a = await fs.promises.open(older.path, 'r');
  const b = await fs.promises.open(newer.path, 'r');
  try {
    // The first line (with the next ones while they are short: a blank line recurs everywhere)
    // is searched for; each place it stands in the other file is compared on to the end.
    let length = 0;
    while (length < MIN_NEEDLE && length < newer.parsed.byteLength) {
      const next = await lastLineEnd(b, Math.min(newer.parsed.byteLength, length + CHUNK), true, length);
      if (next <= length) break;
      length = next;
    }
    if (length <= 0) return undefined;
    const firstLine = Buffer.alloc(length);
    await b.read(firstLine, 0, length, 0);
    return await searchFrom(a, older, b, newer, firstLine);
  } finally {
    await a.close();
    await b.close();
  }
}

/** The first place in `older` where `newer` (which starts with `needle`) goes on to its end. */
async function searchFrom(a: fs.promises.FileHandle, older: LogOnDisk, b: fs.promises.FileHandle, newer: LogOnDisk, needle: Buffer): Promise<Repeat | undefined> {
  for (let from = 0; ;) {
    const at = await find(a, older.parsed.byteLength, needle, from);
    if (at < 0) return undefined;
    const same = await sameBytes(a, at, b, 0, Math.min(older.parsed.byteLength - at, newer.parsed.byteLength));
    if (same > 0) {
      // The repeat ends at the last whole line both files share.
      const length = same === newer.parsed.byteLength ? same : await lastLineEnd(b, same);
      const lines = await countLines(b, length);
      if (lines > 0) return { of: older.path, fromLine: await lineAt(a, older.parsed, at), lines };
    }
    from = at + 1;
  }
}

/** The offset of the first occurrence of `needle` at a line start at or after `from`, or -1. */
async function find(fh: fs.promises.FileHandle, size: number, needle: Buffer, from: number): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK + needle.length);
  for (let pos = from; pos < size;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
    if (bytesRead < needle.length) return -1;
    let i = buf.subarray(0, bytesRead).indexOf(needle);
    while (i >= 0) {
      const at = pos + i;
      if (at === 0 || (await byteAt(fh, at - 1)) === 10) return at;
      i = buf.subarray(0, bytesRead).indexOf(needle, i + 1);
    }
    if (pos + bytesRead >= size) return -1;
    pos += bytesRead - needle.length + 1;
  }
  return -1;
}

async function byteAt(fh: fs.promises.FileHandle, at: number): Promise<number> {
  const one = Buffer.alloc(1);
  await fh.read(one, 0, 1, at);
  return one[0];
}

/** `length` if a[at, at + length) equals b[bt, bt + length), else 0. */
async function sameBytes(a: fs.promises.FileHandle, at: number, b: fs.promises.FileHandle, bt: number, length: number): Promise<number> {
  const x = Buffer.allocUnsafe(CHUNK), y = Buffer.allocUnsafe(CHUNK);
  // Small steps first: a false candidate differs soon.
  for (let done = 0, step = 4096; done < length; step = Math.min(CHUNK, step * 4)) {
    const n = Math.min(step, length - done);
    const [ra, rb] = await Promise.all([a.read(x, 0, n, at + done), b.read(y, 0, n, bt + done)]);
    if (ra.bytesRead !== n || rb.bytesRead !== n || !x.subarray(0, n).equals(y.subarray(0, n))) return 0;
    done += n;
  }
  return length;
}

/**
 * The end of the last whole line within [0, length) of a file (just after its '\n'); with
 * `first`, of the first one that starts at `from`.
 */
async function lastLineEnd(fh: fs.promises.FileHandle, length: number, first = false, from = 0): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK);
  if (first) {
    for (let pos = from; pos < length; pos += CHUNK) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, length - pos), pos);
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) return pos + nl + 1;
      if (!bytesRead) break;
    }
    return 0;
  }
  for (let end = length; end > 0;) {
    const start = Math.max(0, end - CHUNK);
    await fh.read(buf, 0, end - start, start);
    const nl = buf.subarray(0, end - start).lastIndexOf(10);
    if (nl >= 0) return start + nl + 1;
    end = start;
  }
  return 0;
}

/** Lines that start within [0, length) of a file, `length` being just after a '\n' or the file's end. */
async function countLines(fh: fs.promises.FileHandle, length: number): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK);
  let lines = 0, last = 10;
  for (let pos = 0; pos < length;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, length - pos), pos);
    if (!bytesRead) break;
    for (let i = buf.indexOf(10, 0); i >= 0 && i < bytesRead; i = buf.indexOf(10, i + 1)) lines++;
    last = buf[bytesRead - 1];
    pos += bytesRead;
  }
  return last === 10 ? lines : lines + 1;
}

/** The line that starts at byte `offset` of a parsed file. */
async function lineAt(fh: fs.promises.FileHandle, parsed: ParsedLogFile, offset: number): Promise<number> {
  const offsets = parsed.blockOffsets;
  let lo = 0, hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  const { start, firstLine } = blockRange(parsed, lo * 16, lo * 16 + 1);
  const buf = Buffer.allocUnsafe(offset - start);
  await fh.read(buf, 0, buf.length, start);
  let line = firstLine;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) line++;
  return line;
}

/**
 * The tables of a file without the records that lie wholly within its first `lines` lines (a
 * repeat): the lines stay, their records are counted in the file they repeat. Rows are in line
 * order, so those records are a prefix of each table.
 */
export function withoutRepeatedRecords(parsed: ParsedLogFile, lines: number): ParsedLogFile {
  const prefix = (ends: Uint32Array, count: number) => {
    let n = 0;
    while (n < count && ends[n] < lines) n++;
    return n;
  };
  const out: ParsedLogFile = { ...parsed };
  if (parsed.smtp) {
    const t = parsed.smtp, n = prefix(t.lastLine, t.count);
    out.smtp = { ...t, count: t.count - n, firstLine: t.firstLine.subarray(n), lastLine: t.lastLine.subarray(n), start: t.start.subarray(n), end: t.end.subarray(n),
      sender: t.sender.subarray(n), queueLine: t.queueLine.subarray(n), queueTime: t.queueTime.subarray(n), epoch: t.epoch.subarray(n), qp: t.qp.subarray(n),
      lastCode: t.lastCode.subarray(n), lastReplyLine: t.lastReplyLine.subarray(n), rcptStart: t.rcptStart.subarray(n), rcptCount: t.rcptCount.subarray(n) };
  }
  if (parsed.delivery) {
    const t = parsed.delivery, n = prefix(t.lastLine, t.count);
    out.delivery = { ...t, count: t.count - n, firstLine: t.firstLine.subarray(n), lastLine: t.lastLine.subarray(n), initLine: t.initLine.subarray(n),
      sender: t.sender.subarray(n), time: t.time.subarray(n), attStart: t.attStart.subarray(n), attCount: t.attCount.subarray(n) };
  }
  if (parsed.spamdyke) {
    const t = parsed.spamdyke, n = prefix(t.line, t.count), d = t.diagnostics, dn = prefix(d.line, d.count);
    out.spamdyke = { ...t, count: t.count - n, line: t.line.subarray(n), verdict: t.verdict.subarray(n), sender: t.sender.subarray(n),
      recipient: t.recipient.subarray(n), hasEnvelope: t.hasEnvelope.subarray(n), ip: t.ip.subarray(n), month: t.month.subarray(n), day: t.day.subarray(n),
      secondsOfDay: t.secondsOfDay.subarray(n), year: t.year.subarray(n), qp: t.qp.subarray(n), epoch: t.epoch.subarray(n),
      pid: t.pid.length ? t.pid.subarray(n) : t.pid,
      diagnostics: { count: d.count - dn, line: d.line.subarray(dn), pid: d.pid.subarray(dn), month: d.month.subarray(dn), day: d.day.subarray(dn),
        secondsOfDay: d.secondsOfDay.subarray(dn), year: d.year.subarray(dn) } };
  }
  return out;
}
