// Correlation: joins the records of all logs into messages, as FORMATS.md describes.
// Files are correlated per folder (one download each). Every link that had to be chosen among
// equally good candidates is kept and marked ambiguous.
//
// Everything here works on numbers: record ids index the per-file tables, lists are chains in
// typed arrays, and a message is a row of typed arrays. Message objects for features are built
// on demand by `materialize`.
import * as nodePath from 'path';
import { addressKey, addressKeys } from './addressKey';
import { Interner, IntTable } from './columns';
import { civilFromLocalSeconds, localSecondsFor } from './time';
import { deriveUtcOffset, offsetAtLocal, UtcOffset } from './utcOffset';
import {
  DeliveryAttempt, DeliveryGroup, DeliveryTable, fromCell, LineKind, NO_VALUE, OUTCOME_CODE, OUTCOME_OF_CODE, ParsedLogFile, SmtpTable,
  SmtpTransaction, SpamdykeRecord, SpamdykeTable,
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
  /** spamdyke's diagnostic lines of the same connection (FILTER_*, ERROR, ...), in line order. */
  spamdykeDiagnostics: Array<{ file: number; line: number; time: number }>;
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
  /** Its first lines repeat another file's: they belong to that file's messages. */
  repeat?: { of: string; fromLine: number; lines: number };
  /** Its last lines are repeated by a later file that holds their record whole: they belong to its messages. */
  repeatedTail?: { by: string; fromLine: number; line: number };
}

export interface CorrelationOptions {
  /** Seconds after queueing within which the delivery `init` must follow. */
  windowSeconds?: number;
  /** Year of spamdyke lines when no other log tells it. */
  defaultYear?: number;
  /**
   * Called between the phases of correlation, when the scratch arrays of the phase before are
   * garbage. A batch run can collect them here, so that they do not add to the next phase's peak.
   */
  betweenPhases?: () => void;
}

export type { UtcOffset };

/** Record ids of one kind over all files: id → (file index, row in that file's table). */
export interface RecordIds {
  file: Int32Array;
  row: Int32Array;
  /** First id of each file (by file index). */
  base: Int32Array;
}

export interface Correlation {
  files: LogFileInput[];
  strings: Interner;
  txns: RecordIds;
  groups: RecordIds;
  records: RecordIds;
  /** Local seconds of each spamdyke record, with the inferred year. */
  recordTime: Float64Array;
  /** Next delivery group of the same message (main group first), -1 at the end. */
  groupNext: Int32Array;
  /** Next spamdyke record of the same message, -1 at the end. */
  recordNext: Int32Array;
  messageCount: number;
  msgSmtp: Int32Array;
  msgGroup: Int32Array;
  msgRecord: Int32Array;
  msgSender: Int32Array;
  msgTime: Float64Array;
  msgOutcome: Uint8Array;
  msgDeferred: Uint8Array;
  msgBounceOf: Int32Array;
  bounces: Map<number, number[]>;
  ambiguous: Map<number, string[]>;
  /** Per file id: the message index owning each line, -1 for none (built on first use). */
  lineOwner: LineOwners;
  /** Per spamdyke file id: local seconds of each line, with the inferred year (0 for none). */
  spamdykeTimes: Map<number, Uint32Array>;
  /** spamdyke diagnostic lines over all files: id → (file index, row in its `diagnostics`). */
  diagnostics: RecordIds;
  /** Per message, its first diagnostic line (joined by spamdyke's pid); messages without any are absent. */
  diagnosticHead: Map<number, number>;
  /** Next diagnostic line of the same message, -1 at the end. */
  diagnosticNext: Int32Array;
  diagnosticsJoined: number;
  /** The offset of the folder with the most queue replies: for a folder without any. */
  utcOffset?: UtcOffset;
  /** Per folder (a download, perhaps of another server), its own offset where its replies tell it. */
  utcOffsetOfFolder: Map<string, UtcOffset>;
  ambiguousLinks: number;
}

const NONE = -1;
/** How far apart in time the lines of one spamdyke connection may stand. */
const CONNECTION_SECONDS = 3600;

/** A small-integer hash of two ids (collisions are resolved by the caller). */
function pairKey(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ b) & 0x3fffffff;
}
const RETRY_NOTE = 'a retry group could belong to more than one deferred message';

const NO_RETRY_DUE = 1000;

/**
 * How late a retry `elapsed` seconds after its message entered the queue comes for a schedule of
 * retries at (unit·k)² seconds, k ≥ 1: whole minutes after the last retry due by then (a few
 * seconds early counts as on time); NO_RETRY_DUE when no retry was due yet.
 */
function minutesLate(elapsed: number, unit: number): number {
  const k = Math.floor(Math.sqrt(Math.max(0, elapsed + 5)) / unit);
  if (k < 1) return NO_RETRY_DUE;
  return Math.floor(Math.max(0, elapsed - unit * unit * k * k) / 60);
}

/** The lowest-scoring candidate offered, and how many others tied with it. */
class BestCandidate {
  best = NONE;
  score = Infinity;
  ties = 0;

  offer(candidate: number, score: number): void {
    if (score < this.score) {
      this.best = candidate;
      this.score = score;
      this.ties = 0;
    } else if (score === this.score) {
      this.ties++;
    }
  }
}

/** Every recipient of every transaction, chained by (sender, recipient) in transaction order. */
interface RecipientSlots {
  txn: Int32Array;
  rcpt: Int32Array;
  sender: Int32Array;
  next: Int32Array;
  used: Uint8Array;
  head: IntTable;
}

function recordIds(files: LogFileInput[], count: (p: ParsedLogFile) => number): RecordIds {
  const base = new Int32Array(files.length + 1);
  files.forEach((f, i) => (base[i + 1] = base[i] + count(f.parsed)));
  const n = base[files.length];
  const file = new Int32Array(n), row = new Int32Array(n);
  files.forEach((f, i) => {
    for (let r = 0, id = base[i]; r < count(f.parsed); r++, id++) {
      file[id] = i;
      row[id] = r;
    }
  });
  return { file, row, base };
}

/** Growable Int32 list for message rows under construction. */
class Ints {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

export function correlate(allFiles: LogFileInput[], strings: Interner, options: CorrelationOptions = {}): Correlation {
  const files = [...allFiles];
  const txns = recordIds(files, (p) => p.smtp?.count ?? 0);
  const groups = recordIds(files, (p) => p.delivery?.count ?? 0);
  const records = recordIds(files, (p) => p.spamdyke?.count ?? 0);
  const diagnostics = recordIds(files, (p) => p.spamdyke?.diagnostics.count ?? 0);
  const build = new Builder(files, strings, txns, groups, records, diagnostics, options);
  const folders = new Map<string, number[]>();
  files.forEach((f, i) => {
    const dir = nodePath.dirname(f.path);
    const list = folders.get(dir);
    if (list) list.push(i);
    else folders.set(dir, [i]);
  });
  let utcOffset: UtcOffset | undefined;
  const utcOffsetOfFolder = new Map<string, UtcOffset>();
  for (const [folder, members] of folders) {
    const off = build.folder(members);
    if (!off) continue;
    utcOffsetOfFolder.set(folder, off);
    if (!utcOffset || off.total > utcOffset.total) utcOffset = off;
  }
  return build.finish(utcOffset, utcOffsetOfFolder);
}

class Builder {
  readonly smtpOf: Array<SmtpTable | undefined>;
  readonly deliveryOf: Array<DeliveryTable | undefined>;
  readonly spamdykeOf: Array<SpamdykeTable | undefined>;
  readonly recordTime: Float64Array;
  readonly groupNext: Int32Array;
  readonly groupTail: Int32Array;
  readonly recordNext: Int32Array;
  readonly spamdykeTimes = new Map<number, Uint32Array>();
  private readonly diagnosticHead = new Map<number, number>();
  private readonly diagnosticNext: Int32Array;
  private diagnosticsJoined = 0;
  private readonly mSmtp = new Ints();
  private readonly mGroup = new Ints();
  private readonly mRecord = new Ints();
  private readonly notes = new Map<number, string[]>();
  private readonly deliveryNorm: Int32Array;
  /** Per string id, the id of its spelling-independent address key (core/addressKey.ts). */
  private readonly keyOf: Int32Array;
  private readonly msgOfTxn: Int32Array;
  private readonly recordTailOfTxn: Int32Array;
  private readonly groupTxn: Int32Array;
  // Per-recipient outcome of one message's attempts (a message has few recipients).
  private readonly scratchRcpt = new Int32Array(4096);
  private readonly scratchTime = new Float64Array(4096);
  private readonly scratchOutcome = new Uint8Array(4096);
  private readonly qpNext: Int32Array;
  private readonly recordTarget: Int32Array;
  ambiguousLinks = 0;
  private readonly window: number;
  private readonly emptyId: number;

