// Text of log lines for features: from the open editor when there is one, else from disk by the
// byte offsets kept at parse time. Nothing here writes to a log file.
import * as fs from 'fs';
import { LINE_BREAK } from '../core/lineBreaks';
import { blockRange, Utf16Encoding } from '../core/model';
import { decodeUtf16 } from '../core/readLog';
import { IndexedFile } from '../core/snapshot';

export interface OpenTexts {
  /** The current text of the file's open editor, if any. */
  lines(path: string): string[] | undefined;
}

export class LineReader {
  /** The lines of the last UTF-16 files read, while the file on disk stays the same. */
  private readonly decoded = new Map<string, { mtimeMs: number; size: number; lines: string[] }>();

  constructor(private readonly open: OpenTexts) {}

  line(file: IndexedFile, line: number): string {
    return this.range(file, line, line + 1)[0] ?? '';
  }

  /** Lines [from, to) of a file. */
  range(file: IndexedFile, from: number, to: number): string[] {
    const p = file.parsed;
    to = Math.min(to, p.lineCount);
    if (from >= to) return [];
    const open = this.open.lines(file.path);
    if (open) return open.slice(from, to);
    if (p.encoding) return this.decodedLines(file.path, p.encoding).slice(from, to);
    const { start, end, firstLine } = blockRange(p, from, to);
    const skip = from - firstLine;
    const buf = Buffer.allocUnsafe(end - start);
    let fd: number | undefined;
    try {
      fd = fs.openSync(file.path, 'r');
      const n = fs.readSync(fd, buf, 0, buf.length, start);
      const lines = buf.toString('utf8', 0, n).split(LINE_BREAK);
      const out: string[] = [];
      for (let i = 0; i < to - from; i++) {
        let l = lines[skip + i] ?? '';
        if (i === 0 && from === 0 && l.charCodeAt(0) === 0xfeff) l = l.slice(1);
        out.push(l);
      }
      return out;
    } catch {
      return new Array(to - from).fill('');
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  private decodedLines(filePath: string, encoding: Utf16Encoding): string[] {
    try {
      const st = fs.statSync(filePath);
      const hit = this.decoded.get(filePath);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.lines;
      const lines = decodeUtf16(fs.readFileSync(filePath), encoding).split(LINE_BREAK);
      if (this.decoded.size >= 2) this.decoded.delete(this.decoded.keys().next().value!);
      this.decoded.set(filePath, { mtimeMs: st.mtimeMs, size: st.size, lines });
      return lines;
    } catch {
      return [];
    }
  }
}
