// Correlation: joins the records of all logs into messages, as FORMATS.md describes.
// Files are correlated per folder (one download each). Every link that had to be chosen among
// equally good candidates is kept and marked ambiguous.
import * as nodePath from 'path';
import { Interner } from './columns';
import { civilFromLocalSeconds, localSecondsFor } from './time';
import {
  DeliveryAttempt, DeliveryGroup, DeliveryTable, LineKind, OUTCOME_OF_CODE, ParsedLogFile, SmtpTable, SmtpTransaction,
  SpamdykeRecord, SpamdykeTable,
} from './model';

export type Outcome =
  | 'delivered' | 'deferred-delivered' | 'failed' | 'pending'
  | 'rejected-spamdyke' | 'rejected-smtp' | 'no-envelope';

export const OUTCOMES: Outcome[] = ['delivered', 'deferred-delivered', 'failed', 'pending', 'rejected-spamdyke', 'rejected-smtp', 'no-envelope'];

/** A message as features see it: built on demand from the index's tables. */
export interface Message {
  index: number;
  /** Local seconds of the message's first event. */
  time: number;
  sender: string | undefined;
  recipients: string[];
  smtp?: SmtpTransaction;
  /** The message's delivery group first, then retry groups that stand elsewhere in the file. */
  delivery: DeliveryGroup[];
  spamdyke: SpamdykeRecord[];
  bounceOf?: number;
  bounces: number[];
  /** Links that were picked among equal candidates, in words. */
  ambiguous?: string[];
  outcome: Outcome;
  deferred: boolean;
}

export interface LogFileInput {
  id: number;
  path: string;
  port?: number;
  parsed: ParsedLogFile;
}

export interface CorrelationOptions {
  /** Seconds after queueing within which the delivery `init` must follow. */
  windowSeconds?: number;
  /** Year of spamdyke lines when no other log tells it. */
  defaultYear?: number;
}

export interface UtcOffset {
  seconds: number;
  agreeing: number;
  total: number;
}

/** The compact form of a message kept by the index. */
export interface MessageRow {
  smtp: number;
  groups: number[];
  records: number[];
  sender: number;
  time: number;
  outcome: Outcome;
  deferred: boolean;
  bounceOf: number;
  bounces?: number[];
  ambiguous?: string[];
}

/** All files' rows of one kind in one table; `file[i]` is the index (in `files`) of row i's file. */
export interface Joined<T> {
  table: T;
  file: Int32Array;
  /** Row of `i` within its own file's table. */
  row: Int32Array;
}

function joinTables<T extends { count: number }>(tables: Array<T | undefined>, childCounts: Array<[keyof T, keyof T, string[]]> = []): Joined<T> {
  let count = 0;
  for (const t of tables) count += t?.count ?? 0;
  const file = new Int32Array(count);
  const row = new Int32Array(count);
  const present = tables.filter((t): t is T => !!t);
  const out: Record<string, unknown> = { count };
  if (present.length) {
    for (const key of Object.keys(present[0]) as Array<keyof T>) {
      if (key === 'count') continue;
      const sample = present[0][key] as unknown as Float64Array;
      const isChild = childCounts.some(([, , cols]) => cols.includes(key as string));
      let len = 0;
      for (const t of present) len += (t[key] as unknown as Float64Array).length;
      const arr = new (sample.constructor as Float64ArrayConstructor)(isChild ? len : count);
      let at = 0;
      for (const t of present) {
        const src = t[key] as unknown as Float64Array;
        arr.set(src, at);
        at += src.length;
      }
      out[key as string] = arr;
    }
    // Child row pointers (e.g. the first recipient of a transaction) move with the concatenation.
    for (const [startKey] of childCounts) {
      const starts = out[startKey as string] as Uint32Array;
      let rowAt = 0, childAt = 0;
      for (const t of present) {
        const childLen = (t[childCounts[0][2][0] as keyof T] as unknown as Float64Array).length;
        for (let r = 0; r < t.count; r++) starts[rowAt + r] += childAt;
        rowAt += t.count;
        childAt += childLen;
      }
    }
  }
  let at = 0;
  tables.forEach((t, fi) => {
    for (let r = 0; r < (t?.count ?? 0); r++) {
      file[at] = fi;
      row[at++] = r;
    }
  });
  return { table: out as unknown as T, file, row };
}