  constructor(readonly files: LogFileInput[], readonly strings: Interner, readonly txns: RecordIds, readonly groups: RecordIds,
    readonly records: RecordIds, readonly diagnostics: RecordIds, readonly options: CorrelationOptions) {
    this.smtpOf = files.map((f) => f.parsed.smtp);
    this.deliveryOf = files.map((f) => f.parsed.delivery);
    this.spamdykeOf = files.map((f) => f.parsed.spamdyke);
    this.recordTime = new Float64Array(records.file.length);
    this.groupNext = new Int32Array(groups.file.length).fill(NONE);
    this.groupTail = new Int32Array(groups.file.length);
    for (let g = 0; g < this.groupTail.length; g++) this.groupTail[g] = g;
    this.recordNext = new Int32Array(records.file.length).fill(NONE);
    this.diagnosticNext = new Int32Array(diagnostics.file.length).fill(NONE);
    this.window = options.windowSeconds ?? 60;
    this.emptyId = strings.id('');
    this.keyOf = addressKeys(strings);
    this.deliveryNorm = new Int32Array(strings.values.length + 1).fill(NONE);
    this.msgOfTxn = new Int32Array(txns.file.length).fill(NONE);
    this.recordTailOfTxn = new Int32Array(txns.file.length).fill(NONE);
    this.groupTxn = new Int32Array(groups.file.length).fill(NONE);
    this.qpNext = new Int32Array(txns.file.length).fill(NONE);
    this.recordTarget = new Int32Array(records.file.length).fill(NONE);
  }

  private note(message: number, why: string): void {
    const list = this.notes.get(message);
    if (list) list.push(why);
    else this.notes.set(message, [why]);
  }

  /** The id of an address's key; ids interned after correlation began are their own key. */
  private key(id: number): number {
    return id >= 0 && id < this.keyOf.length ? this.keyOf[id] : id;
  }

  /** Interned recipient key without qmail's `domain-` virtual-domain prefix. */
  private normRecipient(id: number): number {
    id = this.key(id);
    if (id >= this.deliveryNorm.length) return this.strings.id(deliveryRecipient(this.strings.get(id)));
    let n = this.deliveryNorm[id];
    if (n === NONE) {
      const s = this.strings.get(id);
      const d = deliveryRecipient(s);
      n = d === s ? id : this.strings.id(d);
      this.deliveryNorm[id] = n;
    }
    return n;
  }

  private appendGroup(owner: number, g: number): void {
    this.groupNext[this.groupTail[owner]] = g;
    this.groupTail[owner] = this.groupTail[g];
  }

  folder(members: number[]): UtcOffset | undefined {
    const { txns, records } = this;
    const idsOf = (ids: RecordIds) => {
      let n = 0;
      for (const fi of members) n += ids.base[fi + 1] - ids.base[fi];
      const out = new Int32Array(n);
      let k = 0;
      for (const fi of members) for (let id = ids.base[fi]; id < ids.base[fi + 1]; id++) out[k++] = id;
      return out;
    };
    const txnIds = idsOf(txns), recIds = idsOf(records);
    this.inferSpamdykeTimes(members);
    const utcOffset = this.deriveUtcOffset(txnIds);

    // Transactions by start time.
    const tStart = (t: number) => {
      const s = this.smtpOf[txns.file[t]]!, r = txns.row[t];
      const v = s.start[r];
      return v === NO_VALUE ? s.queueTime[r] : v;
    };
    const txnByStart = sortBy(txnIds, (t) => tStart(t));

    // Each transaction's message number in this folder is its position in start order.
    const firstMessage = this.mSmtp.length;
    const msgOfTxn = this.msgOfTxn;
    for (let i = 0; i < txnByStart.length; i++) {
      const t = txnByStart[i];
      msgOfTxn[t] = firstMessage + i;
      this.mSmtp.push(t);
      this.mGroup.push(NONE);
      this.mRecord.push(NONE);
    }

    const between = this.options.betweenPhases ?? (() => undefined);
    between();
    const recordTarget = this.matchSpamdyke(txnByStart, recIds, msgOfTxn);
    between();
    const owners = this.joinRetries(members);
    between();
    const ownerTxn = this.matchDelivery(txnByStart, owners, msgOfTxn, utcOffset);
    between();

    // Retries that came back with an `init` of their own (per-attempt delivery ids).
    const merged = new Set<number>();
    for (const [o, candidates] of owners.retryCandidates) {
      if (ownerTxn[o] !== NONE) continue;
      const open = candidates.filter((x) => !merged.has(x));
      const pick = this.bySchedule(open.length ? open : candidates, o);
      // No candidate had a retry due yet: a new message, not a retry.
      if (pick.score >= NO_RETRY_DUE) continue;
      this.appendGroup(pick.best, o);
      merged.add(o);
      if (pick.ties > 0) {
        owners.ambiguous.add(pick.best);
        this.ambiguousLinks++;
      }
    }
    const absorbed = this.joinSplitFirstRounds(owners.mains, merged, ownerTxn);
    for (const o of owners.mains) {
      if (merged.has(o) || absorbed.has(o)) continue;
      const t = ownerTxn[o];
      let m: number;
      if (t !== NONE) {
        m = msgOfTxn[t];
        this.mGroup.data[m] = o;
      } else {
        m = this.mSmtp.length;
        this.mSmtp.push(NONE);
        this.mGroup.push(o);
        this.mRecord.push(NONE);
      }
      if (owners.ambiguous.has(o)) this.note(m, RETRY_NOTE);
    }
    // spamdyke records: chained onto their transaction's message, or messages of their own.
    const recTail = this.recordTailOfTxn;
    const msgOfRecord = recordTarget; // reused: each record's message from here on
    for (const r of recIds) {
      const t = recordTarget[r];
      if (t === NONE) {
        msgOfRecord[r] = this.mSmtp.length;
        this.mSmtp.push(NONE);
        this.mGroup.push(NONE);
        this.mRecord.push(r);
        continue;
      }
      const m = msgOfTxn[t];
      msgOfRecord[r] = m;
      const tail = recTail[t];
      if (tail === NONE) this.mRecord.data[m] = r;
      else this.recordNext[tail] = r;
      recTail[t] = r;
    }
    this.joinDiagnostics(members, msgOfRecord);
    return utcOffset;
  }

