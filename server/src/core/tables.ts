// Builders of the per-file tables. The byte scanner (fast path) and the full parser (slow path
// for unusual lines) both report entries through these, so grouping lives in one place.
import { Column, ColumnSet, Interner, u16, u32, u8 } from './columns';
import { cell, DeliveryTable, NO_VALUE, OUTCOME_CODE, SmtpTable, SpamdykeTable } from './model';

export class SmtpBuilder {
  readonly columns = new ColumnSet();
  private readonly c = this.columns;
  private firstLine = this.c.u32(); private lastLine = this.c.u32(); private start = this.c.u32(); private end = this.c.u32();
  private sender = this.c.i32(); private queueLine = this.c.i32(); private queueTime = this.c.u32(); private epoch = this.c.u32(); private qp = this.c.u32();
  private lastCode = this.c.u16(); private lastReplyLine = this.c.i32(); private rcptStart = this.c.u32(); private rcptCount = this.c.u32();
  private rAddress = this.c.i32(); private rLine = this.c.u32(); private rTime = this.c.u32(); private rReplyLine = this.c.i32(); private rReplyCode = this.c.u16();
  private current = -1;
  private pendingRcpt = -1;

  endGroup(): void {
    this.current = -1;
    this.pendingRcpt = -1;
  }

  private touch(line: number, time: number, startsNew: boolean): number {
    if (startsNew || this.current < 0) {
      this.pendingRcpt = -1;
      this.current = this.firstLine.push(line);
      this.lastLine.push(line);
      this.start.push(time);
      this.end.push(time);
      this.sender.push(-1);
      this.queueLine.push(-1);
      this.queueTime.push(NO_VALUE);
      this.epoch.push(NO_VALUE);
      this.qp.push(NO_VALUE);
      this.lastCode.push(0);
      this.lastReplyLine.push(-1);
      this.rcptStart.push(this.rAddress.length);
      this.rcptCount.push(0);
    }
    const t = this.current;
    this.lastLine.data[t] = line;
    if (time !== NO_VALUE) {
      if (this.start.data[t] === NO_VALUE) this.start.data[t] = time;
      this.end.data[t] = time;
    }
    return t;
  }

  /**
   * `from` starts the next transaction, unless the group so far has no envelope and no queue
   * reply: lines before the first `from` (a login, a greeting) belong to its transaction.
   */
  from(line: number, time: number, sender: number): void {
    const c = this.current;
    const startsNew = c < 0 || this.sender.data[c] !== -1 || this.rcptCount.data[c] > 0 || this.queueLine.data[c] >= 0;
    const t = this.touch(line, cell(time), startsNew);
    this.sender.data[t] = sender;
  }

  to(line: number, time: number, address: number): void {
    time = cell(time);
    const t = this.touch(line, time, false);
    this.pendingRcpt = this.rAddress.push(address);
    this.rLine.push(line);
    this.rTime.push(time);
    this.rReplyLine.push(-1);
    this.rReplyCode.push(0);
    this.rcptCount.data[t]++;
  }

  resp(line: number, time: number, code: number, epoch: number, qp: number): void {
    time = cell(time);
    const t = this.touch(line, time, false);
    this.lastCode.data[t] = code;
    this.lastReplyLine.data[t] = line;
    const r = this.pendingRcpt;
    if (r >= 0 && this.rReplyLine.data[r] < 0) {
      this.rReplyLine.data[r] = line;
      this.rReplyCode.data[r] = code;
      this.rTime.data[r] = time;
      this.pendingRcpt = -1;
    }
    if (!Number.isNaN(qp)) {
      this.queueLine.data[t] = line;
      this.queueTime.data[t] = time;
      this.epoch.data[t] = cell(epoch);
      this.qp.data[t] = cell(qp);
    }
  }

  size(line: number, time: number): void {
    this.touch(line, cell(time), false);
    this.pendingRcpt = -1;
  }

  other(line: number, time: number): void {
    this.touch(line, cell(time), false);
  }

  finish(): SmtpTable {
    return {
      count: this.firstLine.length,
      firstLine: this.firstLine.finish(), lastLine: this.lastLine.finish(), start: this.start.finish(), end: this.end.finish(),
      sender: this.sender.finish(), queueLine: this.queueLine.finish(), queueTime: this.queueTime.finish(), epoch: this.epoch.finish(),
      qp: this.qp.finish(), lastCode: this.lastCode.finish(), lastReplyLine: this.lastReplyLine.finish(),
      rcptStart: this.rcptStart.finish(), rcptCount: this.rcptCount.finish(),
      rcptAddress: this.rAddress.finish(), rcptLine: this.rLine.finish(), rcptTime: this.rTime.finish(),
      rcptReplyLine: this.rReplyLine.finish(), rcptReplyCode: this.rReplyCode.finish(),
    };
  }
}

/** First attempts follow their `init` within seconds; qmail's first retry comes minutes later. */
const FIRST_TRY_SECONDS = 60;