export interface Correlation {
  rows: MessageRow[];
  /** Per file id: the message index owning each line, -1 for none. */
  lineOwner: Map<number, Int32Array>;
  /** Per spamdyke file id: local seconds of each line, with the inferred year (0 for none). */
  spamdykeTimes: Map<number, Uint32Array>;
  utcOffset?: UtcOffset;
  ambiguousLinks: number;
  files: LogFileInput[];
  txns: Joined<SmtpTable>;
  groups: Joined<DeliveryTable>;
  records: Joined<SpamdykeTable>;
  /** Local seconds of each spamdyke record (global record id). */
  recordTime: Float64Array;
  strings: Interner;
}

export function correlate(allFiles: LogFileInput[], strings: Interner, options: CorrelationOptions = {}): Correlation {
  const files = [...allFiles];
  const txns = joinTables(files.map((f) => f.parsed.smtp), [['rcptStart', 'rcptCount', ['rcptAddress', 'rcptLine', 'rcptTime', 'rcptReplyLine', 'rcptReplyCode']]]);
  const groups = joinTables(files.map((f) => f.parsed.delivery), [['attStart', 'attCount', ['attId', 'attChannel', 'attRecipient', 'attTryLine', 'attTryTime', 'attResultLine', 'attResultTime', 'attOutcome']]]);
  const records = joinTables(files.map((f) => f.parsed.spamdyke));
  const c: Correlation = {
    rows: [], lineOwner: new Map(), spamdykeTimes: new Map(), ambiguousLinks: 0, files, txns, groups, records,
    recordTime: new Float64Array(records.file.length), strings,
  };
  const folders = new Map<string, number[]>();
  files.forEach((f, i) => {
    const dir = nodePath.dirname(f.path);
    const list = folders.get(dir);
    if (list) list.push(i);
    else folders.set(dir, [i]);
  });
  const offsets: UtcOffset[] = [];
  for (const members of folders.values()) {
    const off = new FolderCorrelation(c, new Set(members), options).run();
    if (off) offsets.push(off);
  }
  if (offsets.length) {
    offsets.sort((a, b) => b.total - a.total);
    c.utcOffset = offsets[0];
  }
  const order = c.rows.map((_, i) => i).sort((a, b) => c.rows[a].time - c.rows[b].time || firstLineKey(c, c.rows[a]) - firstLineKey(c, c.rows[b]));
  const renumber = new Int32Array(order.length);
  order.forEach((old, i) => (renumber[old] = i));
  c.rows = order.map((i) => c.rows[i]);
  for (const r of c.rows) {
    if (r.bounceOf >= 0) r.bounceOf = renumber[r.bounceOf];
    if (r.bounces) r.bounces = r.bounces.map((b) => renumber[b]);
  }
  for (const f of files) c.lineOwner.set(f.id, new Int32Array(f.parsed.lineCount).fill(-1));
  c.rows.forEach((r, i) => {
    forEachLine(c, r, (fileIndex, line) => {
      const arr = c.lineOwner.get(files[fileIndex].id)!;
      if (arr[line] < 0) arr[line] = i;
    });
  });
  return c;
}

function firstLineKey(c: Correlation, r: MessageRow): number {
  if (r.smtp >= 0) return c.txns.file[r.smtp] * 1e9 + c.files[c.txns.file[r.smtp]].parsed.smtp!.firstLine[c.txns.row[r.smtp]];
  if (r.groups.length) return c.groups.file[r.groups[0]] * 1e9 + c.files[c.groups.file[r.groups[0]]].parsed.delivery!.firstLine[c.groups.row[r.groups[0]]];
  if (r.records.length) return c.records.file[r.records[0]] * 1e9 + c.files[c.records.file[r.records[0]]].parsed.spamdyke!.line[c.records.row[r.records[0]]];
  return 0;
}

/** Calls fn(file index, line) for every line of a message, in file order per part. */
export function forEachLine(c: Correlation, r: MessageRow, fn: (fileIndex: number, line: number) => void): void {
  const runs = (fileIndex: number, first: number, last: number) => {
    const kinds = c.files[fileIndex].parsed.lineKinds;
    for (let l = first; l <= last; l++) if (kinds[l] !== LineKind.Blank && kinds[l] !== LineKind.Unknown) fn(fileIndex, l);
  };
  if (r.smtp >= 0) {
    const fi = c.txns.file[r.smtp], t = c.files[fi].parsed.smtp!, row = c.txns.row[r.smtp];
    runs(fi, t.firstLine[row], t.lastLine[row]);
  }
  for (const g of r.groups) {
    const fi = c.groups.file[g], d = c.files[fi].parsed.delivery!, row = c.groups.row[g];
    runs(fi, d.firstLine[row], d.lastLine[row]);
  }
  for (const rec of r.records) fn(c.records.file[rec], c.files[c.records.file[rec]].parsed.spamdyke!.line[c.records.row[rec]]);
}

