// Where lines end, as the Language Server Protocol and VS Code count them: at `\n`, at `\r\n`,
// and at a `\r` alone. Every layer splits lines this way, so a line number means the same line
// to the editor and to the index, also after a stray carriage return.

/** Splits text into lines at `\r\n`, `\r` and `\n`. */
export const LINE_BREAK = /\r\n|\r|\n/;

export const LF = 10, CR = 13;

/**
 * The number of line breaks in buf[from, to). `crBefore`: the byte before `from` was a `\r`, so an
 * `\n` at `from` completes that break rather than making one of its own.
 */
export function countLineBreaks(buf: Uint8Array, from: number, to: number, crBefore = false): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = buf[i];
    if (b === CR) n++;
    else if (b === LF && !(i === from ? crBefore : buf[i - 1] === CR)) n++;
  }
  return n;
}

/**
 * The end (just after it) of the last line break in buf[from, to) after which a new line surely
 * starts, or -1. A `\r` as the range's last byte does not count: an `\n` may follow it.
 */
export function lastLineBreakEnd(buf: Uint8Array, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) {
    if (buf[i] === LF) return i + 1;
    if (buf[i] === CR && i + 1 < to) return i + 1;
  }
  return -1;
}

/**
 * The end (just after it) of the first line break in buf[from, to), or -1. A `\r` as the range's
 * last byte does not count, as above.
 */
export function firstLineBreakEnd(buf: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    if (buf[i] === LF) return i + 1;
    if (buf[i] === CR) {
      if (i + 1 >= to) return -1;
      return buf[i + 1] === LF ? i + 2 : i + 1;
    }
  }
  return -1;
}
