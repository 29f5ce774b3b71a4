// Text of log lines for features: from the open editor when there is one, else from disk by the
// byte offsets kept at parse time. Nothing here writes to a log file.
import * as fs from 'fs';
import { blockRange } from '../core/model';
import { IndexedFile } from '../core/snapshot';

export interface OpenTexts {
  /** The current text of the file's open editor, if any. */
  lines(path: string): string[] | undefined;
}

export class LineReader {
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
    const { start, end, firstLine } = blockRange(p, from, to);
    const skip = from - firstLine;
    const buf = Buffer.allocUnsafe(end - start);
    let fd: number | undefined;
    try {
      fd = fs.openSync(file.path, 'r');
      const n = fs.readSync(fd, buf, 0, buf.length, start);
      const lines = buf.toString('utf8', 0, n).split('\n');
      const out: string[] = [];
      for (let i = 0; i < to - from; i++) {
        let l = lines[skip + i] ?? '';
        if (l.charCodeAt(l.length - 1) === 13) l = l.slice(0, -1);
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
}
