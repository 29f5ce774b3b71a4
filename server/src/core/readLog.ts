// Reading logs from disk (or from an editor's text) into ParsedLogFile, in chunks, so files of
// hundreds of MB are parsed without holding them whole and without blocking for long.
import * as fs from 'fs';
import { LogFormat } from './entry';
import { LogFileParser } from './fileParser';
import { ParsedLogFile } from './model';
import { detectFormat } from './detect';

const CHUNK = 4 * 1024 * 1024;
export const SNIFF_BYTES = 16 * 1024;

/** Feeds a buffer's complete lines to the parser; returns the offset after the last line break. */
function feedLines(parser: LogFileParser, buf: Buffer, end: number, baseOffset: number, final: boolean): number {
  let pos = 0;
  // One decode per chunk: when the chunk is ASCII, character and byte offsets agree.
  const text = buf.toString('utf8', 0, end);
  const ascii = text.length === end;
  let charPos = 0;
  for (;;) {
    const nl = text.indexOf('\n', charPos);
    if (nl < 0) break;
    let lineEnd = nl;
    if (lineEnd > charPos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    const lineStart = baseOffset === 0 && charPos === 0 && text.charCodeAt(0) === 0xfeff ? 1 : charPos;
    parser.pushLine(text.slice(lineStart, lineEnd), baseOffset + pos);
    pos += ascii ? nl + 1 - charPos : Buffer.byteLength(text.slice(charPos, nl + 1));
    charPos = nl + 1;
  }
  if (final && charPos < text.length) {
    let lineEnd = text.length;
    if (text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    const lineStart = baseOffset === 0 && charPos === 0 && text.charCodeAt(0) === 0xfeff ? 1 : charPos;
    parser.pushLine(text.slice(lineStart, lineEnd), baseOffset + pos);
    pos = end;
  }
  return pos;
}

/** Bytes of the last complete line in buf[0, len): one past the last '\n', or 0. */
function lastBreak(buf: Buffer, len: number): number {
  const i = buf.lastIndexOf(10, len - 1);
  return i < 0 ? 0 : i + 1;
}

export interface ReadOptions {
  /** Called between chunks; an async caller can yield to its event loop here. */
  between?: () => Promise<void>;
}

export async function readLogFile(path: string, format: LogFormat, fileId: number, options: ReadOptions = {}): Promise<ParsedLogFile> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const parser = new LogFileParser(format, fileId, size);
    let buf = Buffer.allocUnsafe(CHUNK);
    let carry = 0;
    let fileOffset = 0;
    let consumedOffset = 0;
    for (;;) {
      if (carry === buf.length) {
        // One line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, carry, buf.length - carry, fileOffset);
      fileOffset += bytesRead;
      const len = carry + bytesRead;
      const final = bytesRead === 0;
      const cut = final ? len : lastBreak(buf, len);
      const used = feedLines(parser, buf, cut, consumedOffset, final);
      consumedOffset += used;
      if (final) break;
      buf.copy(buf, 0, cut, len);
      carry = len - cut;
      if (options.between) await options.between();
    }
    return parser.finish(consumedOffset);
  } finally {
    await fh.close();
  }
}

export function parseLogText(text: string, format: LogFormat, fileId: number): ParsedLogFile {
  const buf = Buffer.from(text, 'utf8');
  const parser = new LogFileParser(format, fileId, buf.length);
  const used = feedLines(parser, buf, buf.length, 0, true);
  return parser.finish(used);
}

/** Reads the first bytes of a file and decides its format; undefined for non-logs and unreadable files. */
export async function sniffFile(path: string): Promise<LogFormat | undefined> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(path, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    if (buf.subarray(0, bytesRead).includes(0)) return undefined;
    return detectFormat(buf.toString('utf8', 0, bytesRead));
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}

/** Reads lines [from, to) of a file on disk, using the byte offsets kept from parsing. */
export function readLinesSync(path: string, parsed: ParsedLogFile, from: number, to: number): string[] {
  const start = parsed.lineOffsets[from];
  const end = parsed.lineOffsets[Math.min(to, parsed.lineCount)];
  const buf = Buffer.allocUnsafe(Math.max(0, end - start));
  const fd = fs.openSync(path, 'r');
  try {
    fs.readSync(fd, buf, 0, buf.length, start);
  } finally {
    fs.closeSync(fd);
  }
  const lines = buf.toString('utf8').split('\n');
  if (lines.length > to - from) lines.length = to - from;
  return lines.map((l, i) => (i === 0 && from === 0 ? l.replace(/^\ufeff/, '') : l).replace(/\r$/, ''));
}
