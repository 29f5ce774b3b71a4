// Turns the lines of one log file into line tables and records. Lines arrive one at a time, so
// a file can be parsed from disk in chunks without holding it whole.
import { Entry, LogFormat, ParsedLine, fieldOf, normalizeAddress } from './entry';
import { parseSmtpLine } from './smtp';
import { parseDeliveryLine } from './delivery';
import { parseSpamdykeLine } from './spamdyke';
import {
  DeliveryAttempt, DeliveryGroup, DeliveryOutcome, LineKind, ParsedLogFile, SmtpTransaction, SpamdykeRecord,
} from './model';

export function parseLine(format: LogFormat, line: string): ParsedLine {
  switch (format) {
    case 'smtp': return parseSmtpLine(line);
    case 'delivery': return parseDeliveryLine(line);
    case 'spamdyke': return parseSpamdykeLine(line);
  }
}

const MAX_PROBLEM_SAMPLES = 20;
const QP_REASON = /^250_ok_(\d+)_qp_(\d+)/;

class GrowableFloat64 {
  data: Float64Array;
  length = 0;
  constructor(capacity: number) { this.data = new Float64Array(Math.max(16, capacity)); }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Float64Array { return this.data.slice(0, this.length); }
}

class GrowableUint8 {
  data: Uint8Array;
  length = 0;
  constructor(capacity: number) { this.data = new Uint8Array(Math.max(16, capacity)); }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Uint8Array { return this.data.slice(0, this.length); }
}

const SMTP_KINDS: Record<string, LineKind> = {
  from: LineKind.SmtpFrom, to: LineKind.SmtpTo, resp: LineKind.SmtpResp, check: LineKind.SmtpCheck, size: LineKind.SmtpSize,
};
const DELIVERY_KINDS: Record<string, LineKind> = {
  init: LineKind.DeliveryInit, try: LineKind.DeliveryTry, result: LineKind.DeliveryResult,
};

export class LogFileParser {
  private readonly offsets: GrowableFloat64;
  private readonly kinds: GrowableUint8;
  private readonly times: GrowableFloat64;
  private lineNo = 0;
  private problemCount = 0;
  private readonly problemSamples: Array<{ line: number; reason: string }> = [];
  private readonly smtp: SmtpTransaction[] = [];
  private readonly delivery: DeliveryGroup[] = [];
  private readonly spamdyke: SpamdykeRecord[] = [];
  private txn: SmtpTransaction | undefined;
  private group: DeliveryGroup | undefined;
  private pendingRcpt: SmtpTransaction['recipients'][number] | undefined;
  private openTries = new Map<string, DeliveryAttempt[]>();

  constructor(readonly format: LogFormat, readonly fileId: number, expectedBytes = 0) {
    const lines = Math.ceil(expectedBytes / 50) + 16;
    this.offsets = new GrowableFloat64(lines + 1);
    this.kinds = new GrowableUint8(lines);
    this.times = new GrowableFloat64(lines);
  }

  /** Feeds the next physical line (without its line break) starting at `byteOffset`. */
  pushLine(line: string, byteOffset: number): void {
    const lineNo = this.lineNo++;
    this.offsets.push(byteOffset);
    const parsed = parseLine(this.format, line);
    if (parsed.problem) {
      this.problemCount++;
      if (this.problemSamples.length < MAX_PROBLEM_SAMPLES) this.problemSamples.push({ line: lineNo, reason: parsed.problem });
    }
    if (parsed.entries.length === 0) {
      const blank = !parsed.problem;
      this.kinds.push(blank ? LineKind.Blank : LineKind.Unknown);
      this.times.push(NaN);
      if (blank) this.endGroup();
      return;
    }
    const first = parsed.entries[0];
    this.times.push(first.time);
    if (this.format === 'smtp') {
      this.kinds.push(SMTP_KINDS[first.kind] ?? LineKind.SmtpOther);
      for (const e of parsed.entries) this.smtpEntry(line, e, lineNo);
    } else if (this.format === 'delivery') {
      this.kinds.push(DELIVERY_KINDS[first.kind] ?? LineKind.DeliveryOther);
      for (const e of parsed.entries) this.deliveryEntry(line, e, lineNo);
    } else {
      this.kinds.push(LineKind.Spamdyke);
      parsed.entries.forEach((e, k) => this.spamdykeEntry(line, e, lineNo, parsed.stamps![k]));
    }
  }

  finish(byteLength: number): ParsedLogFile {
    this.endGroup();
    this.offsets.push(byteLength);
    return {
      format: this.format,
      lineCount: this.lineNo,
      byteLength,
      lineOffsets: this.offsets.finish(),
      lineKinds: this.kinds.finish(),
      lineTimes: this.times.finish(),
      problems: { count: this.problemCount, samples: this.problemSamples },
      smtp: this.smtp,
      delivery: this.delivery,
      spamdyke: this.spamdyke,
    };
  }

  private endGroup(): void {
    this.txn = undefined;
    this.pendingRcpt = undefined;
    this.group = undefined;
    this.openTries.clear();
  }

