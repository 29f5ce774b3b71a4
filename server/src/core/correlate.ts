// Correlation: joins the records of all logs into messages, as FORMATS.md describes.
// Every link that had to be chosen among equally good candidates is kept and marked ambiguous.
import { civilFromLocalSeconds, localSecondsFor } from './time';
import {
  DeliveryAttempt, DeliveryGroup, LineKind, ParsedLogFile, SmtpRecipient, SmtpTransaction, SpamdykeRecord,
} from './model';

export type Outcome =
  | 'delivered' | 'deferred-delivered' | 'failed' | 'pending'
  | 'rejected-spamdyke' | 'rejected-smtp' | 'no-envelope';

export const OUTCOMES: Outcome[] = ['delivered', 'deferred-delivered', 'failed', 'pending', 'rejected-spamdyke', 'rejected-smtp', 'no-envelope'];

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

export interface Correlation {
  messages: Message[];
  /** Per file id: the message index owning each line, -1 for none. */
  lineOwner: Map<number, Int32Array>;
  /** Per spamdyke file id: local seconds of each line, with the inferred year. */
  spamdykeTimes: Map<number, Float64Array>;
  utcOffset?: UtcOffset;
  ambiguousLinks: number;
}

interface Owner {
  main: DeliveryGroup;
  groups: DeliveryGroup[];
  ambiguous: boolean;
  smtp?: SmtpTransaction;
  retryCandidates?: Owner[];
}

