import * as nodePath from 'path';
import { pathToFileURL, fileURLToPath } from 'url';
import { Location, Range } from 'vscode-languageserver';
import { Message } from '../core/correlate';
import { IndexedFile, LineRef, Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';

/**
 * The index key of a document: its path for a file, its URI for an untitled buffer (log text
 * pasted into a new editor), which is never an absolute path (see isDiskPath). Other schemes
 * (a file's version in git, an output channel) are not logs of their own: undefined.
 */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return uri.startsWith('untitled:') ? uri : undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The path of a folder or file on this machine's disk; undefined for other URIs. */
export function uriToDiskPath(uri: string): string | undefined {
  const p = uriToPath(uri);
  return p !== undefined && isDiskPath(p) ? p : undefined;
}

/** Whether an index key is a file on disk (not a document that exists only in the editor). */
export function isDiskPath(p: string): boolean {
  return nodePath.isAbsolute(p);
}

/** The indexed log a document is, or undefined (another kind of document, or not a log). */
export function documentFile(snap: Snapshot, uri: string): IndexedFile | undefined {
  const p = uriToPath(uri);
  return p ? snap.file(p) : undefined;
}

export function pathToUri(p: string): string {
  return isDiskPath(p) ? pathToFileURL(p).href : p;
}

export function lineRange(reader: LineReader, file: IndexedFile, line: number): Range {
  return { start: { line, character: 0 }, end: { line, character: reader.line(file, line).length } };
}

export function lineLocation(reader: LineReader, ref: LineRef): Location {
  return { uri: pathToUri(ref.file.path), range: lineRange(reader, ref.file, ref.line) };
}

/** A block of lines [first, last] as one location (shows as one passage in Peek). */
export function blockLocation(reader: LineReader, file: IndexedFile, first: number, last: number): Location {
  return { uri: pathToUri(file.path), range: { start: { line: first, character: 0 }, end: { line: last, character: reader.line(file, last).length } } };
}

/** The parts of a message, each a run of consecutive lines of one file, in time order. */
export interface MessagePart {
  file: IndexedFile;
  first: number;
  last: number;
  role: 'smtp' | 'delivery' | 'retry' | 'spamdyke';
  time: number;
}

export function messageParts(snap: Snapshot, m: Message): MessagePart[] {
  const parts: MessagePart[] = [];
  const add = (fileId: number, lines: number[], role: MessagePart['role'], time: number) => {
    const file = snap.fileById(fileId);
    if (!file || !lines.length) return;
    let first = lines[0], last = lines[0];
    for (let i = 1; i <= lines.length; i++) {
      if (i < lines.length && lines[i] === last + 1) {
        last = lines[i];
        continue;
      }
      parts.push({ file, first, last, role, time });
      if (i < lines.length) first = last = lines[i];
    }
  };
  const byFile = new Map<number, number[]>();
  for (const ref of snap.linesOf(m)) {
    if (ref.file.format !== 'smtp') continue;
    const list = byFile.get(ref.file.id) ?? [];
    list.push(ref.line);
    byFile.set(ref.file.id, list);
  }
  for (const [id, lines] of byFile) add(id, lines, 'smtp', m.smtp?.start ?? m.time);
  m.delivery.forEach((g, i) => add(g.file, g.lines, i === 0 ? 'delivery' : 'retry', g.time));
  for (const r of m.spamdyke) add(r.file, [r.line], 'spamdyke', r.time);
  for (const d of m.spamdykeDiagnostics) add(d.file, [d.line], 'spamdyke', Number.isNaN(d.time) ? m.time : d.time);
  return parts.sort((a, b) => a.time - b.time || (a.file.path < b.file.path ? -1 : 1) || a.first - b.first);
}