interface Owner {
  main: number;
  groups: number[];
  ambiguous: boolean;
  smtp: number;
  retryCandidates?: Owner[];
  /** Interned sender of the main group, -1 unknown. */
  sender: number;
  time: number;
}

const QP_SPACE = 8388608;

class FolderCorrelation {
  private readonly window: number;
  private readonly txnIds: number[] = [];
  private readonly recordIds: number[] = [];
  private readonly groupIds: number[] = [];

  private readonly S: SmtpTable;
  private readonly D: DeliveryTable;
  private readonly Y: SpamdykeTable;

  constructor(private readonly c: Correlation, private readonly members: Set<number>, private readonly options: CorrelationOptions) {
    this.window = options.windowSeconds ?? 60;
    this.S = c.txns.table;
    this.D = c.groups.table;
    this.Y = c.records.table;
    for (let g = 0; g < c.txns.file.length; g++) if (members.has(c.txns.file[g])) this.txnIds.push(g);
    for (let g = 0; g < c.groups.file.length; g++) if (members.has(c.groups.file[g])) this.groupIds.push(g);
    for (let g = 0; g < c.records.file.length; g++) if (members.has(c.records.file[g])) this.recordIds.push(g);
  }


  private txnTime(t: number): number {
    const s = this.S, row = t;
    return Number.isNaN(s.start[row]) ? (Number.isNaN(s.queueTime[row]) ? 0 : s.queueTime[row]) : s.start[row];
  }

