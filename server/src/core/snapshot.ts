import * as nodePath from 'path';
import { LogFormat } from './entry';
import { Correlation, materialize, Message, messageLines, outcomeOfRow, UtcOffset } from './correlate';
import { LineKind, ParsedLogFile } from './model';
import { skipLeading } from './parseCommon';
import { Repeat, RepeatedTail } from './repeats';
import { parseIsoLocal } from './time';

export interface IndexedFile {
  id: number;
  /** Absolute file system path (the key of the file everywhere). */
  path: string;
  format: LogFormat;
  /** For SMTP logs: the listening port, when the file name tells it. */
  port?: number;
  parsed: ParsedLogFile;
  /** 'editor' when the text came from an open editor rather than from disk. */
  source: 'disk' | 'editor';
  /** Set when the file starts with lines of another (core/repeats.ts); their records are counted there. */
  repeat?: Repeat;
  /** Set when a later file repeats this one's end and holds its last record whole: see LogFileInput. */
  repeatedTail?: RepeatedTail;
}

export interface LineRef {
  file: IndexedFile;
  line: number;
}

/** An immutable view of all indexed logs and their correlation; features answer from one. */
export class Snapshot {
  private readonly byPath = new Map<string, IndexedFile>();
  private readonly byId = new Map<number, IndexedFile>();

  constructor(readonly version: number, readonly files: readonly IndexedFile[], readonly correlation: Correlation) {
    for (const f of files) {
      this.byPath.set(f.path, f);
      this.byId.set(f.id, f);
    }
  }

  get messageCount(): number {
    return this.correlation.messageCount;
  }

  /** The i-th message in time order (built on demand from the tables). */
  message(i: number): Message {
    return materialize(this.correlation, i);
  }

  /** Local seconds of the i-th message's first event, without building it. */
  timeOf(i: number): number {
    return this.correlation.msgTime[i];
  }

  /** Outcome of the i-th message without building it. */
  outcomeOf(i: number): Message['outcome'] {
    return outcomeOfRow(this.correlation, i);
  }

  /** The UTC offset of the download a file belongs to (its folder), else the main one. */
  utcOffsetOf(file: { path: string } | undefined): UtcOffset | undefined {
    return (file && this.correlation.utcOffsetOfFolder.get(nodePath.dirname(file.path))) ?? this.correlation.utcOffset;
  }

  private offsetOfFileIndex: Array<UtcOffset | undefined> | undefined;

  /** The UTC offset of the download the i-th message belongs to, without building the message. */
  utcOffsetOfMessage(i: number): UtcOffset | undefined {
    const c = this.correlation;
    if (c.utcOffsetOfFolder.size < 2) return c.utcOffset;
    const fi = c.msgSmtp[i] >= 0 ? c.txns.file[c.msgSmtp[i]] : c.msgGroup[i] >= 0 ? c.groups.file[c.msgGroup[i]] : c.msgRecord[i] >= 0 ? c.records.file[c.msgRecord[i]] : -1;
    if (fi < 0) return c.utcOffset;
    this.offsetOfFileIndex ??= c.files.map((f) => this.utcOffsetOf(f));
    return this.offsetOfFileIndex[fi];
  }

  messageIndexAt(path: string, line: number): number {
    const f = this.byPath.get(path);
    if (!f) return -1;
    const owners = this.correlation.lineOwner.get(f.id);
    return owners && line >= 0 && line < owners.length ? owners[line] : -1;
  }

  file(path: string): IndexedFile | undefined {
    return this.byPath.get(path);
  }

  fileById(id: number): IndexedFile | undefined {
    return this.byId.get(id);
  }

  messageAt(path: string, line: number): Message | undefined {
    const idx = this.messageIndexAt(path, line);
    return idx >= 0 ? this.message(idx) : undefined;
  }

  /** Every line of the message in all logs, in file order. */
  linesOf(m: Message): LineRef[] {
    return messageLines(this.correlation, m.index).map(([id, line]) => ({ file: this.byId.get(id)!, line }));
  }

  /**
   * Local seconds of a line, NaN if it has none: spamdyke lines with their inferred year, other
   * lines from their text (the index keeps no per-line times).
   */
  lineTime(file: IndexedFile, line: number, text: string): number {
    if (file.format !== 'spamdyke') return parseIsoLocal(text, skipLeading(text));
    const t = this.correlation.spamdykeTimes.get(file.id)?.[line];
    return t ? t : NaN;
  }

  lineKind(file: IndexedFile, line: number): LineKind {
    return file.parsed.lineKinds[line] as LineKind;
  }
}
