// The records correlation works on. They hold line numbers and the few values correlation
// needs, never copies of whole lines: a line's text is read again when a feature needs it.
import { LogFormat } from './entry';

export const enum LineKind {
  Blank = 0,
  Unknown = 1,
  SmtpFrom, SmtpTo, SmtpResp, SmtpCheck, SmtpSize, SmtpOther,
  DeliveryInit, DeliveryTry, DeliveryResult, DeliveryOther,
  Spamdyke,
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

export interface ParsedLogFile {
  format: LogFormat;
  lineCount: number;
  byteLength: number;
  /** Byte offset of each line start; length lineCount + 1 (the last is the file length). */
  lineOffsets: Float64Array;
  lineKinds: Uint8Array;
  /** Local seconds of each line's first entry; NaN where none (and for spamdyke until correlation). */
  lineTimes: Float64Array;
  problems: FileProblems;
  smtp: SmtpTransaction[];
  delivery: DeliveryGroup[];
  spamdyke: SpamdykeRecord[];
}
