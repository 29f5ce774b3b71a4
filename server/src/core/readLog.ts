// Reading logs from disk (or from an editor's text) into ParsedLogFile, in chunks, so files of
// hundreds of MB are scanned without holding them whole and without blocking for long.
import * as fs from 'fs';
import { Interner } from './columns';
import { LogFormat } from './entry';
import { ParsedLogFile, Utf16Encoding } from './model';
import { detectFormat } from './detect';
import { lastLineBreakEnd } from './lineBreaks';
import { LogScanner } from './scan';

// 1 MB chunks: measured against 4 MB, they lower the CLI's peak by about 8 MiB at the same speed.
const CHUNK = 1024 * 1024;
// The tables are sized for the whole file once this much of it has been scanned.
const RESERVE_AFTER = 4 * 1024 * 1024;
export const SNIFF_BYTES = 16 * 1024;
const BINARY_SNIFF_BYTES = 512;

export interface ReadOptions {
  /**
   * Called between chunks; an async caller can yield to its event loop here. Without it, chunks
   * are read synchronously: no thread-pool round trip per chunk, which scanned faster.
   */
  between?: () => Promise<void>;
}

/**
 * A log saved as UTF-16 (Windows tools do that: Notepad's "Unicode", PowerShell 5's `>`): by its
 * byte-order mark, or, without one, by the zero bytes every other byte of ASCII text has in it.
 * Undefined for UTF-8 and ASCII, which the byte scanner reads as they are.
 */
export function utf16Encoding(head: Buffer): Utf16Encoding | undefined {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const pairs = Math.min(256, head.length >> 1);
  if (pairs < 8) return undefined;
  let evenZeros = 0, oddZeros = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) evenZeros++;
    if (head[2 * i + 1] === 0) oddZeros++;
  }
  if (oddZeros >= pairs * 0.9 && evenZeros === 0) return 'utf-16le';
  if (evenZeros >= pairs * 0.9 && oddZeros === 0) return 'utf-16be';
  return undefined;
}

/** The text of UTF-16 bytes, without the byte-order mark (as editors show it). */
export function decodeUtf16(bytes: Uint8Array, encoding: Utf16Encoding): string {
  return new TextDecoder(encoding).decode(bytes);
}

export async function readLogFile(path: string, format: LogFormat, strings: Interner, options: ReadOptions = {}): Promise<ParsedLogFile> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const encoding = utf16Encoding(head.subarray(0, (await fh.read(head, 0, head.length, 0)).bytesRead));
    if (encoding) {
      // Rare and small: decoded whole, and scanned as UTF-8. Offsets then point into that UTF-8
      // text, so its lines are read back by decoding the file again (features/lineText.ts).
      const parsed = parseLogText(decodeUtf16(await fh.readFile(), encoding), format, strings);
      parsed.encoding = encoding;
      return parsed;
    }
    const size = (await fh.stat()).size;
    const scanner = new LogScanner(format, strings, size);
    let buf = Buffer.allocUnsafe(CHUNK);
    let carry = 0;
    let fileOffset = 0;
    let consumed = 0;
    for (;;) {
      if (carry === buf.length) {
        // One line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const bytesRead = options.between
        ? (await fh.read(buf, carry, buf.length - carry, fileOffset)).bytesRead
        : fs.readSync(fh.fd, buf, carry, buf.length - carry, fileOffset);
      fileOffset += bytesRead;
      const len = carry + bytesRead;
      if (bytesRead === 0) {
        if (len > 0) scanner.scan(buf, 0, len, consumed);
        consumed += len;
        break;
      }
      // Cut after the last line break ('\n', or a lone '\r': a file may end its lines with '\r').
      const cut = Math.max(0, lastLineBreakEnd(buf, 0, len));
      if (cut > 0) scanner.scan(buf, 0, cut, consumed);
      if (consumed < RESERVE_AFTER && consumed + cut >= RESERVE_AFTER) scanner.reserveFor(size, consumed + cut);
      consumed += cut;
      buf.copy(buf, 0, cut, len);
      carry = len - cut;
      if (options.between) await options.between();
    }
    return scanner.finish(consumed);
  } finally {
    await fh.close();
  }
}

export function parseLogText(text: string, format: LogFormat, strings: Interner): ParsedLogFile {
  const buf = Buffer.from(text, 'utf8');
  const scanner = new LogScanner(format, strings, buf.length);
  scanner.scan(buf, 0, buf.length, 0);
  return scanner.finish(buf.length);
}

/** Reads the first bytes of a file and decides its format; undefined for non-logs and unreadable files. */
export async function sniffFile(path: string): Promise<LogFormat | undefined> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(path, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    const head = buf.subarray(0, bytesRead);
    const encoding = utf16Encoding(head);
    // A cut last character only spoils the sample's last line, which detection may lose.
    if (encoding) return detectFormat(decodeUtf16(head.subarray(0, bytesRead & ~1), encoding));
    // A zero byte near the start means a binary file (VS Code draws the same line: it opens such a
    // file as binary). Later ones are damage in a log (a crash leaves a run of them) and stay
    // unknown lines of it.
    if (head.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return undefined;
    return detectFormat(buf.toString('utf8', 0, bytesRead));
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}