export function correlate(files: LogFileInput[], options: CorrelationOptions = {}): Correlation {
  const window = options.windowSeconds ?? 60;
  const smtpFiles = files.filter((f) => f.parsed.format === 'smtp');
  const deliveryFiles = files.filter((f) => f.parsed.format === 'delivery');
  const spamdykeFiles = files.filter((f) => f.parsed.format === 'spamdyke');
  let ambiguousLinks = 0;

  const spamdykeTimes = inferSpamdykeTimes(spamdykeFiles, [...smtpFiles, ...deliveryFiles], options.defaultYear);

  // Messages under construction, keyed by what anchors them.
  const txns: SmtpTransaction[] = [];
  for (const f of smtpFiles) for (const t of f.parsed.smtp) txns.push(t);
  txns.sort((a, b) => timeOf(a) - timeOf(b));
  const txnSpamdyke = new Map<SmtpTransaction, SpamdykeRecord[]>();
  const txnAmbiguous = new Map<SmtpTransaction, string[]>();
  const noteTxn = (t: SmtpTransaction, why: string) => {
    const list = txnAmbiguous.get(t);
    if (list) list.push(why);
    else txnAmbiguous.set(t, [why]);
  };

  // 1. Delivery groups and their retries.
  const owners: Owner[] = [];
  for (const f of deliveryFiles) {
    const joined = joinRetries(f.parsed.delivery);
    for (const o of joined.owners) owners.push(o);
    ambiguousLinks += joined.ambiguousRetries;
  }

  // 2. spamdyke ↔ SMTP.
  const byQp = new Map<string, SmtpTransaction[]>();
  for (const t of txns) {
    if (!t.queue) continue;
    const key = `${t.queue.epoch}:${t.queue.qp}`;
    const list = byQp.get(key);
    if (list) list.push(t);
    else byQp.set(key, [t]);
  }
  const rcptIndex = new Map<string, Array<{ t: SmtpTransaction; r: SmtpRecipient; used: boolean }>>();
  for (const t of txns) {
    for (const r of t.recipients) {
      const key = `${t.sender ?? ''}\n${r.address}`;
      const slot = { t, r, used: false };
      const list = rcptIndex.get(key);
      if (list) list.push(slot);
      else rcptIndex.set(key, [slot]);
    }
  }
  const orphanRecords: SpamdykeRecord[] = [];
  const records: SpamdykeRecord[] = [];
  for (const f of spamdykeFiles) for (const r of f.parsed.spamdyke) records.push(r);
  records.sort((a, b) => a.time - b.time);
  for (const rec of records) {
    let target: SmtpTransaction | undefined;
    if (rec.qp !== undefined) {
      const list = byQp.get(`${rec.epoch}:${rec.qp}`);
      if (list && list.length) {
        target = nearest(list, rec.time, (t) => t.queue!.time);
        if (list.length > 1) {
          noteTxn(target, `spamdyke line ${rec.line + 1}: qp ${rec.qp} queued more than once`);
        }
      }
    }
    if (!target && rec.hasEnvelope) {
      const slots = rcptIndex.get(`${rec.sender}\n${rec.recipient}`);
      if (slots) {
        const timeout = rec.verdict === 'TIMEOUT';
        let best: typeof slots[number] | undefined;
        let bestScore = Infinity;
        let ties = 0;
        for (const s of slots) {
          if (s.used) continue;
          // spamdyke logs a refusal when it happens: at RCPT, or after DATA (size, content).
          // A TIMEOUT comes when the client stopped talking: minutes after the transaction's
          // last entry, never for one that was queued.
          const dt = timeout
            ? (s.t.queue || rec.time < s.t.end - 1 || rec.time > s.t.end + 900 ? Infinity : Math.max(0, rec.time - s.t.end) / 1000)
            : Math.min(Math.abs(s.r.time - rec.time), Math.abs(s.t.end - rec.time));
          if (dt > 1 || rec.time < s.t.start - 1) continue;
          const refused = !s.r.accepted || (!s.t.queue && s.t.lastCode !== undefined && s.t.lastCode[0] !== '2');
          const score = dt * 2 + (refused === (rec.verdict !== 'ALLOWED') ? 0 : 1);
          if (score < bestScore) {
            best = s;
            bestScore = score;
            ties = 0;
          } else if (score === bestScore) {
            ties++;
          }
        }
        if (best) {
          best.used = true;
          target = best.t;
          if (ties > 0) {
            ambiguousLinks++;
            noteTxn(target, `spamdyke line ${rec.line + 1} fits ${ties + 1} SMTP transactions equally (same second, sender and recipient)`);
          }
        }
      }
    }
    if (target) {
      const list = txnSpamdyke.get(target);
      if (list) list.push(rec);
      else txnSpamdyke.set(target, [rec]);
    } else {
      orphanRecords.push(rec);
    }
  }

  // 3. SMTP (queued) → delivery init.
  const ownersBySender = new Map<string, Owner[]>();
  for (const o of owners) {
    if (o.main.initLine < 0 || o.main.sender === undefined) continue;
    const list = ownersBySender.get(o.main.sender);
    if (list) list.push(o);
    else ownersBySender.set(o.main.sender, [o]);
  }
  for (const list of ownersBySender.values()) list.sort((a, b) => a.main.time - b.main.time);
  const queued = txns.filter((t) => t.queue && t.sender !== undefined).sort((a, b) => a.queue!.time - b.queue!.time);
  for (const t of queued) {
    const list = ownersBySender.get(t.sender!);
    if (!list) continue;
    const accepted = new Set(t.recipients.filter((r) => r.accepted).map((r) => r.address));
    const qt = t.queue!.time;
    let best: Owner | undefined;
    let bestScore = Infinity;
    let ties = 0;
    // qmail-send logs the new message right after qmail-queue: the first unclaimed init at or
    // after the queue time (a second early for rounding) with the same recipients is the one.
    for (let i = lowerBound(list, qt - 1); i < list.length && list[i].main.time <= qt + window; i++) {
      const o = list[i];
      if (o.smtp) continue;
      const overlap = recipientOverlap(accepted, o.main.attempts);
      if (overlap === 0) continue;
      const score = (overlap === 2 ? 0 : 100000) + Math.max(0, o.main.time - qt);
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
      if (ties > 0) {
        ambiguousLinks++;
        noteTxn(t, `delivery group at line ${best.main.lines[0] + 1} was one of ${ties + 1} equally good candidates`);
      }
    }
  }

  // 4. Retries that came back with an `init` of their own (per-attempt delivery ids).
  const retryMerged = new Set<Owner>();
  for (const o of owners) {
    if (o.smtp || !o.retryCandidates || o.retryCandidates.length === 0) continue;
    const into = o.retryCandidates.find((c) => !retryMerged.has(c)) ?? o.retryCandidates[0];
    into.groups.push(...o.groups);
    if (o.retryCandidates.length > 1) {
      into.ambiguous = true;
      ambiguousLinks++;
    }
    retryMerged.add(o);
  }

  // 5. Build messages.
  const messages: Message[] = [];
  const ownerOfTxn = new Map<SmtpTransaction, Owner>();
  for (const o of owners) if (o.smtp && !retryMerged.has(o)) ownerOfTxn.set(o.smtp, o);
  const push = (m: Omit<Message, 'index' | 'outcome' | 'deferred' | 'bounces' | 'recipients' | 'time'>) => {
    const full = m as Message;
    full.bounces = [];
    full.index = -1;
    messages.push(full);
    return full;
  };
  for (const t of txns) {
    const o = ownerOfTxn.get(t);
    const amb = [...(txnAmbiguous.get(t) ?? [])];
    if (o?.ambiguous) amb.push('a retry group could belong to more than one deferred message');
    push({ smtp: t, delivery: o ? o.groups : [], spamdyke: txnSpamdyke.get(t) ?? [], sender: t.sender, ambiguous: amb.length ? amb : undefined });
  }
  for (const o of owners) {
    if (o.smtp || retryMerged.has(o)) continue;
    push({ delivery: o.groups, spamdyke: [], sender: o.main.sender, ambiguous: o.ambiguous ? ['a retry group could belong to more than one deferred message'] : undefined });
  }
  for (const r of orphanRecords) push({ delivery: [], spamdyke: [r], sender: r.hasEnvelope || r.sender ? r.sender : undefined });

  for (const m of messages) finishMessage(m);
  messages.sort((a, b) => a.time - b.time || firstLineKey(a) - firstLineKey(b));
  messages.forEach((m, i) => (m.index = i));
  linkBounces(messages);

  const lineOwner = new Map<number, Int32Array>();
  for (const f of files) lineOwner.set(f.id, new Int32Array(f.parsed.lineCount).fill(-1));
  for (const m of messages) {
    for (const [fileId, line] of messageLines(m, files)) {
      const arr = lineOwner.get(fileId)!;
      if (arr[line] < 0) arr[line] = m.index;
    }
  }
  return { messages, lineOwner, spamdykeTimes, utcOffset: deriveUtcOffset(txns), ambiguousLinks };
}

