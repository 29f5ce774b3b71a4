// The records correlation works on. They hold line numbers and the few values correlation
// needs, never copies of whole lines: a line's text is read again when a feature needs it.
import { LogFormat } from './entry';

export const enum LineKind {
  Blank = 0,
  Unknown = 1,
  SmtpFrom, SmtpTo, SmtpResp, SmtpCheck, SmtpSize, SmtpOther,
  DeliveryInit, DeliveryTry, DeliveryResult, DeliveryOther,
  Spamdyke,
  /** A spamdyke line of its verbose, debug or error log levels: no verdict, no message. */
  SpamdykeDiagnostic,
}

export interface SmtpRecipient {
  address: string;
  line: number;
  time: number;
  /** Line of the reply to RCPT, -1 if the log ends before it. */
  replyLine: number;
  replyCode: string;
  accepted: boolean;
}

export interface SmtpTransaction {
  file: number;
  firstLine: number;
  lastLine: number;
  start: number;
  end: number;
  /** '' is the null sender; undefined when the transaction has no `from` (cut at the top). */
  sender: string | undefined;
  recipients: SmtpRecipient[];
  /** Set when the message was queued: the final `250 ok EPOCH qp PID`. */
  queue?: { line: number; time: number; epoch: number; qp: number };
  /** Last reply code of the transaction (e.g. the refusal after DATA). */
  lastCode?: string;
  lastReplyLine: number;
  size?: number;
}

export type DeliveryOutcome = 'success' | 'deferral' | 'failure';

export interface DeliveryAttempt {
  id: string;
  channel: string;
  recipient: string;
  tryLine: number;
  tryTime: number;
  resultLine: number;
  resultTime: number;
  outcome?: DeliveryOutcome;
}

export interface DeliveryGroup {
  file: number;
  lines: number[];
  initLine: number;
  /** From the `init` line; undefined when the group has none (a retry group or a cut file). */
  sender: string | undefined;
  time: number;
  attempts: DeliveryAttempt[];
  /** Retry groups that were merged into this one, and whether the owner was a guess among several. */
  ambiguousRetry?: boolean;
}

export interface SpamdykeRecord {
  file: number;
  line: number;
  verdict: string;
  sender: string;
  recipient: string;
  hasEnvelope: boolean;
  ip: string;
  month: number;
  day: number;
  secondsOfDay: number;
  /** Filled by correlation once the year is known. */
  time: number;
  qp?: number;
  epoch?: number;
}

export interface FileProblems {
  /** Lines that are not blank and were not understood. */
  count: number;
  /** The first few such lines (0-based), to show the user. */
  samples: Array<{ line: number; reason: string }>;
}

/**
 * The tables keep times (local seconds since 1970), epochs and qp numbers in Uint32 cells, half
 * the memory of doubles. NO_VALUE marks a missing one: no log entry dates from 1970-01-01
 * 00:00:00, and no qp (a process id) or epoch is 0.
 */
export const NO_VALUE = 0;

/** A number as a table cell: NO_VALUE for NaN and for anything a Uint32 cannot hold. */
export function cell(v: number): number {
  return v >= 1 && v <= 0xffffffff ? v : NO_VALUE;
}

/** A table cell as a number: NaN for NO_VALUE. */
export function fromCell(v: number): number {
  return v === NO_VALUE ? NaN : v;
}

/** SMTP transactions of one file, one row each; recipients in their own rows. */
export interface SmtpTable {
  count: number;
  firstLine: Uint32Array;
  lastLine: Uint32Array;
  start: Uint32Array;
  end: Uint32Array;
  /** Interned sender; -1 when the transaction has no `from`. */
  sender: Int32Array;
  queueLine: Int32Array;
  queueTime: Uint32Array;
  epoch: Uint32Array;
  qp: Uint32Array;
  lastCode: Uint16Array;
  lastReplyLine: Int32Array;
  rcptStart: Uint32Array;
  rcptCount: Uint32Array;
  rcptAddress: Int32Array;
  rcptLine: Uint32Array;
  rcptTime: Uint32Array;
  rcptReplyLine: Int32Array;
  rcptReplyCode: Uint16Array;
}

export const OUTCOME_CODE = { none: 0, success: 1, deferral: 2, failure: 3 } as const;
export const OUTCOME_OF_CODE: Array<DeliveryOutcome | undefined> = [undefined, 'success', 'deferral', 'failure'];

export interface DeliveryTable {
  count: number;
  firstLine: Uint32Array;
  lastLine: Uint32Array;
  initLine: Int32Array;
  sender: Int32Array;
  time: Uint32Array;
  attStart: Uint32Array;
  attCount: Uint32Array;
  attId: Float64Array;
  /** 1 local, 2 remote, 0 other. */
  attChannel: Uint8Array;
  attRecipient: Int32Array;
  attTryLine: Uint32Array;
  attTryTime: Uint32Array;
  attResultLine: Int32Array;
  attResultTime: Uint32Array;
  attOutcome: Uint8Array;
}

export interface SpamdykeTable {
  count: number;
  line: Uint32Array;
  verdict: Int32Array;
  sender: Int32Array;
  recipient: Int32Array;
  hasEnvelope: Uint8Array;
  ip: Int32Array;
  month: Uint8Array;
  day: Uint8Array;
  secondsOfDay: Uint32Array;
  /** The stamp's year where it has one (RFC 3339 stamps); 0 for classic stamps, inferred later. */
  year: Uint16Array;
  qp: Uint32Array;
  epoch: Uint32Array;
  /**
   * spamdyke's process id, one per SMTP connection (0 if the line has none). Empty when the file
   * has no diagnostic lines, the only ones joined by it.
   */
  pid: Uint32Array;
  diagnostics: SpamdykeDiagnostics;
}

/** The diagnostic lines of a spamdyke log (LineKind.SpamdykeDiagnostic), in line order. */
export interface SpamdykeDiagnostics {
  count: number;
  line: Uint32Array;
  pid: Uint32Array;
  month: Uint8Array;
  day: Uint8Array;
  secondsOfDay: Uint32Array;
  /** As in SpamdykeTable. */
  year: Uint16Array;
}

export const LINE_BLOCK = 16;

/** Byte range [start, end) of the blocks holding lines [from, to), and the first block's first line. */
export function blockRange(p: ParsedLogFile, from: number, to: number): { start: number; end: number; firstLine: number } {
  const first = Math.floor(from / LINE_BLOCK), last = Math.floor((to - 1) / LINE_BLOCK);
  return { start: p.blockOffsets[first], end: p.blockOffsets[Math.min(last + 1, p.blockOffsets.length - 1)], firstLine: first * LINE_BLOCK };
}

export type Utf16Encoding = 'utf-16le' | 'utf-16be';

export interface ParsedLogFile {
  format: LogFormat;
  lineCount: number;
  /** Of the UTF-8 text scanned: for a UTF-16 file, of its transcoding, not of the file. */
  byteLength: number;
  /** Set for a file on disk in UTF-16; the offsets below are then into its UTF-8 transcoding. */
  encoding?: Utf16Encoding;
  /**
   * Byte offset of every LINE_BLOCK-th line's start (lines 0, LINE_BLOCK, 2·LINE_BLOCK, ...),
   * then the file length. A line is found by reading its block and counting newlines: one entry
   * per line would cost more memory than any other table.
   */
  blockOffsets: Float64Array | Uint32Array;
  lineKinds: Uint8Array;
  problems: FileProblems;
  smtp?: SmtpTable;
  delivery?: DeliveryTable;
  spamdyke?: SpamdykeTable;
}