  run(): UtcOffset | undefined {
    const c = this.c;
    this.inferSpamdykeTimes();
    const txns = this.txnIds.slice().sort((a, b) => this.txnTime(a) - this.txnTime(b));
    const txnRecords = new Map<number, number[]>();
    const txnNotes = new Map<number, string[]>();
    const note = (t: number, why: string) => {
      const list = txnNotes.get(t);
      if (list) list.push(why);
      else txnNotes.set(t, [why]);
    };

    const owners: Owner[] = [];
    for (const fi of this.members) {
      const d = c.files[fi].parsed.delivery;
      if (!d) continue;
      const ids = this.groupIds.filter((g) => c.groups.file[g] === fi);
      const joined = this.joinRetries(ids);
      owners.push(...joined.owners);
      c.ambiguousLinks += joined.ambiguous;
    }

    // spamdyke ↔ SMTP
    let baseEpoch = Infinity;
    for (const t of txns) {
      const s = this.S, row = t;
      if (!Number.isNaN(s.epoch[row]) && s.epoch[row] < baseEpoch) baseEpoch = s.epoch[row];
    }
    const qpKey = (epoch: number, qp: number) => (epoch - baseEpoch) * QP_SPACE + (qp % QP_SPACE);
    const byQp = new Map<number, number[]>();
    const slotsByKey = new Map<number, number[]>();
    const RCPT = 4096;
    for (const t of txns) {
      const s = this.S, row = t;
      if (s.queueLine[row] >= 0) {
        const key = qpKey(s.epoch[row], s.qp[row]);
        const list = byQp.get(key);
        if (list) list.push(t);
        else byQp.set(key, [t]);
      }
      const start = s.rcptStart[row];
      const sender = s.sender[row] < 0 ? c.strings.id('') : s.sender[row];
      for (let j = 0; j < s.rcptCount[row] && j < RCPT; j++) {
        const key = sender * 67108864 + s.rcptAddress[start + j];
        const list = slotsByKey.get(key);
        if (list) list.push(t * RCPT + j);
        else slotsByKey.set(key, [t * RCPT + j]);
      }
    }
    const usedSlots = new Set<number>();
    const orphans: number[] = [];
    const records = this.recordIds.slice().sort((a, b) => c.recordTime[a] - c.recordTime[b]);
    const timeoutId = c.strings.find('TIMEOUT');
    const allowedId = c.strings.find('ALLOWED');
    for (const rec of records) {
      const sd = this.Y, row = rec;
      const time = c.recordTime[rec];
      let target = -1;
      if (!Number.isNaN(sd.qp[row]) && baseEpoch !== Infinity) {
        const list = byQp.get(qpKey(sd.epoch[row], sd.qp[row]));
        if (list && list.length) {
          target = list[0];
          for (const t of list) {
            const s = this.S, r2 = t;
            const b = this.S, r3 = target;
            if (Math.abs(s.queueTime[r2] - time) < Math.abs(b.queueTime[r3] - time)) target = t;
          }
          if (list.length > 1) note(target, `spamdyke line ${sd.line[row] + 1}: qp ${sd.qp[row]} was queued more than once`);
        }
      }
      if (target < 0 && sd.hasEnvelope[row]) {
        const slots = slotsByKey.get(sd.sender[row] * 67108864 + sd.recipient[row]);
        if (slots) {
          const timeout = sd.verdict[row] === timeoutId;
          const denial = sd.verdict[row] !== allowedId;
          let best = -1, bestScore = Infinity, ties = 0;
          for (const slot of slots) {
            if (usedSlots.has(slot)) continue;
            const t = Math.floor(slot / RCPT), j = slot % RCPT;
            const s = this.S, r2 = t;
            const ri = s.rcptStart[r2] + j;
            const queued = s.queueLine[r2] >= 0;
            // A TIMEOUT comes when the client stopped talking: minutes after the transaction's
            // last entry, never for one that was queued. A refusal is logged when it happens:
            // at RCPT, or after DATA (size, content).
            const dt = timeout
              ? (queued || time < s.end[r2] - 1 || time > s.end[r2] + 900 ? Infinity : Math.max(0, time - s.end[r2]) / 1000)
              : Math.min(Math.abs(s.rcptTime[ri] - time), Math.abs(s.end[r2] - time));
            if (dt > 1 || time < s.start[r2] - 1) continue;
            const accepted = s.rcptReplyCode[ri] >= 200 && s.rcptReplyCode[ri] < 300;
            const refused = !accepted || (!queued && s.lastCode[r2] !== 0 && (s.lastCode[r2] < 200 || s.lastCode[r2] >= 300));
            const score = dt * 2 + (refused === denial ? 0 : 1);
            if (score < bestScore) {
              best = slot;
              bestScore = score;
              ties = 0;
            } else if (score === bestScore) {
              ties++;
            }
          }
          if (best >= 0) {
            usedSlots.add(best);
            target = Math.floor(best / RCPT);
            if (ties > 0) {
              c.ambiguousLinks++;
              note(target, `spamdyke line ${sd.line[row] + 1} fits ${ties + 1} SMTP transactions equally (same second, sender and recipient)`);
            }
          }
        }
      }
      if (target >= 0) {
        const list = txnRecords.get(target);
        if (list) list.push(rec);
        else txnRecords.set(target, [rec]);
      } else {
        orphans.push(rec);
      }
    }

    // SMTP (queued) → delivery init: the first unclaimed init at or after the queue time (a
    // second early for rounding) with the same sender and recipients.
    const ownersBySender = new Map<number, Owner[]>();
    for (const o of owners) {
      const d = this.D, row = o.main;
      if (d.initLine[row] < 0 || d.sender[row] < 0) continue;
      const list = ownersBySender.get(d.sender[row]);
      if (list) list.push(o);
      else ownersBySender.set(d.sender[row], [o]);
    }
    for (const list of ownersBySender.values()) list.sort((a, b) => a.time - b.time);
    const queued = txns.filter((t) => {
      const s = this.S, row = t;
      return s.queueLine[row] >= 0 && s.sender[row] >= 0;
    }).sort((a, b) => {
      const s1 = this.S, r1 = a;
      const s2 = this.S, r2 = b;
      return s1.queueTime[r1] - s2.queueTime[r2];
    });
    const ownerOfTxn = new Map<number, Owner>();
    for (const t of queued) {
      const s = this.S, row = t;
      const list = ownersBySender.get(s.sender[row]);
      if (!list) continue;
      const accepted = new Set<string>();
      for (let j = 0; j < s.rcptCount[row]; j++) {
        const ri = s.rcptStart[row] + j;
        if (s.rcptReplyCode[ri] >= 200 && s.rcptReplyCode[ri] < 300) accepted.add(c.strings.get(s.rcptAddress[ri]));
      }
      const qt = s.queueTime[row];
      let best: Owner | undefined, bestScore = Infinity, ties = 0;
      for (let i = lowerBound(list, qt - 1); i < list.length && list[i].time <= qt + this.window; i++) {
        const o = list[i];
        if (o.smtp >= 0) continue;
        const overlap = this.recipientOverlap(accepted, o.main);
        if (overlap === 0) continue;
        const score = (overlap === 2 ? 0 : 100000) + Math.max(0, o.time - qt);
        if (score < bestScore) {
          best = o;
          bestScore = score;
          ties = 0;
        } else if (score === bestScore) {
          ties++;
        }
      }
      if (best) {
        best.smtp = t;
        ownerOfTxn.set(t, best);
        if (ties > 0) {
          c.ambiguousLinks++;
          const d = this.D, drow = best.main;
          note(t, `the delivery group at line ${d.firstLine[drow] + 1} was one of ${ties + 1} equally good candidates`);
        }
      }
    }

    // Retries that came back with an `init` of their own (per-attempt delivery ids).
    const merged = new Set<Owner>();
    for (const o of owners) {
      if (o.smtp >= 0 || !o.retryCandidates || o.retryCandidates.length === 0) continue;
      const into = o.retryCandidates.find((x) => !merged.has(x)) ?? o.retryCandidates[0];
      into.groups.push(...o.groups);
      if (o.retryCandidates.length > 1) {
        into.ambiguous = true;
        c.ambiguousLinks++;
      }
      merged.add(o);
    }

    const RETRY_NOTE = 'a retry group could belong to more than one deferred message';
    const first = c.rows.length;
    for (const t of txns) {
      const o = ownerOfTxn.get(t);
      const notes = [...(txnNotes.get(t) ?? [])];
      if (o?.ambiguous) notes.push(RETRY_NOTE);
      const s = this.S, row = t;
      this.push({ smtp: t, groups: o ? o.groups : [], records: txnRecords.get(t) ?? [], sender: s.sender[row], ambiguous: notes.length ? notes : undefined });
    }
    for (const o of owners) {
      if (o.smtp >= 0 || merged.has(o)) continue;
      this.push({ smtp: -1, groups: o.groups, records: [], sender: o.sender, ambiguous: o.ambiguous ? [RETRY_NOTE] : undefined });
    }
    for (const r of orphans) {
      const sd = this.Y, row = r;
      const hasSender = sd.hasEnvelope[row] || c.strings.get(sd.sender[row]) !== '';
      this.push({ smtp: -1, groups: [], records: [r], sender: hasSender ? sd.sender[row] : -1 });
    }
    this.linkBounces(first);
    return this.deriveUtcOffset(txns);
  }