function timeOf(t: SmtpTransaction): number {
  return Number.isNaN(t.start) ? (t.queue?.time ?? 0) : t.start;
}

function firstLineKey(m: Message): number {
  if (m.smtp) return m.smtp.file * 1e9 + m.smtp.firstLine;
  if (m.delivery.length) return m.delivery[0].file * 1e9 + m.delivery[0].lines[0];
  if (m.spamdyke.length) return m.spamdyke[0].file * 1e9 + m.spamdyke[0].line;
  return 0;
}

function nearest<T>(list: T[], time: number, timeOfItem: (x: T) => number): T {
  let best = list[0];
  for (const x of list) if (Math.abs(timeOfItem(x) - time) < Math.abs(timeOfItem(best) - time)) best = x;
  return best;
}

function lowerBound(list: Owner[], time: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].main.time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** qmail's virtual domains deliver `user@dom` locally as `dom-user@dom`: compare without that prefix. */
export function deliveryRecipient(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  const prefix = domain + '-';
  return address.startsWith(prefix) ? address.slice(prefix.length) : address;
}

/** 2: the delivery's recipients are exactly the accepted ones; 1: they overlap; 0: disjoint. */
function recipientOverlap(accepted: Set<string>, attempts: DeliveryAttempt[]): number {
  const tried = new Set(attempts.map((a) => deliveryRecipient(a.recipient)));
  let common = 0;
  for (const r of tried) if (accepted.has(r)) common++;
  if (common === 0) return 0;
  return common === tried.size && common === accepted.size ? 2 : 1;
}

/**
 * Groups the delivery log's groups into messages: a group without `init`, or one whose tries
 * continue a deferred delivery id, is a retry of an earlier deferred message.
 */
function joinRetries(groups: DeliveryGroup[]): { owners: Owner[]; ambiguousRetries: number } {
  let ambiguousRetries = 0;
  const idsPersist = retriesKeepTheirId(groups);
  const owners: Owner[] = [];
  const pendingById = new Map<string, Owner>();
  const pendingByRcpt = new Map<string, Owner[]>();
  const addPending = (o: Owner, a: DeliveryAttempt) => {
    pendingById.set(a.id, o);
    const list = pendingByRcpt.get(a.recipient);
    if (!list) pendingByRcpt.set(a.recipient, [o]);
    else if (!list.includes(o)) list.push(o);
  };
  const settle = (o: Owner, a: DeliveryAttempt) => {
    if (pendingById.get(a.id) === o) pendingById.delete(a.id);
    const list = pendingByRcpt.get(a.recipient);
    if (list) {
      const i = list.indexOf(o);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) pendingByRcpt.delete(a.recipient);
    }
  };
  for (const g of groups) {
    let owner: Owner | undefined;
    let ambiguous = false;
    const first = g.attempts[0];
    if (first) {
      const byId = pendingById.get(first.id);
      if (byId && (g.initLine < 0 || byId.main.sender === g.sender) && byId.groups.some((x) => x.attempts.some((a) => a.recipient === first.recipient))) {
        owner = byId;
      } else if (g.initLine < 0) {
        const list = pendingByRcpt.get(first.recipient);
        if (list && list.length) {
          owner = list[0];
          ambiguous = list.length > 1;
        }
      }
    }
    if (owner) {
      owner.groups.push(g);
      if (ambiguous) owner.ambiguous = true;
      ambiguousRetries += ambiguous ? 1 : 0;
    } else {
      owner = { main: g, groups: [g], ambiguous: false };
      // Where the log shows that retries keep their id, a group with an init and a new id is a
      // new message, however much it looks like a retry.
      if (g.initLine >= 0 && first && !idsPersist) {
        const candidates = (pendingByRcpt.get(first.recipient) ?? []).filter((c) => c.main.sender === g.sender);
        if (candidates.length) owner.retryCandidates = candidates.slice();
      }
      owners.push(owner);
    }
    for (const a of g.attempts) {
      if (a.outcome === 'deferral') addPending(owner, a);
      else if (a.outcome) settle(owner, a);
    }
  }
  return { owners, ambiguousRetries };
}