  /** spamdyke ↔ SMTP: ALLOWED by the exact qp key; refusals by second, sender, recipient and refusal. */
  private matchSpamdyke(txnIds: Int32Array, recIds: Int32Array, msgOfTxn: Int32Array): Int32Array {
    const { txns, records, strings } = this;
    // Small-integer hash keys (V8 hashes those fast) with chains; equality is checked on the chain.
    const byQp = new IntTable(txnIds.length);
    const qpNext = this.qpNext;
    // Recipient slots: (sender, recipient) → chain of (transaction, recipient row).
    let slotCount = 0;
    for (const t of txnIds) slotCount += this.smtpOf[txns.file[t]]!.rcptCount[txns.row[t]];
    const slots: RecipientSlots = {
      txn: new Int32Array(slotCount), rcpt: new Int32Array(slotCount), sender: new Int32Array(slotCount),
      next: new Int32Array(slotCount).fill(NONE), used: new Uint8Array(slotCount), head: new IntTable(slotCount),
    };
    let k = 0;
    for (const t of txnIds) {
      const s = this.smtpOf[txns.file[t]]!, r = txns.row[t];
      if (s.queueLine[r] >= 0) {
        const key = pairKey(s.qp[r], s.epoch[r]);
        qpNext[t] = byQp.get(key);
        byQp.set(key, t);
      }
      const sender = s.sender[r] < 0 ? this.emptyId : this.key(s.sender[r]);
      for (let j = 0; j < s.rcptCount[r]; j++, k++) {
        slots.txn[k] = t;
        slots.rcpt[k] = s.rcptStart[r] + j;
        slots.sender[k] = sender;
      }
    }
    // Chains in transaction order: built back to front by prepending.
    for (let slot = slotCount - 1; slot >= 0; slot--) {
      const key = pairKey(slots.sender[slot], this.key(this.smtpOf[txns.file[slots.txn[slot]]]!.rcptAddress[slots.rcpt[slot]]));
      slots.next[slot] = slots.head.get(key);
      slots.head.set(key, slot);
    }
    const target = this.recordTarget;
    const timeoutId = strings.find('TIMEOUT');
    const allowedId = strings.find('ALLOWED');
    const order = sortBy(recIds, this.recordTime);
    for (const rec of order) {
      const y = this.spamdykeOf[records.file[rec]]!, row = records.row[rec];
      const time = this.recordTime[rec];
      let t = y.qp[row] === NO_VALUE ? NONE : this.matchByQp(byQp, y, row, time, msgOfTxn);
      if (t === NONE && y.hasEnvelope[row]) t = this.matchByEnvelope(slots, y, row, time, y.verdict[row] === timeoutId, y.verdict[row] !== allowedId, msgOfTxn);
      target[rec] = t;
    }
    return target;
  }

  /** The transaction queued with the record's qp and EPOCH (the nearest in time if several were). */
  private matchByQp(byQp: IntTable, y: SpamdykeTable, row: number, time: number, msgOfTxn: Int32Array): number {
    const { txns, qpNext } = this;
    let t = NONE, found = 0, best = Infinity;
    for (let c = byQp.get(pairKey(y.qp[row], y.epoch[row])); c !== NONE; c = qpNext[c]) {
      const s = this.smtpOf[txns.file[c]]!, r = txns.row[c];
      if (s.qp[r] !== y.qp[row] || s.epoch[r] !== y.epoch[row]) continue;
      found++;
      const dt = Math.abs(s.queueTime[r] - time);
      if (dt < best) {
        best = dt;
        t = c;
      }
    }
    if (found > 1) this.note(msgOfTxn[t], `spamdyke line ${y.line[row] + 1}: qp ${y.qp[row]} was queued more than once`);
    return t;
  }

  /** The transaction whose recipient slot fits the record's second, sender, recipient and refusal; the slot is used up. */
  private matchByEnvelope(slots: RecipientSlots, y: SpamdykeTable, row: number, time: number, timeout: boolean, denial: boolean, msgOfTxn: Int32Array): number {
    const { txns } = this;
    const pick = new BestCandidate();
    const sender = this.key(y.sender[row]), recipient = this.key(y.recipient[row]);
    const key = pairKey(sender, recipient);
    // Chains run in transaction order and records come in time order: slots that are used
    // or too old for any later record are dropped from the front, so each is passed once.
    const oldHead = slots.head.get(key);
    let head = oldHead;
    while (head !== NONE && (slots.used[head] || this.smtpOf[txns.file[slots.txn[head]]]!.end[txns.row[slots.txn[head]]] < time - 902)) head = slots.next[head];
    if (head !== oldHead) slots.head.set(key, head);
    for (let slot = head; slot !== NONE; slot = slots.next[slot]) {
      if (slots.used[slot]) continue;
      const ct = slots.txn[slot];
      const s = this.smtpOf[txns.file[ct]]!, r = txns.row[ct], ri = slots.rcpt[slot];
      if (s.start[r] > time + 2) break;
      if (slots.sender[slot] !== sender || this.key(s.rcptAddress[ri]) !== recipient) continue;
      const queued = s.queueLine[r] >= 0;
      // A TIMEOUT comes when the client stopped talking: minutes after the transaction's
      // last entry, never for one that was queued. A refusal is logged when it happens:
      // at RCPT, or after DATA (size, content).
      const dt = timeout
        ? (queued || time < s.end[r] - 1 || time > s.end[r] + 900 ? Infinity : Math.max(0, time - s.end[r]) / 1000)
        : Math.min(Math.abs(s.rcptTime[ri] - time), Math.abs(s.end[r] - time));
      if (dt > 1 || time < s.start[r] - 1) continue;
      const code = s.rcptReplyCode[ri];
      const refused = code < 200 || code >= 300 || (!queued && s.lastCode[r] !== 0 && (s.lastCode[r] < 200 || s.lastCode[r] >= 300));
      pick.offer(slot, dt * 2 + (refused === denial ? 0 : 1));
    }
    if (pick.best === NONE) return NONE;
    slots.used[pick.best] = 1;
    const t = slots.txn[pick.best];
    if (pick.ties > 0) {
      this.ambiguousLinks++;
      this.note(msgOfTxn[t], `spamdyke line ${y.line[row] + 1} fits ${pick.ties + 1} SMTP transactions equally (same second, sender and recipient)`);
    }
    return t;
  }