  private push(partial: { smtp: number; groups: number[]; records: number[]; sender: number; ambiguous?: string[] }): void {
    const row: MessageRow = { ...partial, time: NaN, outcome: 'no-envelope', deferred: false, bounceOf: -1 };
    this.finish(row);
    this.c.rows.push(row);
  }

  private recipientOverlap(accepted: Set<string>, group: number): number {
    const d = this.D, row = group;
    const tried = new Set<string>();
    for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) tried.add(deliveryRecipient(this.c.strings.get(d.attRecipient[a])));
    let common = 0;
    for (const r of tried) if (accepted.has(r)) common++;
    if (common === 0) return 0;
    return common === tried.size && common === accepted.size ? 2 : 1;
  }

  /**
   * Groups the delivery log's groups into messages: a group without `init`, or one whose tries
   * continue a deferred delivery id, is a retry of an earlier deferred message.
   */
  private joinRetries(ids: number[]): { owners: Owner[]; ambiguous: number } {
    const c = this.c;
    let ambiguous = 0;
    const owners: Owner[] = [];
    const pendingById = new Map<number, Owner>();
    const pendingByRcpt = new Map<number, Owner[]>();
    const idsPersist = this.retriesKeepTheirId(ids);
    for (const g of ids) {
      const d = this.D, row = g;
      const a0 = d.attStart[row];
      const hasTry = d.attCount[row] > 0;
      const hasInit = d.initLine[row] >= 0;
      let owner: Owner | undefined;
      let guessed = false;
      if (hasTry) {
        const byId = pendingById.get(d.attId[a0]);
        if (byId && (!hasInit || byId.sender === d.sender[row]) && this.ownerTried(byId, d.attRecipient[a0])) {
          owner = byId;
        } else if (!hasInit) {
          const list = pendingByRcpt.get(d.attRecipient[a0]);
          if (list && list.length) {
            owner = list[0];
            guessed = list.length > 1;
          }
        }
      }
      if (owner) {
        owner.groups.push(g);
        if (guessed) {
          owner.ambiguous = true;
          ambiguous++;
        }
      } else {
        owner = { main: g, groups: [g], ambiguous: false, smtp: -1, sender: hasInit ? d.sender[row] : -1, time: d.time[row] };
        // Where the log shows that retries keep their id, a group with an init and a new id
        // is a new message, however much it looks like a retry.
        if (hasInit && hasTry && !idsPersist) {
          const sender = d.sender[row];
          const candidates = (pendingByRcpt.get(d.attRecipient[a0]) ?? []).filter((x) => x.sender === sender);
          if (candidates.length) owner.retryCandidates = candidates.slice();
        }
        owners.push(owner);
      }
      for (let a = a0; a < a0 + d.attCount[row]; a++) {
        const outcome = OUTCOME_OF_CODE[d.attOutcome[a]];
        const rcpt = d.attRecipient[a];
        if (outcome === 'deferral') {
          pendingById.set(d.attId[a], owner);
          const list = pendingByRcpt.get(rcpt);
          if (!list) pendingByRcpt.set(rcpt, [owner]);
          else if (!list.includes(owner)) list.push(owner);
        } else if (outcome) {
          if (pendingById.get(d.attId[a]) === owner) pendingById.delete(d.attId[a]);
          const list = pendingByRcpt.get(rcpt);
          if (list) {
            const i = list.indexOf(owner);
            if (i >= 0) list.splice(i, 1);
            if (list.length === 0) pendingByRcpt.delete(rcpt);
          }
        }
      }
    }
    void c;
    return { owners, ambiguous };
  }

  private ownerTried(o: Owner, recipient: number): boolean {
    for (const g of o.groups) {
      const d = this.D, row = g;
      for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) if (d.attRecipient[a] === recipient) return true;
    }
    return false;
  }

  /** Whether this log numbers deliveries per message: some deferred id is tried again later. */
  private retriesKeepTheirId(ids: number[]): boolean {
    const deferred = new Set<number>();
    for (const g of ids) {
      const d = this.D, row = g;
      for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) {
        const key = d.attId[a] * 67108864 + d.attRecipient[a];
        if (deferred.has(key)) return true;
        if (d.attOutcome[a] === 2) deferred.add(key);
      }
    }
    return false;
  }

  private finish(m: MessageRow): void {
    const c = this.c;
    let time = Infinity;
    if (m.smtp >= 0) {
      const t = this.txnTime(m.smtp);
      if (t) time = Math.min(time, t);
    }
    const last = new Map<number, number>();
    let deferred = false;
    const attempts: Array<[number, number, number]> = [];
    for (const g of m.groups) {
      const d = this.D, row = g;
      if (!Number.isNaN(d.time[row])) time = Math.min(time, d.time[row]);
      for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) attempts.push([d.attTryTime[a], d.attRecipient[a], d.attOutcome[a]]);
      if (m.sender < 0 && d.initLine[row] >= 0) m.sender = d.sender[row];
    }
    for (const r of m.records) if (!Number.isNaN(c.recordTime[r])) time = Math.min(time, c.recordTime[r]);
    m.time = time === Infinity ? NaN : time;
    attempts.sort((a, b) => a[0] - b[0]);
    for (const [, rcpt, outcome] of attempts) {
      last.set(rcpt, outcome);
      if (outcome === 2) deferred = true;
    }
    m.deferred = deferred;
    if (attempts.length) {
      const finals = [...last.values()];
      m.outcome = finals.includes(3) ? 'failed' : finals.some((o) => o !== 1) ? 'pending' : deferred ? 'deferred-delivered' : 'delivered';
      return;
    }
    let denied = false, deniedOther = false, allowed = false, envelope = false;
    for (const r of m.records) {
      const sd = this.Y, row = r;
      const v = c.strings.get(sd.verdict[row]);
      if (v === 'DENIED_OTHER') deniedOther = true;
      else if (v.startsWith('DENIED_')) denied = true;
      else if (v === 'ALLOWED') allowed = true;
      if (sd.hasEnvelope[row]) envelope = true;
    }
    if (m.smtp >= 0) {
      const s = this.S, row = m.smtp;
      if (s.queueLine[row] >= 0) m.outcome = 'pending';
      else if (denied) m.outcome = 'rejected-spamdyke';
      else if (s.rcptCount[row] === 0 && !envelope) m.outcome = 'no-envelope';
      else m.outcome = 'rejected-smtp';
      return;
    }
    m.outcome = denied ? 'rejected-spamdyke' : deniedOther ? 'rejected-smtp' : allowed ? 'pending' : 'no-envelope';
  }

  /** A failed delivery is normally followed by a bounce: a null-sender message to the original sender. */
  private linkBounces(first: number): void {
    const c = this.c;
    const empty = c.strings.find('');
    const failures: Array<{ m: number; time: number; linked: boolean }> = [];
    const bySender = new Map<number, typeof failures>();
    for (let i = first; i < c.rows.length; i++) {
      const m = c.rows[i];
      for (const g of m.groups) {
        const d = this.D, row = g;
        for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) {
          if (d.attOutcome[a] !== 3) continue;
          const f = { m: i, time: d.attResultTime[a], linked: false };
          failures.push(f);
          const key = m.sender < 0 ? empty : m.sender;
          const list = bySender.get(key);
          if (list) list.push(f);
          else bySender.set(key, [f]);
        }
      }
    }
    if (!failures.length) return;
    for (const list of bySender.values()) list.sort((a, b) => a.time - b.time);
    for (let i = first; i < c.rows.length; i++) {
      const m = c.rows[i];
      if (m.smtp >= 0 || m.sender !== empty || !m.groups.length) continue;
      const d = this.D, row = m.groups[0];
      if (!d.attCount[row]) continue;
      const to = c.strings.find(deliveryRecipient(c.strings.get(d.attRecipient[d.attStart[row]])));
      const list = bySender.get(to);
      if (!list) continue;
      let pick: (typeof failures)[number] | undefined;
      for (const f of list) {
        if (f.linked || f.m === i) continue;
        if (f.time <= m.time + 1 && f.time >= m.time - 600) pick = f;
      }
      if (pick) {
        pick.linked = true;
        m.bounceOf = pick.m;
        const o = c.rows[pick.m];
        (o.bounces ??= []).push(i);
      }
    }
  }

  /** The year of year-less spamdyke stamps, from the other logs, across a December→January turn. */
  private inferSpamdykeTimes(): void {
    const c = this.c;
    let reference = NaN;
    for (const fi of this.members) {
      const f = c.files[fi].parsed;
      if (f.format === 'spamdyke') continue;
      for (let i = 0; i < f.lineTimes.length; i++) {
        if (f.lineTimes[i]) {
          if (Number.isNaN(reference) || f.lineTimes[i] < reference) reference = f.lineTimes[i];
          break;
        }
      }
    }
    for (const fi of this.members) {
      const f = c.files[fi];
      const sd = f.parsed.spamdyke;
      if (!sd) continue;
      const ids = this.recordIds.filter((r) => c.records.file[r] === fi);
      const times = new Uint32Array(f.parsed.lineCount);
      let year = this.options.defaultYear ?? new Date().getUTCFullYear();
      if (sd.count && !Number.isNaN(reference)) {
        const ref = civilFromLocalSeconds(reference);
        let bestDist = Infinity;
        for (const y of [ref.year - 1, ref.year, ref.year + 1]) {
          const dist = Math.abs(localSecondsFor(y, sd.month[0], sd.day[0], sd.secondsOfDay[0]) - reference);
          if (dist < bestDist) {
            bestDist = dist;
            year = y;
          }
        }
      }
      let prevMonth = sd.count ? sd.month[0] : 0;
      for (const r of ids) {
        const row = c.records.row[r];
        const month = sd.month[row];
        if (month < prevMonth && prevMonth - month >= 6) year++;
        else if (month > prevMonth && month - prevMonth >= 6) year--;
        prevMonth = month;
        const t = localSecondsFor(year, month, sd.day[row], sd.secondsOfDay[row]);
        c.recordTime[r] = t;
        if (!times[sd.line[row]]) times[sd.line[row]] = t;
      }
      c.spamdykeTimes.set(f.id, times);
    }
  }

  /** The server's UTC offset: local time of the queue reply minus its UTC EPOCH, where they agree. */
  private deriveUtcOffset(txns: number[]): UtcOffset | undefined {
    const counts = new Map<number, number>();
    let total = 0;
    for (const t of txns) {
      const s = this.S, row = t;
      if (s.queueLine[row] < 0 || Number.isNaN(s.queueTime[row])) continue;
      // Round to the quarter hour: the reply's second and the epoch may differ by a second or two.
      const off = Math.round((s.queueTime[row] - s.epoch[row]) / 900) * 900;
      counts.set(off, (counts.get(off) ?? 0) + 1);
      total++;
    }
    if (!total) return undefined;
    let best = 0, bestCount = 0;
    for (const [off, n] of counts) if (n > bestCount) { best = off; bestCount = n; }
    return { seconds: best, agreeing: bestCount, total };
  }
}

