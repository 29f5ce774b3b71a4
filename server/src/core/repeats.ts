// Two downloads of the same log in one folder (`smtp_25.log` and `smtp_25 (1).log`, fetched a
// few days apart) overlap: the later one starts with lines the earlier one ends with. Counted
// twice, every message there would be doubled and every link ambiguous. This finds such a
// repeated head, byte for byte, so that the index can count those lines once.
import * as fs from 'fs';
import { countLineBreaks, CR, firstLineBreakEnd, lastLineBreakEnd, LF } from './lineBreaks';
import { blockRange, LINE_BLOCK, ParsedLogFile } from './model';

/** Lines [0, lines) of a file are, byte for byte, lines [fromLine, fromLine + lines) of `of`. */
export interface Repeat {
  of: string;
  fromLine: number;
  lines: number;
}

/** Lines [line, end) of a file are lines [fromLine, ...) of `by`, whose records there are counted. */
export interface RepeatedTail {
  by: string;
  fromLine: number;
  line: number;
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
  // The byte search works on the files as they are; a UTF-16 file's offsets are of its transcoding.
  if (newer.parsed.encoding || older.parsed.encoding) return undefined;
  const a = await fs.promises.open(older.path, 'r');
  const b = await fs.promises.open(newer.path, 'r');
  try {
    // The first line (with the next ones while they are short: a blank line recurs everywhere)
    // is searched for; each place it stands in the other file is compared on to the end.
    let length = 0;
    while (length < MIN_NEEDLE && length < newer.parsed.byteLength) {
      const next = await lineEnd(b, length, Math.min(newer.parsed.byteLength, length + CHUNK), newer.parsed.byteLength);
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
      const length = same === newer.parsed.byteLength ? same : await lastLineEnd(b, same, newer.parsed.byteLength);
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
      const before = at === 0 ? LF : i > 0 ? buf[i - 1] : await byteAt(fh, at - 1);
      // After '\n', or after a '\r' that is not the first half of a '\r\n'.
      if (before === LF || (before === CR && needle[0] !== LF)) return at;
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
 * The end (just after its line break) of the line that starts at `from`, read up to `limit`; 0
 * if none ends there. One byte past a chunk is read to tell a '\r' alone from a '\r\n'.
 */
async function lineEnd(fh: fs.promises.FileHandle, from: number, limit: number, size: number): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK + 1);
  for (let pos = from; pos < limit; pos += CHUNK) {
    const n = Math.min(CHUNK, limit - pos);
    const { bytesRead } = await fh.read(buf, 0, Math.min(n + 1, size - pos), pos);
    if (!bytesRead) break;
    const end = firstLineBreakEnd(buf, 0, bytesRead);
    if (end >= 0 && end <= n + (buf[n - 1] === CR ? 1 : 0)) return pos + end;
    // A '\r' as the file's last byte ends its last line.
    if (bytesRead === size - pos && buf[bytesRead - 1] === CR && bytesRead <= n) return pos + bytesRead;
  }
  return 0;
}

/**
 * The end of the last whole line within [0, length) of a file of `size` bytes (just after its
 * line break), or 0. A '\r' as the last byte counts if no '\n' follows it in the file.
 */
async function lastLineEnd(fh: fs.promises.FileHandle, length: number, size: number): Promise<number> {
  if (length > 0 && (await byteAt(fh, length - 1)) === CR && (length === size || (await byteAt(fh, length)) !== LF)) return length;
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let end = length; end > 0;) {
    const start = Math.max(0, end - CHUNK);
    await fh.read(buf, 0, end - start, start);
    // The chunk after this one held no line break, so it does not start with '\n'.
    if (end < length && buf[end - start - 1] === CR) return end;
    const brk = lastLineBreakEnd(buf, 0, end - start);
    if (brk >= 0) return start + brk;
    end = start;
  }
  return 0;
}

/** Lines that start within [0, length) of a file, `length` being just after a '\n' or the file's end. */
async function countLines(fh: fs.promises.FileHandle, length: number): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK);
  let lines = 0, last = LF;
  for (let pos = 0; pos < length;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, length - pos), pos);
    if (!bytesRead) break;
    lines += countLineBreaks(buf, 0, bytesRead, last === CR);
    last = buf[bytesRead - 1];
    pos += bytesRead;
  }
  return last === LF || last === CR ? lines : lines + 1;
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
  const { start, firstLine } = blockRange(parsed, lo * LINE_BLOCK, lo * LINE_BLOCK + 1);
  const buf = Buffer.allocUnsafe(offset - start);
  await fh.read(buf, 0, buf.length, start);
  return firstLine + countLineBreaks(buf, 0, buf.length);
}