  /**
   * Groups the delivery log's groups into messages: a group without `init`, or one whose tries
   * continue a deferred delivery id, is a retry of an earlier deferred message.
   */
  private joinRetries(members: number[]): { mains: number[]; ambiguous: Set<number>; retryCandidates: Map<number, number[]> } {
    const mains: number[] = [];
    const ambiguous = new Set<number>();
    const retryCandidates = new Map<number, number[]>();
    // Deferred messages wait across the delivery logs of a folder (a log split by month, or
    // downloaded twice), which are taken in time order.
    const pendingById = new Map<number, number>();
    const pendingByRcpt = new Map<number, number[]>();
    const ownerSender = (o: number) => this.key(this.deliveryOf[this.groups.file[o]]!.sender[this.groups.row[o]]);
    const ownerTried = (o: number, rcpt: number) => {
      for (let g = o; g !== NONE; g = this.groupNext[g]) {
        const gd = this.deliveryOf[this.groups.file[g]]!, row = this.groups.row[g];
        for (let a = gd.attStart[row]; a < gd.attStart[row] + gd.attCount[row]; a++) if (gd.attRecipient[a] === rcpt) return true;
      }
      return false;
    };
    const firstTime = (fi: number) => {
      const t = this.deliveryOf[fi]!.time;
      for (let r = 0; r < t.length; r++) if (t[r] !== NO_VALUE) return t[r];
      return Infinity;
    };
    const inTimeOrder = members.filter((fi) => this.deliveryOf[fi]).sort((x, y) => firstTime(x) - firstTime(y) || x - y);
    for (const fi of inTimeOrder) {
      const d = this.deliveryOf[fi]!;
      const base = this.groups.base[fi];
      const idsPersist = retriesKeepTheirId(d);
      for (let row = 0; row < d.count; row++) {
        const g = base + row;
        const a0 = d.attStart[row];
        const hasTry = d.attCount[row] > 0;
        const hasInit = d.initLine[row] >= 0;
        let owner = NONE;
        let guessed = false;
        if (hasTry) {
          const byId = pendingById.get(d.attId[a0]);
          if (byId !== undefined && (!hasInit || ownerSender(byId) === this.key(d.sender[row])) && ownerTried(byId, d.attRecipient[a0])) {
            owner = byId;
          } else if (!hasInit) {
            const list = pendingByRcpt.get(d.attRecipient[a0]);
            if (list && list.length) {
              const pick = this.bySchedule(list, g);
              owner = pick.best;
              guessed = pick.ties > 0;
            }
          }
        }
        if (owner !== NONE) {
          this.appendGroup(owner, g);
          if (guessed) {
            ambiguous.add(owner);
            this.ambiguousLinks++;
          }
        } else {
          owner = g;
          mains.push(g);
          // Where the log shows that retries keep their id, a group with an init and a new id
          // is a new message, however much it looks like a retry.
          if (hasInit && hasTry && !idsPersist) {
            const candidates = (pendingByRcpt.get(d.attRecipient[a0]) ?? []).filter((x) => ownerSender(x) === this.key(d.sender[row]));
            if (candidates.length) retryCandidates.set(g, candidates);
          }
        }
        for (let a = a0; a < a0 + d.attCount[row]; a++) {
          const outcome = d.attOutcome[a];
          const rcpt = d.attRecipient[a];
          if (outcome === OUTCOME_CODE.deferral) {
            pendingById.set(d.attId[a], owner);
            const list = pendingByRcpt.get(rcpt);
            if (!list) pendingByRcpt.set(rcpt, [owner]);
            else if (!list.includes(owner)) list.push(owner);
          } else if (outcome !== OUTCOME_CODE.none) {
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
    }
    return { mains, ambiguous, retryCandidates };
  }

  /**
   * Of the deferred messages that a retry group could continue (in the order they were
   * deferred), the one whose retry schedule puts a retry nearest before the group's first try.
   * qmail-send retries a message (10·k)² seconds after it entered the queue for local
   * deliveries and (20·k)² for remote ones, k = 1, 2, ..., at its next queue run after that.
   * Scores are whole minutes late, so candidates the schedule cannot tell apart tie.
   */
  private bySchedule(candidates: number[], retryGroup: number): BestCandidate {
    const pick = new BestCandidate();
    const d = this.deliveryOf[this.groups.file[retryGroup]]!, row = this.groups.row[retryGroup];
    const a = d.attStart[row];
    const tryTime = d.attTryTime[a];
    const unit = d.attChannel[a] === 1 ? 10 : 20;
    for (const c of candidates) {
      const cd = this.deliveryOf[this.groups.file[c]]!, birth = cd.time[this.groups.row[c]];
      pick.offer(c, birth === NO_VALUE || tryTime === NO_VALUE ? 0 : minutesLate(tryTime - birth, unit));
    }
    return pick;
  }

  /**
   * Where no blank line ends a delivery group and ids are per attempt, the builder may take a
   * first attempt of a message for a retry of another one (its recipient had a deferral open
   * there, and the group had begun a while before) and start a group of its own with it. The SMTP
   * transaction tells it back: a group without `init` right below a message's first group (no
   * line between) whose recipients are all accepted recipients that the message has no attempt
   * for belongs to that message. It is moved there, with the groups chained to it if it headed
   * a chain of its own. Returns the mains moved so.
   */
  private joinSplitFirstRounds(mains: number[], merged: Set<number>, ownerTxn: Int32Array): Set<number> {
    const absorbed = new Set<number>();
    const { groups } = this;
    // The chain heads, each chained group's predecessor and head: built when a move first needs
    // them (most downloads need none).
    let heads: Set<number> | undefined, prev: Map<number, number> | undefined, headOf: Map<number, number> | undefined;
    const chains = () => {
      if (!heads || !prev || !headOf) {
        heads = new Set(mains.filter((g) => !merged.has(g)));
        prev = new Map();
        headOf = new Map();
        for (const h of heads) for (let g = h; g !== NONE; g = this.groupNext[g]) {
          headOf.set(g, h);
          if (this.groupNext[g] !== NONE) prev.set(this.groupNext[g], g);
        }
      }
      return { heads, prev, headOf };
    };
    const missing: number[] = [];
    for (const o of mains) {
      const t = ownerTxn[o];
      if (t === NONE || merged.has(o) || absorbed.has(o)) continue;
      const fi = groups.file[o], d = this.deliveryOf[fi]!;
      const firstBelow = (g: number) => {
        const row = groups.row[g];
        return row + 1 < d.count && d.initLine[row + 1] < 0 && d.attCount[row + 1] > 0 && d.firstLine[row + 1] === d.lastLine[row] + 1 ? g + 1 : NONE;
      };
      let next = firstBelow(o);
      if (next === NONE) continue;
      // Accepted recipients of the transaction that no attempt of the message tried.
      this.acceptedRecipients(t, missing);
      for (let g = o; g !== NONE; g = this.groupNext[g]) this.forTries(g, (rcpt) => removeAll(missing, rcpt));
      while (next !== NONE && missing.length) {
        let fits = true;
        this.forTries(next, (rcpt) => (fits = fits && missing.includes(rcpt)));
        if (!fits) break;
        this.forTries(next, (rcpt) => removeAll(missing, rcpt));
        const { heads: isHead, prev: before, headOf: head } = chains();
        if (isHead.has(next)) {
          isHead.delete(next);
          absorbed.add(next);
        } else {
          const p = before.get(next)!, h = head.get(next)!;
          const after = this.groupNext[next];
          this.groupNext[p] = after;
          if (after !== NONE) before.set(after, p);
          if (this.groupTail[h] === next) this.groupTail[h] = p;
          this.groupNext[next] = NONE;
          this.groupTail[next] = next;
        }
        before.set(next, this.groupTail[o]);
        for (let g = next; g !== NONE; g = this.groupNext[g]) head.set(g, o);
        this.appendGroup(o, next);
        next = firstBelow(next);
      }
    }
    return absorbed;
  }

  /** The recipient keys a transaction accepted (a 2xx reply to RCPT), each once, into `out`. */
  private acceptedRecipients(t: number, out: number[]): void {
    const s = this.smtpOf[this.txns.file[t]]!, r = this.txns.row[t];
    out.length = 0;
    for (let ri = s.rcptStart[r]; ri < s.rcptStart[r] + s.rcptCount[r]; ri++) {
      if (s.rcptReplyCode[ri] < 200 || s.rcptReplyCode[ri] >= 300) continue;
      const rcpt = this.normRecipient(s.rcptAddress[ri]);
      if (!out.includes(rcpt)) out.push(rcpt);
    }
  }

  /** Calls fn with the recipient key of each try of a group. */
  private forTries(g: number, fn: (recipient: number) => void): void {
    const d = this.deliveryOf[this.groups.file[g]]!, row = this.groups.row[g];
    for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) fn(this.normRecipient(d.attRecipient[a]));
  }

  /**
   * SMTP (queued) → delivery init: qmail-send logs the new message right after qmail-queue, so
   * it is the first unclaimed init at or after the queue time (a second early for rounding)
   * with the same sender and recipients.
   */
  private matchDelivery(txnIds: Int32Array, owners: { mains: number[] }, msgOfTxn: Int32Array, utcOffset: UtcOffset | undefined): Int32Array {
    const { txns, groups } = this;
    // Across a daylight-saving change the local clock jumps: the window is measured on a clock that
    // does not (UTC plus the first offset), so a message queued just before the change still
    // finds its delivery just after it.
    const steady = utcOffset && utcOffset.periods.length > 1
      ? (t: number) => t - offsetAtLocal(utcOffset, t) + utcOffset.periods[0].seconds
      : (t: number) => t;
    const mains = owners.mains.filter((g) => this.deliveryOf[groups.file[g]]!.initLine[groups.row[g]] >= 0);
    const senderOf = new Float64Array(mains.length), timeOf = new Float64Array(mains.length);
    mains.forEach((g, i) => {
      const d = this.deliveryOf[groups.file[g]]!;
      senderOf[i] = this.key(d.sender[groups.row[g]]);
      timeOf[i] = steady(fromCell(d.time[groups.row[g]]));
    });
    const byKey = stableByBucket(sortIndex(timeOf), (i) => senderOf[i], this.strings.values.length);
    const withInit = new Int32Array(byKey.length);
    const sortedSender = new Float64Array(byKey.length), sortedTime = new Float64Array(byKey.length);
    for (let k = 0; k < byKey.length; k++) {
      withInit[k] = mains[byKey[k]];
      sortedSender[k] = senderOf[byKey[k]];
      sortedTime[k] = timeOf[byKey[k]];
    }
    const gSender = (k: number) => sortedSender[k];
    const gTime = (k: number) => sortedTime[k];
    // Each sender's run [start, end) in the sorted list.
    const segment = new Int32Array(this.strings.values.length).fill(NONE);
    const segmentEnd = new Int32Array(withInit.length);
    for (let i = withInit.length - 1; i >= 0; i--) {
      segmentEnd[i] = i + 1 < withInit.length && gSender(i + 1) === gSender(i) ? segmentEnd[i + 1] : i + 1;
      segment[gSender(i)] = i;
    }
    const ownerTxn = this.groupTxn;
    const queued = sortBy(txnIds.filter((t) => {
      const s = this.smtpOf[txns.file[t]]!, r = txns.row[t];
      return s.queueLine[r] >= 0 && s.sender[r] >= 0;
    }), (t) => steady(this.smtpOf[txns.file[t]]!.queueTime[txns.row[t]]));
    const accepted: number[] = [];
    const tried: number[] = [];
    for (const t of queued) {
      const s = this.smtpOf[txns.file[t]]!, r = txns.row[t];
      let i = segment[this.key(s.sender[r])];
      if (i === NONE) continue;
      this.acceptedRecipients(t, accepted);
      const qt = steady(s.queueTime[r]);
      // Binary search the sender's segment for the first init at or after qt - 1.
      let lo = i, hi = segmentEnd[i];
      const end = hi;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (gTime(mid) < qt - 1) lo = mid + 1;
        else hi = mid;
      }
      const pick = new BestCandidate();
      for (i = lo; i < end && gTime(i) <= qt + this.window; i++) {
        const g = withInit[i];
        if (ownerTxn[g] !== NONE) continue;
        const d = this.deliveryOf[groups.file[g]]!, row = groups.row[g];
        tried.length = 0;
        for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) {
          const n = this.normRecipient(d.attRecipient[a]);
          if (!tried.includes(n)) tried.push(n);
        }
        let common = 0;
        for (const x of tried) if (accepted.includes(x)) common++;
        if (common === 0) continue;
        const exact = common === tried.length && common === accepted.length;
        pick.offer(g, (exact ? 0 : 100000) + Math.max(0, gTime(i) - qt));
        // Candidates come in time order: after an exact match only one in the same second can tie.
        if (pick.score < 100000 && i + 1 < end && Math.max(0, gTime(i + 1) - qt) > pick.score) break;
      }
      if (pick.best !== NONE) {
        ownerTxn[pick.best] = t;
        if (pick.ties > 0) {
          this.ambiguousLinks++;
          const d = this.deliveryOf[groups.file[pick.best]]!;
          this.note(msgOfTxn[t], `the delivery group at line ${d.firstLine[groups.row[pick.best]] + 1} was one of ${pick.ties + 1} equally good candidates`);
        }
      }
    }
    return ownerTxn;
  }