/** Whether this log numbers deliveries per message: some deferred id is tried again later. */
function retriesKeepTheirId(groups: DeliveryGroup[]): boolean {
  const deferred = new Set<string>();
  for (const g of groups) {
    for (const a of g.attempts) {
      const key = `${a.id}\n${a.recipient}`;
      if (deferred.has(key)) return true;
      if (a.outcome === 'deferral') deferred.add(key);
    }
  }
  return false;
}

function finishMessage(m: Message): void {
  const times: number[] = [];
  const recipients = new Set<string>();
  if (m.smtp) {
    if (!Number.isNaN(m.smtp.start)) times.push(m.smtp.start);
    for (const r of m.smtp.recipients) recipients.add(r.address);
  }
  for (const g of m.delivery) {
    if (!Number.isNaN(g.time)) times.push(g.time);
    for (const a of g.attempts) recipients.add(deliveryRecipient(a.recipient));
  }
  for (const r of m.spamdyke) {
    if (!Number.isNaN(r.time)) times.push(r.time);
    if (r.recipient) recipients.add(r.recipient);
  }
  if (m.sender === undefined && m.delivery.length && m.delivery[0].sender !== undefined) m.sender = m.delivery[0].sender;
  m.time = times.length ? Math.min(...times) : NaN;
  m.recipients = [...recipients];
  const { outcome, deferred } = outcomeOf(m);
  m.outcome = outcome;
  m.deferred = deferred;
}

function outcomeOf(m: Message): { outcome: Outcome; deferred: boolean } {
  const attempts = m.delivery.flatMap((g) => g.attempts).sort((a, b) => a.tryTime - b.tryTime);
  const deferred = attempts.some((a) => a.outcome === 'deferral');
  if (attempts.length) {
    const last = new Map<string, DeliveryAttempt>();
    for (const a of attempts) last.set(a.recipient, a);
    const finals = [...last.values()];
    if (finals.some((a) => a.outcome === 'failure')) return { outcome: 'failed', deferred };
    if (finals.some((a) => a.outcome !== 'success')) return { outcome: 'pending', deferred };
    return { outcome: deferred ? 'deferred-delivered' : 'delivered', deferred };
  }
  const denied = m.spamdyke.some((r) => r.verdict.startsWith('DENIED_') && r.verdict !== 'DENIED_OTHER');
  if (m.smtp) {
    if (m.smtp.queue) return { outcome: 'pending', deferred: false };
    if (denied) return { outcome: 'rejected-spamdyke', deferred: false };
    if (m.smtp.recipients.length === 0 && m.spamdyke.every((r) => !r.hasEnvelope)) return { outcome: 'no-envelope', deferred: false };
    return { outcome: 'rejected-smtp', deferred: false };
  }
  if (denied) return { outcome: 'rejected-spamdyke', deferred: false };
  if (m.spamdyke.some((r) => r.verdict === 'DENIED_OTHER')) return { outcome: 'rejected-smtp', deferred: false };
  if (m.spamdyke.some((r) => r.verdict === 'ALLOWED')) return { outcome: 'pending', deferred: false };
  return { outcome: 'no-envelope', deferred: false };
}