  private smtpEntry(line: string, e: Entry, lineNo: number): void {
    if (e.kind === 'from' || !this.txn) {
      this.pendingRcpt = undefined;
      this.txn = {
        file: this.fileId, firstLine: lineNo, lastLine: lineNo, start: e.time, end: e.time,
        sender: undefined, recipients: [], lastReplyLine: -1,
      };
      this.smtp.push(this.txn);
    }
    const t = this.txn;
    t.lastLine = lineNo;
    if (!Number.isNaN(e.time)) {
      if (Number.isNaN(t.start)) t.start = e.time;
      t.end = e.time;
    }
    switch (e.kind) {
      case 'from': {
        const a = fieldOf(e, 'address');
        t.sender = a ? normalizeAddress(line.slice(a.start, a.end)) : '';
        break;
      }
      case 'to': {
        const a = fieldOf(e, 'address');
        this.pendingRcpt = {
          address: a ? normalizeAddress(line.slice(a.start, a.end)) : '', line: lineNo, time: e.time,
          replyLine: -1, replyCode: '', accepted: false,
        };
        t.recipients.push(this.pendingRcpt);
        break;
      }
      case 'resp': {
        const c = fieldOf(e, 'code');
        const code = c ? line.slice(c.start, c.end) : '';
        t.lastCode = code;
        t.lastReplyLine = lineNo;
        if (this.pendingRcpt && this.pendingRcpt.replyLine < 0) {
          this.pendingRcpt.replyLine = lineNo;
          this.pendingRcpt.replyCode = code;
          this.pendingRcpt.accepted = code.charCodeAt(0) === 50;
          this.pendingRcpt.time = e.time;
          this.pendingRcpt = undefined;
        }
        const qp = fieldOf(e, 'qp');
        const epoch = fieldOf(e, 'epoch');
        if (qp && epoch) {
          t.queue = { line: lineNo, time: e.time, epoch: Number(line.slice(epoch.start, epoch.end)), qp: Number(line.slice(qp.start, qp.end)) };
        }
        break;
      }
      case 'size': {
        const s = fieldOf(e, 'size');
        if (s) t.size = Number(line.slice(s.start, s.end));
        this.pendingRcpt = undefined;
        break;
      }
      default:
        break;
    }
  }

  private deliveryEntry(line: string, e: Entry, lineNo: number): void {
    if (e.kind === 'init' || !this.group) {
      this.openTries.clear();
      this.group = { file: this.fileId, lines: [], initLine: -1, sender: undefined, time: e.time, attempts: [] };
      this.delivery.push(this.group);
    }
    const g = this.group;
    if (g.lines[g.lines.length - 1] !== lineNo) g.lines.push(lineNo);
    if (Number.isNaN(g.time)) g.time = e.time;
    if (e.kind === 'init') {
      g.initLine = lineNo;
      const a = fieldOf(e, 'address');
      g.sender = a ? normalizeAddress(line.slice(a.start, a.end)) : '';
      return;
    }
    const idField = fieldOf(e, 'id');
    const id = idField ? line.slice(idField.start, idField.end) : '';
    if (e.kind === 'try') {
      const a = fieldOf(e, 'address');
      const ch = fieldOf(e, 'channel');
      const attempt: DeliveryAttempt = {
        id, channel: ch ? line.slice(ch.start, ch.end) : '', recipient: a ? normalizeAddress(line.slice(a.start, a.end)) : '',
        tryLine: lineNo, tryTime: e.time, resultLine: -1, resultTime: NaN,
      };
      g.attempts.push(attempt);
      const open = this.openTries.get(id);
      if (open) open.push(attempt);
      else this.openTries.set(id, [attempt]);
    } else if (e.kind === 'result') {
      const open = this.openTries.get(id);
      const attempt = open?.shift();
      if (!attempt) return;
      attempt.resultLine = lineNo;
      attempt.resultTime = e.time;
      const o = fieldOf(e, 'outcome');
      const outcome = o ? line.slice(o.start, o.end) : '';
      if (outcome === 'success' || outcome === 'deferral' || outcome === 'failure') attempt.outcome = outcome as DeliveryOutcome;
    }
  }

  private spamdykeEntry(line: string, e: Entry, lineNo: number, stamp: { month: number; day: number; secondsOfDay: number }): void {
    const from = fieldOf(e, 'from');
    const to = fieldOf(e, 'to');
    const ip = fieldOf(e, 'origin_ip');
    const record: SpamdykeRecord = {
      file: this.fileId, line: lineNo, verdict: e.kind,
      sender: from ? normalizeAddress(line.slice(from.start, from.end)) : '',
      recipient: to ? normalizeAddress(line.slice(to.start, to.end)) : '',
      hasEnvelope: !!to && normalizeAddress(line.slice(to.start, to.end)) !== '',
      ip: ip ? line.slice(ip.start, ip.end) : '',
      month: stamp.month, day: stamp.day, secondsOfDay: stamp.secondsOfDay, time: NaN,
    };
    const reason = fieldOf(e, 'reason');
    if (reason) {
      const m = QP_REASON.exec(line.slice(reason.start, reason.end));
      if (m) {
        record.epoch = Number(m[1]);
        record.qp = Number(m[2]);
      }
    }
    this.spamdyke.push(record);
  }
}