  /**
   * The year of year-less spamdyke stamps, from the other logs, across a December→January turn.
   * A stamp with a year (RFC 3339) is taken as written, and the rows after it count from it.
   */
  private inferSpamdykeTimes(members: number[]): void {
    // The reference: the earliest first time of the other logs (their rows are in file order).
    let reference = NaN;
    const consider = (times: Uint32Array, count: number) => {
      for (let row = 0; row < count; row++) {
        if (times[row] === NO_VALUE) continue;
        if (Number.isNaN(reference) || times[row] < reference) reference = times[row];
        return;
      }
    };
    for (const fi of members) {
      const s = this.smtpOf[fi], d = this.deliveryOf[fi];
      if (s) consider(s.start, s.count);
      if (d) consider(d.time, d.count);
    }
    for (const fi of members) {
      const y = this.spamdykeOf[fi];
      if (!y) continue;
      const times = new Uint32Array(this.files[fi].parsed.lineCount);
      const dg = y.diagnostics;
      // The first stamped line of the file, verdict or diagnostic.
      const first = dg.count && (!y.count || dg.line[0] < y.line[0]) ? dg : y.count ? y : undefined;
      let year = this.options.defaultYear ?? new Date().getUTCFullYear();
      const guessed = this.options.defaultYear === undefined && Number.isNaN(reference);
      if (first && !Number.isNaN(reference)) {
        const ref = civilFromLocalSeconds(reference);
        let bestDist = Infinity;
        for (const candidate of [ref.year - 1, ref.year, ref.year + 1]) {
          const dist = Math.abs(localSecondsFor(candidate, first.month[0], first.day[0], first.secondsOfDay[0]) - reference);
          if (dist < bestDist) {
            bestDist = dist;
            year = candidate;
          }
        }
      }
      const base = this.records.base[fi];
      // Verdict and diagnostic lines in line order, so that a year turn counts wherever it falls.
      // Returns the time of the last line, or NaN where a stamp of the log gave its own year.
      const assign = (firstYear: number): number => {
        let yr = firstYear, prevMonth = first ? first.month[0] : 0, last = NaN, ownYear = false;
        times.fill(0);
        for (let row = 0, d = 0; row < y.count || d < dg.count;) {
          const diagnostic = d < dg.count && (row >= y.count || dg.line[d] < y.line[row]);
          const month = diagnostic ? dg.month[d] : y.month[row];
          const stampYear = diagnostic ? dg.year[d] : y.year[row];
          if (stampYear) {
            yr = stampYear;
            ownYear = true;
          } else if (month < prevMonth && prevMonth - month >= 6) yr++;
          else if (month > prevMonth && month - prevMonth >= 6) yr--;
          prevMonth = month;
          let t: number, line: number;
          if (diagnostic) {
            t = localSecondsFor(yr, month, dg.day[d], dg.secondsOfDay[d]);
            line = dg.line[d++];
          } else {
            t = localSecondsFor(yr, month, y.day[row], y.secondsOfDay[row]);
            this.recordTime[base + row] = t;
            line = y.line[row++];
          }
          if (!times[line]) times[line] = t;
          last = t;
        }
        return ownYear ? NaN : last;
      };
      const last = assign(year);
      // With nothing else to go by, the year is this one, or the one before where that puts the
      // log's end in the future (a December log read in January). A day's grace covers any zone.
      if (guessed && last > Date.now() / 1000 + 86400) assign(year - 1);
      this.spamdykeTimes.set(this.files[fi].id, times);
    }
  }

  /**
   * spamdyke's diagnostic lines (FILTER_*, ERROR, ...) join the message of a verdict line of the
   * same connection: the same pid, the next verdict after them (spamdyke checks first and logs
   * its verdicts when the connection ends), else the one before, within CONNECTION_SECONDS. The
   * spamdyke logs of a folder are taken in time order, so that a connection cut by the end of
   * one file (a log split in time, or downloaded twice) finds its verdict in the next.
   */
  private joinDiagnostics(members: number[], msgOfRecord: Int32Array): void {
    const files = members.filter((fi) => this.spamdykeOf[fi]);
    if (!files.some((fi) => this.spamdykeOf[fi]!.diagnostics.count)) return;
    const firstTime = (fi: number) => {
      const base = this.records.base[fi], n = this.spamdykeOf[fi]!.count;
      return n ? this.recordTime[base] : Infinity;
    };
    files.sort((x, y) => firstTime(x) - firstTime(y) || x - y);
    const owner = new Map<number, Int32Array>(files.map((fi) => [fi, new Int32Array(this.spamdykeOf[fi]!.diagnostics.count).fill(NONE)]));
    const near = (fi: number, d: number, rec: number) => {
      const a = this.spamdykeTimes.get(this.files[fi].id)![this.spamdykeOf[fi]!.diagnostics.line[d]], b = this.recordTime[rec];
      return !a || !b || Math.abs(a - b) <= CONNECTION_SECONDS;
    };
    // Backwards: the next verdict of each pid; then forwards: the one before, for the rest.
    const verdictOfPid = new Map<number, number>();
    for (const fi of [...files].reverse()) {
      const y = this.spamdykeOf[fi]!, dg = y.diagnostics, base = this.records.base[fi], own = owner.get(fi)!;
      for (let d = dg.count - 1, row = y.count - 1; d >= -1; d--) {
        for (; row >= 0 && (d < 0 || y.line[row] > dg.line[d]); row--) if (y.pid[row]) verdictOfPid.set(y.pid[row], base + row);
        const rec = d >= 0 && dg.pid[d] ? verdictOfPid.get(dg.pid[d]) : undefined;
        if (rec !== undefined && near(fi, d, rec)) own[d] = rec;
      }
    }
    verdictOfPid.clear();
    for (const fi of files) {
      const y = this.spamdykeOf[fi]!, dg = y.diagnostics, base = this.records.base[fi], own = owner.get(fi)!;
      for (let d = 0, row = 0; d <= dg.count; d++) {
        for (; row < y.count && (d === dg.count || y.line[row] < dg.line[d]); row++) if (y.pid[row]) verdictOfPid.set(y.pid[row], base + row);
        if (d === dg.count || own[d] !== NONE || !dg.pid[d]) continue;
        const rec = verdictOfPid.get(dg.pid[d]);
        if (rec !== undefined && near(fi, d, rec)) own[d] = rec;
      }
    }
    // Prepending from the last keeps each message's diagnostics in order.
    for (const fi of [...files].reverse()) {
      const own = owner.get(fi)!, dbase = this.diagnostics.base[fi];
      for (let d = own.length - 1; d >= 0; d--) {
        if (own[d] === NONE) continue;
        const m = msgOfRecord[own[d]];
        this.diagnosticNext[dbase + d] = this.diagnosticHead.get(m) ?? NONE;
        this.diagnosticHead.set(m, dbase + d);
        this.diagnosticsJoined++;
      }
    }
  }