/** A failed delivery is normally followed by a bounce: a null-sender message to the original sender. */
function linkBounces(messages: Message[]): void {
  const failures: Array<{ m: Message; a: DeliveryAttempt; linked: boolean }> = [];
  for (const m of messages) {
    for (const g of m.delivery) for (const a of g.attempts) if (a.outcome === 'failure') failures.push({ m, a, linked: false });
  }
  if (!failures.length) return;
  failures.sort((x, y) => x.a.resultTime - y.a.resultTime);
  const bySender = new Map<string, typeof failures>();
  for (const f of failures) {
    const s = f.m.sender ?? '';
    const list = bySender.get(s);
    if (list) list.push(f);
    else bySender.set(s, [f]);
  }
  for (const m of messages) {
    if (m.smtp || m.sender !== '' || !m.delivery.length) continue;
    const to = m.delivery[0].attempts[0]?.recipient;
    if (!to) continue;
    const list = bySender.get(deliveryRecipient(to));
    if (!list) continue;
    let pick: (typeof failures)[number] | undefined;
    for (const f of list) {
      if (f.linked || f.m === m) continue;
      if (f.a.resultTime <= m.time + 1 && f.a.resultTime >= m.time - 600) pick = f;
    }
    if (pick) {
      pick.linked = true;
      m.bounceOf = pick.m.index;
      pick.m.bounces.push(m.index);
    }
  }
}

/** Every (file id, line) of a message, in file order. */
export function messageLines(m: Message, files: ReadonlyArray<{ id: number; parsed: ParsedLogFile }>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (m.smtp) {
    const kinds = files.find((f) => f.id === m.smtp!.file)?.parsed.lineKinds;
    for (let l = m.smtp.firstLine; l <= m.smtp.lastLine; l++) {
      if (!kinds || (kinds[l] !== LineKind.Blank && kinds[l] !== LineKind.Unknown)) out.push([m.smtp.file, l]);
    }
  }
  for (const g of m.delivery) for (const l of g.lines) out.push([g.file, l]);
  for (const r of m.spamdyke) out.push([r.file, r.line]);
  return out;
}

/** The year of year-less spamdyke stamps, from the other logs, across a December→January turn. */
function inferSpamdykeTimes(spamdyke: LogFileInput[], others: LogFileInput[], defaultYear?: number): Map<number, Float64Array> {
  let reference = NaN;
  outer: for (const f of others) {
    const times = f.parsed.lineTimes;
    for (let i = 0; i < times.length; i++) {
      if (!Number.isNaN(times[i])) {
        if (Number.isNaN(reference) || times[i] < reference) reference = times[i];
        continue outer;
      }
    }
  }
  const result = new Map<number, Float64Array>();
  for (const f of spamdyke) {
    const recs = f.parsed.spamdyke;
    const times = new Float64Array(f.parsed.lineCount).fill(NaN);
    let year: number;
    if (recs.length && !Number.isNaN(reference)) {
      const ref = civilFromLocalSeconds(reference);
      // The year that puts the first spamdyke line closest to the other logs' first line.
      year = ref.year;
      let bestDist = Infinity;
      for (const y of [ref.year - 1, ref.year, ref.year + 1]) {
        const d = Math.abs(localSecondsFor(y, recs[0].month, recs[0].day, recs[0].secondsOfDay) - reference);
        if (d < bestDist) {
          bestDist = d;
          year = y;
        }
      }
    } else {
      year = defaultYear ?? new Date().getUTCFullYear();
    }
    let prevMonth = recs.length ? recs[0].month : 0;
    for (const r of recs) {
      if (r.month < prevMonth && prevMonth - r.month >= 6) year++;
      else if (r.month > prevMonth && r.month - prevMonth >= 6) year--;
      prevMonth = r.month;
      r.time = localSecondsFor(year, r.month, r.day, r.secondsOfDay);
      if (Number.isNaN(times[r.line])) times[r.line] = r.time;
    }
    result.set(f.id, times);
  }
  return result;
}

/** The server's UTC offset: local time of the queue reply minus its UTC EPOCH, where they agree. */
function deriveUtcOffset(txns: SmtpTransaction[]): UtcOffset | undefined {
  const counts = new Map<number, number>();
  let total = 0;
  for (const t of txns) {
    if (!t.queue || Number.isNaN(t.queue.time)) continue;
    // Round to the quarter hour: the reply's second and the epoch may differ by a second or two.
    const off = Math.round((t.queue.time - t.queue.epoch) / 900) * 900;
    counts.set(off, (counts.get(off) ?? 0) + 1);
    total++;
  }
  if (!total) return undefined;
  let best = 0, bestCount = 0;
  for (const [off, c] of counts) if (c > bestCount) { best = off; bestCount = c; }
  return { seconds: best, agreeing: bestCount, total };
}
