// The token a hover is about and what a format's explainer answers for it.
import { Message } from '../core/correlate';
import { Entry, Field, FieldName } from '../core/entry';
import { IndexedFile, Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';

export interface HoverTarget {
  snap: Snapshot;
  reader: LineReader;
  file: IndexedFile;
  line: number;
  text: string;
  /** Cursor offset in the line. */
  character: number;
  entry: Entry;
  /** The smallest field under the cursor. */
  field: Field;
  message?: Message;
}

/** Markdown blocks (already escaped) about the text range [start, end) of the line. */
export interface HoverAnswer {
  start: number;
  end: number;
  blocks: string[];
}

export function valueOf(t: HoverTarget, name: FieldName): string | undefined {
  const f = t.entry.fields.find((x) => x.name === name);
  return f ? t.text.slice(f.start, f.end) : undefined;
}

export function fieldValue(t: HoverTarget): string {
  return t.text.slice(t.field.start, t.field.end);
}

export function answerFor(t: HoverTarget, blocks: string[]): HoverAnswer {
  return { start: t.field.start, end: t.field.end, blocks };
}