  /** The server's UTC offset (or offsets, across a daylight-saving change) from the queue replies. */
  private deriveUtcOffset(txnIds: Int32Array): UtcOffset | undefined {
    const local = new Uint32Array(txnIds.length), epoch = new Uint32Array(txnIds.length);
    let n = 0;
    for (const t of txnIds) {
      const s = this.smtpOf[this.txns.file[t]]!, r = this.txns.row[t];
      if (s.queueLine[r] < 0 || s.queueTime[r] === NO_VALUE) continue;
      local[n] = s.queueTime[r];
      epoch[n++] = s.epoch[r];
    }
    return deriveUtcOffset(local, epoch, n);
  }

  finish(utcOffset: UtcOffset | undefined, utcOffsetOfFolder: Map<string, UtcOffset>): Correlation {
    const n = this.mSmtp.length;
    const smtp = this.mSmtp.data, group = this.mGroup.data, record = this.mRecord.data;
    const time = new Float64Array(n), outcome = new Uint8Array(n), deferred = new Uint8Array(n), sender = new Int32Array(n);
    for (let m = 0; m < n; m++) this.summarize(m, smtp[m], group[m], record[m], time, outcome, deferred, sender);
    const order = sortIndex(time.subarray(0, n));
    const renumber = new Int32Array(n);
    for (let i = 0; i < n; i++) renumber[order[i]] = i;
    const permute = <T extends Int32Array | Float64Array | Uint8Array>(src: T, make: (k: number) => T): T => {
      const out = make(n);
      for (let i = 0; i < n; i++) out[i] = src[order[i]];
      return out;
    };
    const c: Correlation = {
      files: this.files, strings: this.strings, txns: this.txns, groups: this.groups, records: this.records,
      recordTime: this.recordTime, groupNext: this.groupNext, recordNext: this.recordNext,
      messageCount: n,
      msgSmtp: permute(smtp, (k) => new Int32Array(k)), msgGroup: permute(group, (k) => new Int32Array(k)),
      msgRecord: permute(record, (k) => new Int32Array(k)), msgSender: permute(sender, (k) => new Int32Array(k)),
      msgTime: permute(time, (k) => new Float64Array(k)), msgOutcome: permute(outcome, (k) => new Uint8Array(k)),
      msgDeferred: permute(deferred, (k) => new Uint8Array(k)), msgBounceOf: new Int32Array(n).fill(NONE),
      bounces: new Map(), ambiguous: new Map(), lineOwner: undefined as unknown as LineOwners, spamdykeTimes: this.spamdykeTimes,
      diagnostics: this.diagnostics, diagnosticHead: new Map(), diagnosticNext: this.diagnosticNext, diagnosticsJoined: this.diagnosticsJoined,
      utcOffset, utcOffsetOfFolder, ambiguousLinks: this.ambiguousLinks,
    };
    for (const [m, list] of this.notes) c.ambiguous.set(renumber[m], list);
    for (const [m, head] of this.diagnosticHead) c.diagnosticHead.set(renumber[m], head);
    linkBounces(c);
    c.lineOwner = new LineOwners(c);
    return c;
  }

  private summarize(m: number, t: number, g0: number, r0: number, time: Float64Array, outcome: Uint8Array, deferred: Uint8Array,
    sender: Int32Array): void {
    const { txns, groups, records } = this;
    let first = Infinity;
    let snd = NONE;
    if (t !== NONE) {
      const s = this.smtpOf[txns.file[t]]!, r = txns.row[t];
      const v = s.start[r] === NO_VALUE ? s.queueTime[r] : s.start[r];
      if (v !== NO_VALUE) first = v;
      snd = s.sender[r];
    }
    // Per recipient, the outcome of its last attempt in time.
    let anyAttempt = false, anyDeferral = false, anyFailure = false, anyOpen = false;
    const rcpts = this.scratchRcpt, times = this.scratchTime, outcomes = this.scratchOutcome;
    let n = 0;
    for (let g = g0; g !== NONE; g = this.groupNext[g]) {
      const d = this.deliveryOf[groups.file[g]]!, row = groups.row[g];
      if (d.time[row] !== NO_VALUE && d.time[row] < first) first = d.time[row];
      if (snd === NONE && d.initLine[row] >= 0) snd = d.sender[row];
      for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) {
        anyAttempt = true;
        const o = d.attOutcome[a];
        if (o === OUTCOME_CODE.deferral) anyDeferral = true;
        const rcpt = d.attRecipient[a];
        let k = 0;
        while (k < n && rcpts[k] !== rcpt) k++;
        if (k === n) {
          if (n === rcpts.length) continue;
          rcpts[k] = rcpt;
          times[k] = -Infinity;
          n++;
        }
        if (d.attTryTime[a] >= times[k]) {
          times[k] = d.attTryTime[a];
          outcomes[k] = o;
        }
      }
    }
    for (let k = 0; k < n; k++) {
      if (outcomes[k] === OUTCOME_CODE.failure) anyFailure = true;
      else if (outcomes[k] !== OUTCOME_CODE.success) anyOpen = true;
    }
    let denied = false, deniedOther = false, allowed = false, envelope = false;
    for (let r = r0; r !== NONE; r = this.recordNext[r]) {
      const y = this.spamdykeOf[records.file[r]]!, row = records.row[r];
      if (this.recordTime[r] < first) first = this.recordTime[r];
      const v = this.strings.get(y.verdict[row]);
      if (v === 'DENIED_OTHER') deniedOther = true;
      else if (v.startsWith('DENIED_')) denied = true;
      else if (v === 'ALLOWED') allowed = true;
      if (y.hasEnvelope[row]) envelope = true;
      if (snd === NONE && t === NONE && (y.hasEnvelope[row] || y.sender[row] !== this.emptyId)) snd = y.sender[row];
    }
    time[m] = first === Infinity ? NaN : first;
    sender[m] = snd;
    deferred[m] = anyDeferral ? 1 : 0;
    let o: Outcome;
    if (anyAttempt) o = anyFailure ? 'failed' : anyOpen ? 'pending' : anyDeferral ? 'deferred-delivered' : 'delivered';
    else if (t !== NONE) {
      const s = this.smtpOf[txns.file[t]]!, r = txns.row[t];
      if (s.queueLine[r] >= 0) o = 'pending';
      else if (denied) o = 'rejected-spamdyke';
      else if (s.rcptCount[r] === 0 && !envelope) o = 'no-envelope';
      else o = 'rejected-smtp';
    } else o = denied ? 'rejected-spamdyke' : deniedOther ? 'rejected-smtp' : allowed ? 'pending' : 'no-envelope';
    outcome[m] = OUTCOMES.indexOf(o);
  }
}

const INDEX_BITS = 2 ** 21;

/**
 * The permutation that orders `keys` ascending, ties by position; NaN last. Integer keys in a
 * narrow range (a few days of times in seconds) take a counting sort. Other integer keys are
 * packed with their position into one double and sorted natively, which is several times faster
 * than a comparator.
 */