function lowerBound(list: Owner[], time: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** qmail's virtual domains deliver `user@dom` locally as `dom-user@dom`: compare without that prefix. */
export function deliveryRecipient(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const prefix = address.slice(at + 1) + '-';
  return address.startsWith(prefix) ? address.slice(prefix.length) : address;
}

/** The message view of a row: objects built from the tables, for features. */
export function materialize(c: Correlation, index: number): Message {
  const r = c.rows[index];
  const s = c.strings;
  const str = (id: number) => (id < 0 ? undefined : s.get(id));
  let smtp: SmtpTransaction | undefined;
  const recipients = new Set<string>();
  if (r.smtp >= 0) {
    const fi = c.txns.file[r.smtp], t = c.files[fi].parsed.smtp!, row = c.txns.row[r.smtp];
    const rcpts = [];
    for (let j = 0; j < t.rcptCount[row]; j++) {
      const ri = t.rcptStart[row] + j;
      const code = t.rcptReplyCode[ri];
      rcpts.push({ address: s.get(t.rcptAddress[ri]), line: t.rcptLine[ri], time: t.rcptTime[ri], replyLine: t.rcptReplyLine[ri], replyCode: code ? String(code) : '', accepted: code >= 200 && code < 300 });
      recipients.add(s.get(t.rcptAddress[ri]));
    }
    smtp = {
      file: c.files[fi].id, firstLine: t.firstLine[row], lastLine: t.lastLine[row], start: t.start[row], end: t.end[row],
      sender: str(t.sender[row]), recipients: rcpts, lastReplyLine: t.lastReplyLine[row],
      lastCode: t.lastCode[row] ? String(t.lastCode[row]) : undefined,
      queue: t.queueLine[row] >= 0 ? { line: t.queueLine[row], time: t.queueTime[row], epoch: t.epoch[row], qp: t.qp[row] } : undefined,
    };
  }
  const delivery: DeliveryGroup[] = r.groups.map((g) => {
    const fi = c.groups.file[g], d = c.files[fi].parsed.delivery!, row = c.groups.row[g];
    const attempts: DeliveryAttempt[] = [];
    for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) {
      attempts.push({
        id: String(d.attId[a]), channel: d.attChannel[a] === 1 ? 'local' : d.attChannel[a] === 2 ? 'remote' : '', recipient: s.get(d.attRecipient[a]),
        tryLine: d.attTryLine[a], tryTime: d.attTryTime[a], resultLine: d.attResultLine[a], resultTime: d.attResultTime[a], outcome: OUTCOME_OF_CODE[d.attOutcome[a]],
      });
      recipients.add(deliveryRecipient(s.get(d.attRecipient[a])));
    }
    const lines: number[] = [];
    const kinds = c.files[fi].parsed.lineKinds;
    for (let l = d.firstLine[row]; l <= d.lastLine[row]; l++) if (kinds[l] !== LineKind.Blank && kinds[l] !== LineKind.Unknown) lines.push(l);
    return { file: c.files[fi].id, lines, initLine: d.initLine[row], sender: str(d.sender[row]), time: d.time[row], attempts };
  });
  const spamdyke: SpamdykeRecord[] = r.records.map((rec) => {
    const fi = c.records.file[rec], sd = c.files[fi].parsed.spamdyke!, row = c.records.row[rec];
    if (sd.hasEnvelope[row]) recipients.add(s.get(sd.recipient[row]));
    return {
      file: c.files[fi].id, line: sd.line[row], verdict: s.get(sd.verdict[row]), sender: s.get(sd.sender[row]), recipient: s.get(sd.recipient[row]),
      hasEnvelope: sd.hasEnvelope[row] === 1, ip: s.get(sd.ip[row]), month: sd.month[row], day: sd.day[row], secondsOfDay: sd.secondsOfDay[row],
      time: c.recordTime[rec], qp: Number.isNaN(sd.qp[row]) ? undefined : sd.qp[row], epoch: Number.isNaN(sd.epoch[row]) ? undefined : sd.epoch[row],
    };
  });
  return {
    index, time: r.time, sender: str(r.sender), recipients: [...recipients], smtp, delivery, spamdyke,
    bounceOf: r.bounceOf >= 0 ? r.bounceOf : undefined, bounces: r.bounces ?? [], ambiguous: r.ambiguous, outcome: r.outcome, deferred: r.deferred,
  };
}

/** Every (file id, line) of a message, in file order per part. */
export function messageLines(c: Correlation, index: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  forEachLine(c, c.rows[index], (fi, line) => out.push([c.files[fi].id, line]));
  return out;
}