export class DeliveryBuilder {
  readonly columns = new ColumnSet();
  private readonly c = this.columns;
  private firstLine = this.c.u32(); private lastLine = this.c.u32(); private initLine = this.c.i32(); private sender = this.c.i32(); private time = this.c.u32();
  private attStart = this.c.u32(); private attCount = this.c.u32();
  private aId = this.c.f64(); private aChannel = this.c.u8(); private aRecipient = this.c.i32(); private aTryLine = this.c.u32(); private aTryTime = this.c.u32();
  private aResultLine = this.c.i32(); private aResultTime = this.c.u32(); private aOutcome = this.c.u8();
  private current = -1;
  // Where no blank line ends a group, a retry standing further down the file would join whatever
  // group came last. These tell a retry from a first attempt: the message (its first group) whose
  // attempt with a delivery id was deferred, per id; the messages with an open deferral, per
  // recipient, the latest last (a busy mailbox has several); and, per group that is a retry, the
  // first group of the message it retries (else -1). Only deferred attempts are kept: a map of
  // every id would cost megabytes.
  private readonly deferredId = new Map<number, number>();
  private readonly openDeferrals = new Map<number, number[]>();
  private readonly retryOf: number[] = [];
  /** Whether this log ends its groups with blank lines; a retry group then has one before it. */
  private blankLinesEndGroups = false;
  /** Whether a retry came with the delivery id of the deferred attempt: ids are per message. */
  private idsRetried = false;

  endGroup(): void {
    if (this.current >= 0) this.blankLinesEndGroups = true;
    this.current = -1;
  }

  /** The first group of the message a group belongs to, as far as the file tells. */
  private origin(g: number): number {
    return this.retryOf[g] >= 0 ? this.retryOf[g] : g;
  }

  /**
   * The message a try retries when, with no blank line before it, it does not belong to the
   * current group, else -1. The first try of a group belongs to it (a retry may come back with
   * an `init` of its own). A later one retries another message when its delivery id was deferred
   * there. With ids per attempt (no retry has come back with its id) in a log that does not end
   * groups with blank lines, also when its recipient has an open deferral there and the current
   * group is a retry of another message, began longer ago than first attempts take, or began in
   * an earlier second and has all its results already.
   */
  private retriesAnother(id: number, time: number, recipient: number): number {
    const g = this.current;
    if (g < 0 || this.attCount.data[g] === 0) return -1;
    const retried = this.retriedMessage(id, recipient, this.origin(g));
    if (retried < 0 || retried === this.origin(g)) return -1;
    if (this.deferredId.has(id) || this.retryOf[g] >= 0) return retried;
    if (this.blankLinesEndGroups || this.idsRetried) return -1;
    const start = this.time.data[g];
    if (start === NO_VALUE || time === NO_VALUE) return -1;
    // qmail-send starts the first attempts for all recipients of a new message at once: a try in
    // a later second than the group's start, after every try before it has its result, is not one.
    const after = time - start;
    return after > FIRST_TRY_SECONDS || (after > 0 && this.allTried(g)) ? retried : -1;
  }

  /** Whether every attempt of a group has its result. */
  private allTried(g: number): boolean {
    const from = this.attStart.data[g], to = from + this.attCount.data[g];
    for (let a = from; a < to; a++) if (this.aResultLine.data[a] < 0) return false;
    return true;
  }

  /**
   * The message (its first group) a try would retry, by its delivery id, else by its recipient:
   * `own` if that message has a deferral open for it, else the latest one that has; else -1.
   */
  private retriedMessage(id: number, recipient: number, own = -1): number {
    const byId = this.deferredId.get(id);
    if (byId !== undefined) return byId;
    const open = this.openDeferrals.get(recipient);
    if (!open) return -1;
    return own >= 0 && open.includes(own) ? own : open[open.length - 1];
  }

  private touch(line: number, time: number, startsNew: boolean): number {
    if (startsNew || this.current < 0) {
      this.current = this.firstLine.push(line);
      this.retryOf.push(-1);
      this.lastLine.push(line);
      this.initLine.push(-1);
      this.sender.push(-1);
      this.time.push(time);
      this.attStart.push(this.aId.length);
      this.attCount.push(0);
    }
    const g = this.current;
    this.lastLine.data[g] = line;
    if (this.time.data[g] === NO_VALUE) this.time.data[g] = time;
    return g;
  }

  init(line: number, time: number, sender: number): void {
    const g = this.touch(line, cell(time), true);
    this.initLine.data[g] = line;
    this.sender.data[g] = sender;
  }

  try(line: number, time: number, id: number, channel: number, recipient: number): void {
    time = cell(time);
    const retried = this.retriesAnother(id, time, recipient);
    const knownId = this.deferredId.has(id);
    if (knownId) this.idsRetried = true;
    const g = this.touch(line, time, retried >= 0);
    // A group whose first try retries a message is a retry of it. After an `init` only a known
    // delivery id tells that: a new one is a first attempt, whatever became of its recipient.
    if (this.attCount.data[g] === 0) {
      this.retryOf[g] = retried >= 0 ? retried : this.initLine.data[g] < 0 || knownId ? this.retriedMessage(id, recipient) : -1;
    }
    this.aId.push(id);
    this.aChannel.push(channel);
    this.aRecipient.push(recipient);
    this.aTryLine.push(line);
    this.aTryTime.push(time);
    this.aResultLine.push(-1);
    this.aResultTime.push(NO_VALUE);
    this.aOutcome.push(OUTCOME_CODE.none);
    this.attCount.data[g]++;
  }