export function sortIndex(keys: Float64Array): Int32Array {
  const n = keys.length;
  let min = Infinity, max = -Infinity, integral = true;
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    if (Number.isNaN(k)) continue;
    if (k !== Math.floor(k) || !Number.isFinite(k)) integral = false;
    if (k < min) min = k;
    if (k > max) max = k;
  }
  if (min === Infinity) min = max = 0;
  // Keys in a narrow range (times of a few days' logs, in seconds): one counting pass.
  if (integral && max - min <= 4 * n + 4096) return countingSortIndex(keys, min, max - min + 1);
  const out = new Int32Array(n);
  if (integral && n < INDEX_BITS && max - min + 1 < 2 ** 31) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = Number.isNaN(keys[i]) ? max + 1 : keys[i];
      packed[i] = (k - min) * INDEX_BITS + i;
    }
    packed.sort();
    // The position is the key's low bits; floor arithmetic, because % on doubles is a slow call.
    for (let i = 0; i < n; i++) out[i] = packed[i] - Math.floor(packed[i] / INDEX_BITS) * INDEX_BITS;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = i;
  const key = (i: number) => (Number.isNaN(keys[i]) ? Infinity : keys[i]);
  out.sort((a, b) => key(a) - key(b) || a - b);
  return out;
}

/** sortIndex for integral keys in [min, min + range), NaN last: a stable counting sort. */
function countingSortIndex(keys: Float64Array, min: number, range: number): Int32Array {
  const n = keys.length;
  const starts = new Int32Array(range + 2);
  for (let i = 0; i < n; i++) starts[(Number.isNaN(keys[i]) ? range : keys[i] - min) + 1]++;
  for (let b = 0; b <= range; b++) starts[b + 1] += starts[b];
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[starts[Number.isNaN(keys[i]) ? range : keys[i] - min]++] = i;
  return out;
}

/** Stable reordering of a permutation by a small non-negative integer key (counting sort). */
function stableByBucket(order: Int32Array, bucketOf: (i: number) => number, buckets: number): Int32Array {
  const counts = new Int32Array(buckets + 1);
  for (let i = 0; i < order.length; i++) counts[bucketOf(order[i]) + 1]++;
  for (let b = 0; b < buckets; b++) counts[b + 1] += counts[b];
  const out = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) out[counts[bucketOf(order[i])]++] = order[i];
  return out;
}

/** Sorts ids by a key (stable on ties by position); returns ids unchanged when already sorted. */
function sortBy(ids: Int32Array, key: ((id: number) => number) | Float64Array): Int32Array {
  const k = new Float64Array(ids.length);
  let sorted = true;
  for (let i = 0; i < ids.length; i++) {
    k[i] = typeof key === 'function' ? key(ids[i]) : key[ids[i]];
    if (i > 0 && !(k[i] >= k[i - 1])) sorted = false;
  }
  if (sorted) return ids;
  const order = sortIndex(k);
  const out = new Int32Array(ids.length);
  for (let i = 0; i < order.length; i++) out[i] = ids[order[i]];
  return out;
}

/** Whether this log numbers deliveries per message: some deferred id is tried again later. */
function retriesKeepTheirId(d: DeliveryTable): boolean {
  const deferred = new Map<number, number[]>();
  for (let a = 0; a < d.attId.length; a++) {
    const id = d.attId[a];
    const rcpts = deferred.get(id);
    if (rcpts && rcpts.includes(d.attRecipient[a])) return true;
    if (d.attOutcome[a] === OUTCOME_CODE.deferral) {
      if (rcpts) rcpts.push(d.attRecipient[a]);
      else deferred.set(id, [d.attRecipient[a]]);
    }
  }
  return false;
}

/** A failed delivery is normally followed by a bounce: a null-sender message to the original sender. */
function linkBounces(c: Correlation): void {
  const empty = c.strings.find('');
  const failures: Array<{ m: number; time: number; linked: boolean }> = [];
  const bySender = new Map<string, typeof failures>();
  for (let m = 0; m < c.messageCount; m++) {
    if (c.msgOutcome[m] !== OUTCOMES.indexOf('failed')) continue;
    for (let g = c.msgGroup[m]; g !== NONE; g = c.groupNext[g]) {
      const d = c.files[c.groups.file[g]].parsed.delivery!, row = c.groups.row[g];
      for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) {
        if (d.attOutcome[a] !== OUTCOME_CODE.failure) continue;
        const f = { m, time: d.attResultTime[a], linked: false };
        failures.push(f);
        const key = c.msgSender[m] < 0 ? '' : addressKey(c.strings.get(c.msgSender[m]));
        const list = bySender.get(key);
        if (list) list.push(f);
        else bySender.set(key, [f]);
      }
    }
  }
  if (!failures.length) return;
  for (const list of bySender.values()) list.sort((a, b) => a.time - b.time);
  for (let m = 0; m < c.messageCount; m++) {
    const g = c.msgGroup[m];
    if (c.msgSmtp[m] !== NONE || c.msgSender[m] !== empty || g === NONE) continue;
    const d = c.files[c.groups.file[g]].parsed.delivery!, row = c.groups.row[g];
    if (!d.attCount[row]) continue;
    const list = bySender.get(addressKey(deliveryRecipient(c.strings.get(d.attRecipient[d.attStart[row]]))));
    if (!list) continue;
    let pick: (typeof failures)[number] | undefined;
    for (const f of list) {
      if (f.linked || f.m === m) continue;
      if (f.time <= c.msgTime[m] + 1 && f.time >= c.msgTime[m] - 600) pick = f;
    }
    if (pick) {
      pick.linked = true;
      c.msgBounceOf[m] = pick.m;
      const list2 = c.bounces.get(pick.m);
      if (list2) list2.push(m);
      else c.bounces.set(pick.m, [m]);
    }
  }
}

/**
 * Which message owns each line, per file id. Built the first time a feature asks: the command
 * line summary never needs it.
 */
export class LineOwners {
  private owners: Map<number, Int32Array> | undefined;

  constructor(private readonly c: Correlation) {}

  get(fileId: number): Int32Array | undefined {
    if (!this.owners) this.owners = this.build();
    return this.owners.get(fileId);
  }

  private build(): Map<number, Int32Array> {
    const c = this.c;
    const byIndex = c.files.map((f) => new Int32Array(f.parsed.lineCount).fill(NONE));
    for (let m = 0; m < c.messageCount; m++) {
      forEachLine(c, m, (fi, line) => {
        if (byIndex[fi][line] === NONE) byIndex[fi][line] = m;
      });
    }
    // Repeated lines belong to the message of the line they repeat. First the ends of earlier
    // files whose last record a later file holds whole (those lines of the later file are its own
    // records'); then the heads of later files, a file that repeats one that repeats another
    // waiting for that one (a pass per link of the chain).
    const indexOfPath = new Map(c.files.map((f, i) => [f.path, i]));
    // `count` lines from `from` on that no record of their own claims take the owners of the
    // other file's lines from `theirFrom` on.
    const borrow = (own: Int32Array, from: number, count: number, theirs: Int32Array, theirFrom: number) => {
      for (let k = 0; k < count && from + k < own.length && theirFrom + k < theirs.length; k++) if (own[from + k] === NONE) own[from + k] = theirs[theirFrom + k];
    };
    c.files.forEach((f, fi) => {
      const t = f.repeatedTail, by = t && indexOfPath.get(t.by);
      if (t && by !== undefined) borrow(byIndex[fi], t.line, byIndex[fi].length - t.line, byIndex[by], t.fromLine);
    });
    const pending = new Set(c.files.map((f, i) => (f.repeat && indexOfPath.has(f.repeat.of) ? i : -1)).filter((i) => i >= 0));
    for (let pass = 0; pending.size && pass <= c.files.length; pass++) {
      for (const fi of [...pending]) {
        const r = c.files[fi].repeat!, of = indexOfPath.get(r.of)!;
        if (pending.has(of)) continue;
        borrow(byIndex[fi], 0, r.lines, byIndex[of], r.fromLine);
        pending.delete(fi);
      }
    }
    return new Map(c.files.map((f, i) => [f.id, byIndex[i]]));
  }
}

function removeAll(list: number[], value: number): void {
  for (let i = list.indexOf(value); i >= 0; i = list.indexOf(value)) list.splice(i, 1);
}