/**
 * The first line of the first record of a file that starts within its repeated head but ends
 * after it: a transaction the earlier download caught only in part (it ends there), and which
 * this file holds whole. Undefined when the repeat ends between records.
 */
export function straddlingRecordStart(parsed: ParsedLogFile, lines: number): number | undefined {
  for (const t of [parsed.smtp, parsed.delivery]) {
    if (!t) continue;
    let n = 0;
    while (n < t.count && t.lastLine[n] < lines) n++;
    if (n < t.count && t.firstLine[n] < lines) return t.firstLine[n];
  }
  return undefined;
}

/** The tables of a file without the records that start at or after `line` (see straddlingRecordStart). */
export function withoutRecordsFrom(parsed: ParsedLogFile, line: number): ParsedLogFile {
  return keepRows(parsed, (starts, _ends, count) => {
    let n = count;
    while (n > 0 && starts[n - 1] >= line) n--;
    return [0, n];
  });
}

/**
 * The tables of a file without the records that lie wholly within its first `lines` lines (a
 * repeat): the lines stay, their records are counted in the file they repeat.
 */
export function withoutRepeatedRecords(parsed: ParsedLogFile, lines: number): ParsedLogFile {
  return keepRows(parsed, (_starts, ends, count) => {
    let n = 0;
    while (n < count && ends[n] < lines) n++;
    return [n, count];
  });
}

/**
 * The tables with rows [from, to) of each kept, `pick` choosing them from the rows' first and
 * last lines (rows are in line order). Per-recipient and per-attempt columns stay whole: rows
 * index into them.
 */
function keepRows(parsed: ParsedLogFile, pick: (starts: Uint32Array, ends: Uint32Array, count: number) => [number, number]): ParsedLogFile {
  const out: ParsedLogFile = { ...parsed };
  if (parsed.smtp) {
    const t = parsed.smtp, [a, b] = pick(t.firstLine, t.lastLine, t.count);
    out.smtp = { ...t, count: b - a, firstLine: t.firstLine.subarray(a, b), lastLine: t.lastLine.subarray(a, b), start: t.start.subarray(a, b), end: t.end.subarray(a, b),
      sender: t.sender.subarray(a, b), queueLine: t.queueLine.subarray(a, b), queueTime: t.queueTime.subarray(a, b), epoch: t.epoch.subarray(a, b), qp: t.qp.subarray(a, b),
      lastCode: t.lastCode.subarray(a, b), lastReplyLine: t.lastReplyLine.subarray(a, b), rcptStart: t.rcptStart.subarray(a, b), rcptCount: t.rcptCount.subarray(a, b) };
  }
  if (parsed.delivery) {
    const t = parsed.delivery, [a, b] = pick(t.firstLine, t.lastLine, t.count);
    out.delivery = { ...t, count: b - a, firstLine: t.firstLine.subarray(a, b), lastLine: t.lastLine.subarray(a, b), initLine: t.initLine.subarray(a, b),
      sender: t.sender.subarray(a, b), time: t.time.subarray(a, b), attStart: t.attStart.subarray(a, b), attCount: t.attCount.subarray(a, b) };
  }
  if (parsed.spamdyke) {
    const t = parsed.spamdyke, [a, b] = pick(t.line, t.line, t.count), d = t.diagnostics, [da, db] = pick(d.line, d.line, d.count);
    out.spamdyke = { ...t, count: b - a, line: t.line.subarray(a, b), verdict: t.verdict.subarray(a, b), sender: t.sender.subarray(a, b),
      recipient: t.recipient.subarray(a, b), hasEnvelope: t.hasEnvelope.subarray(a, b), ip: t.ip.subarray(a, b), month: t.month.subarray(a, b), day: t.day.subarray(a, b),
      secondsOfDay: t.secondsOfDay.subarray(a, b), year: t.year.subarray(a, b), qp: t.qp.subarray(a, b), epoch: t.epoch.subarray(a, b),
      pid: t.pid.length ? t.pid.subarray(a, b) : t.pid,
      diagnostics: { count: db - da, line: d.line.subarray(da, db), pid: d.pid.subarray(da, db), month: d.month.subarray(da, db), day: d.day.subarray(da, db),
        secondsOfDay: d.secondsOfDay.subarray(da, db), year: d.year.subarray(da, db) } };
  }
  return out;
}