  result(line: number, time: number, id: number, outcome: number): void {
    time = cell(time);
    const g = this.touch(line, time, false);
    const from = this.attStart.data[g];
    const to = from + this.attCount.data[g];
    for (let a = from; a < to; a++) {
      if (this.aId.data[a] === id && this.aResultLine.data[a] < 0) {
        this.aResultLine.data[a] = line;
        this.aResultTime.data[a] = time;
        this.aOutcome.data[a] = outcome;
        const recipient = this.aRecipient.data[a], own = this.origin(g);
        const open = this.openDeferrals.get(recipient);
        const at = open ? open.indexOf(own) : -1;
        if (at >= 0) open!.splice(at, 1);
        if (outcome === OUTCOME_CODE.deferral) {
          if (open) open.push(own);
          else this.openDeferrals.set(recipient, [own]);
          this.deferredId.set(id, own);
        } else {
          if (open && !open.length) this.openDeferrals.delete(recipient);
          this.deferredId.delete(id);
        }
        return;
      }
    }
  }

  other(line: number, time: number): void {
    this.touch(line, cell(time), false);
  }

  finish(): DeliveryTable {
    return {
      count: this.firstLine.length,
      firstLine: this.firstLine.finish(), lastLine: this.lastLine.finish(), initLine: this.initLine.finish(), sender: this.sender.finish(),
      time: this.time.finish(), attStart: this.attStart.finish(), attCount: this.attCount.finish(),
      attId: this.aId.finish(), attChannel: this.aChannel.finish(), attRecipient: this.aRecipient.finish(), attTryLine: this.aTryLine.finish(),
      attTryTime: this.aTryTime.finish(), attResultLine: this.aResultLine.finish(), attResultTime: this.aResultTime.finish(), attOutcome: this.aOutcome.finish(),
    };
  }
}

export class SpamdykeBuilder {
  readonly columns = new ColumnSet();
  private readonly c = this.columns;
  private line = this.c.u32(); private verdict = this.c.i32(); private sender = this.c.i32(); private recipient = this.c.i32(); private hasEnvelope = this.c.u8();
  private ip = this.c.i32(); private month = this.c.u8(); private day = this.c.u8(); private sod = this.c.u32(); private year = this.c.u16(); private qp = this.c.u32(); private epoch = this.c.u32();
  private pid = this.c.u32();
  // Diagnostic lines are few (none at spamdyke's default log level): their columns start small.
  private dLine = u32(64); private dPid = u32(64); private dMonth = u8(64); private dDay = u8(64); private dSod = u32(64); private dYear = u16(64);

  record(line: number, pid: number, month: number, day: number, secondsOfDay: number, year: number, verdict: number, sender: number,
    recipient: number, hasEnvelope: boolean, ip: number, epoch: number, qp: number): void {
    this.line.push(line);
    this.pid.push(pid);
    this.verdict.push(verdict);
    this.sender.push(sender);
    this.recipient.push(recipient);
    this.hasEnvelope.push(hasEnvelope ? 1 : 0);
    this.ip.push(ip);
    this.month.push(month);
    this.day.push(day);
    this.sod.push(secondsOfDay);
    this.year.push(year);
    this.qp.push(cell(qp));
    this.epoch.push(cell(epoch));
  }

  diagnostic(line: number, pid: number, month: number, day: number, secondsOfDay: number, year: number): void {
    this.dLine.push(line);
    this.dPid.push(pid);
    this.dMonth.push(month);
    this.dDay.push(day);
    this.dSod.push(secondsOfDay);
    this.dYear.push(year);
  }

  finish(): SpamdykeTable {
    return {
      count: this.line.length,
      line: this.line.finish(), verdict: this.verdict.finish(), sender: this.sender.finish(), recipient: this.recipient.finish(),
      hasEnvelope: this.hasEnvelope.finish(), ip: this.ip.finish(), month: this.month.finish(), day: this.day.finish(),
      secondsOfDay: this.sod.finish(), year: this.year.finish(), qp: this.qp.finish(), epoch: this.epoch.finish(),
      // Only diagnostic lines are joined by pid: without them, the column is not kept.
      pid: this.dLine.length ? this.pid.finish() : new Uint32Array(0),
      diagnostics: {
        count: this.dLine.length, line: this.dLine.finish(), pid: this.dPid.finish(), month: this.dMonth.finish(), day: this.dDay.finish(),
        secondsOfDay: this.dSod.finish(), year: this.dYear.finish(),
      },
    };
  }
}

export type { Column, Interner };