/** qmail's virtual domains deliver `user@dom` locally as `dom-user@dom`: compare without that prefix. */
export function deliveryRecipient(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const prefix = address.slice(at + 1) + '-';
  return address.startsWith(prefix) ? address.slice(prefix.length) : address;
}

/** Calls fn(file index, line) for every line of a message, part by part. */
export function forEachLine(c: Correlation, m: number, fn: (fileIndex: number, line: number) => void): void {
  const runs = (fi: number, first: number, last: number) => {
    const kinds = c.files[fi].parsed.lineKinds;
    for (let l = first; l <= last; l++) if (kinds[l] !== LineKind.Blank && kinds[l] !== LineKind.Unknown) fn(fi, l);
  };
  const t = c.msgSmtp[m];
  if (t !== NONE) {
    const fi = c.txns.file[t], s = c.files[fi].parsed.smtp!, r = c.txns.row[t];
    runs(fi, s.firstLine[r], s.lastLine[r]);
  }
  for (let g = c.msgGroup[m]; g !== NONE; g = c.groupNext[g]) {
    const fi = c.groups.file[g], d = c.files[fi].parsed.delivery!, r = c.groups.row[g];
    runs(fi, d.firstLine[r], d.lastLine[r]);
  }
  for (let rec = c.msgRecord[m]; rec !== NONE; rec = c.recordNext[rec]) {
    const fi = c.records.file[rec];
    fn(fi, c.files[fi].parsed.spamdyke!.line[c.records.row[rec]]);
  }
  for (let d = c.diagnosticHead.get(m) ?? NONE; d !== NONE; d = c.diagnosticNext[d]) {
    const fi = c.diagnostics.file[d];
    fn(fi, c.files[fi].parsed.spamdyke!.diagnostics.line[c.diagnostics.row[d]]);
  }
}

/** Every (file id, line) of a message, part by part. */
export function messageLines(c: Correlation, m: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  forEachLine(c, m, (fi, line) => out.push([c.files[fi].id, line]));
  return out;
}

export function outcomeOfRow(c: Correlation, m: number): Outcome {
  return OUTCOMES[c.msgOutcome[m]];
}

/** The message view of a row: objects built from the tables, for features. */
/**
 * The message's recipients, each once, in the order SMTP, delivery, spamdyke: without building
 * the message, so that counting over every message stays cheap.
 */
export function messageRecipients(c: Correlation, index: number): string[] {
  const s = c.strings;
  const recipients = new Set<string>();
  const t = c.msgSmtp[index];
  if (t !== NONE) {
    const tab = c.files[c.txns.file[t]].parsed.smtp!, row = c.txns.row[t];
    for (let ri = tab.rcptStart[row]; ri < tab.rcptStart[row] + tab.rcptCount[row]; ri++) recipients.add(s.get(tab.rcptAddress[ri]));
  }
  for (let g = c.msgGroup[index]; g !== NONE; g = c.groupNext[g]) {
    const d = c.files[c.groups.file[g]].parsed.delivery!, row = c.groups.row[g];
    for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) recipients.add(deliveryRecipient(s.get(d.attRecipient[a])));
  }
  for (let rec = c.msgRecord[index]; rec !== NONE; rec = c.recordNext[rec]) {
    const y = c.files[c.records.file[rec]].parsed.spamdyke!, row = c.records.row[rec];
    if (y.hasEnvelope[row]) recipients.add(s.get(y.recipient[row]));
  }
  return [...recipients];
}

export function materialize(c: Correlation, index: number): Message {
  const s = c.strings;
  const str = (id: number) => (id < 0 ? undefined : s.get(id));
  let smtp: SmtpTransaction | undefined;
  const t = c.msgSmtp[index];
  if (t !== NONE) {
    const fi = c.txns.file[t], tab = c.files[fi].parsed.smtp!, row = c.txns.row[t];
    const rcpts = [];
    for (let j = 0; j < tab.rcptCount[row]; j++) {
      const ri = tab.rcptStart[row] + j;
      const code = tab.rcptReplyCode[ri];
      rcpts.push({ address: s.get(tab.rcptAddress[ri]), line: tab.rcptLine[ri], time: fromCell(tab.rcptTime[ri]), replyLine: tab.rcptReplyLine[ri], replyCode: code ? String(code) : '', accepted: code >= 200 && code < 300 });
    }
    smtp = {
      file: c.files[fi].id, firstLine: tab.firstLine[row], lastLine: tab.lastLine[row], start: fromCell(tab.start[row]), end: fromCell(tab.end[row]),
      sender: str(tab.sender[row]), recipients: rcpts, lastReplyLine: tab.lastReplyLine[row],
      lastCode: tab.lastCode[row] ? String(tab.lastCode[row]) : undefined,
      queue: tab.queueLine[row] >= 0 ? { line: tab.queueLine[row], time: fromCell(tab.queueTime[row]), epoch: fromCell(tab.epoch[row]), qp: fromCell(tab.qp[row]) } : undefined,
    };
  }
  const delivery: DeliveryGroup[] = [];
  for (let g = c.msgGroup[index]; g !== NONE; g = c.groupNext[g]) {
    const fi = c.groups.file[g], d = c.files[fi].parsed.delivery!, row = c.groups.row[g];
    const attempts: DeliveryAttempt[] = [];
    for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) {
      attempts.push({
        id: String(d.attId[a]), channel: d.attChannel[a] === 1 ? 'local' : d.attChannel[a] === 2 ? 'remote' : '', recipient: s.get(d.attRecipient[a]),
        tryLine: d.attTryLine[a], tryTime: fromCell(d.attTryTime[a]), resultLine: d.attResultLine[a], resultTime: fromCell(d.attResultTime[a]), outcome: OUTCOME_OF_CODE[d.attOutcome[a]],
      });
    }
    const lines: number[] = [];
    const kinds = c.files[fi].parsed.lineKinds;
    for (let l = d.firstLine[row]; l <= d.lastLine[row]; l++) if (kinds[l] !== LineKind.Blank && kinds[l] !== LineKind.Unknown) lines.push(l);
    delivery.push({ file: c.files[fi].id, lines, initLine: d.initLine[row], sender: str(d.sender[row]), time: fromCell(d.time[row]), attempts });
  }
  const spamdyke: SpamdykeRecord[] = [];
  for (let rec = c.msgRecord[index]; rec !== NONE; rec = c.recordNext[rec]) {
    const fi = c.records.file[rec], y = c.files[fi].parsed.spamdyke!, row = c.records.row[rec];
    spamdyke.push({
      file: c.files[fi].id, line: y.line[row], verdict: s.get(y.verdict[row]), sender: s.get(y.sender[row]), recipient: s.get(y.recipient[row]),
      hasEnvelope: y.hasEnvelope[row] === 1, ip: s.get(y.ip[row]), month: y.month[row], day: y.day[row], secondsOfDay: y.secondsOfDay[row],
      time: c.recordTime[rec], qp: y.qp[row] === NO_VALUE ? undefined : y.qp[row], epoch: y.epoch[row] === NO_VALUE ? undefined : y.epoch[row],
    });
  }
  const spamdykeDiagnostics: Message['spamdykeDiagnostics'] = [];
  for (let d = c.diagnosticHead.get(index) ?? NONE; d !== NONE; d = c.diagnosticNext[d]) {
    const fi = c.diagnostics.file[d], line = c.files[fi].parsed.spamdyke!.diagnostics.line[c.diagnostics.row[d]];
    const t = c.spamdykeTimes.get(c.files[fi].id)?.[line];
    spamdykeDiagnostics.push({ file: c.files[fi].id, line, time: t ? t : NaN });
  }
  return {
    index, time: c.msgTime[index], sender: str(c.msgSender[index]), recipients: messageRecipients(c, index), smtp, delivery, spamdyke, spamdykeDiagnostics,
    bounceOf: c.msgBounceOf[index] >= 0 ? c.msgBounceOf[index] : undefined, bounces: c.bounces.get(index) ?? [],
    ambiguous: c.ambiguous.get(index), outcome: OUTCOMES[c.msgOutcome[index]], deferred: c.msgDeferred[index] === 1,
  };
}
