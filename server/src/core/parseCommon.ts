import { parseIsoLocal } from './time';

const ISO_ENTRY_START = /(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}), /g;

/** Index of the first character that is not a BOM or white space. */
export function skipLeading(line: string): number {
  let i = 0;
  if (line.charCodeAt(0) === 0xfeff) i = 1;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return i;
}

/** End of the line without trailing white space and carriage returns. */
export function trimmedEnd(line: string, from = 0, to = line.length): number {
  let e = to;
  while (e > from) {
    const c = line.charCodeAt(e - 1);
    if (c === 32 || c === 9 || c === 13) e--;
    else break;
  }
  return e;
}

/**
 * Start offsets of the `YYYY-MM-DD HH:MM:SS, ` entries of a line. An entry starts at the
 * line's first non-blank character or after white space; several mean entries run together.
 */
export function isoEntryStarts(line: string): number[] {
  const first = skipLeading(line);
  if (!Number.isNaN(parseIsoLocal(line, first)) && line.charCodeAt(first + 19) === 44) {
    if (!hasSecondIsoStamp(line, first + 20)) return [first];
  }
  const starts: number[] = [];
  ISO_ENTRY_START.lastIndex = first;
  let m: RegExpExecArray | null;
  while ((m = ISO_ENTRY_START.exec(line))) {
    const at = m.index;
    if (at === first || line.charCodeAt(at - 1) === 32 || line.charCodeAt(at - 1) === 9) {
      if (!Number.isNaN(parseIsoLocal(line, at))) starts.push(at);
    }
  }
  return starts;
}

function hasSecondIsoStamp(line: string, from: number): boolean {
  // Cheap pre-check before the regex scan: `D HH:MM:SS,` around a colon means another entry.
  let i = line.indexOf(':', from);
  while (i >= 0) {
    if (line.charCodeAt(i - 6) === 45 && line.charCodeAt(i + 3) === 58 && line.charCodeAt(i + 6) === 44) return true;
    i = line.indexOf(':', i + 1);
  }
  return false;
}

/** Finds `, ` at or after `from` and before `to`; -1 if none. */
export function commaSpace(line: string, from: number, to: number): number {
  const i = line.indexOf(', ', from);
  return i >= 0 && i < to ? i : -1;
}
