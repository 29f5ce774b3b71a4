// Tests of the corpus generator itself: that its files follow FORMATS.md and that its ground truth
// really describes them. The checks parse the files independently of the generator's internals.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Corpus, CorpusOptions, FILE_ROLES, FileRole, TruthMessage, generateCorpus, loadCorpus } from '../corpus/generator';

const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-test-'));
after(() => fs.rmSync(tempRoot, { recursive: true, force: true }));
let dirCounter = 0;

function make(options: CorpusOptions, withTruth = true): Corpus {
  return generateCorpus(path.join(tempRoot, `c${dirCounter++}`), options, withTruth);
}

interface Loaded { corpus: Corpus; text: Record<FileRole, string>; lines: Record<FileRole, string[]>; truth: TruthMessage[] }

function load(corpus: Corpus): Loaded {
  const text = {} as Record<FileRole, string>;
  const lines = {} as Record<FileRole, string[]>;
  for (const f of corpus.files) {
    text[f.role] = fs.readFileSync(f.path, 'utf8');
    let body = text[f.role];
    if (body.startsWith('\uFEFF')) body = body.slice(1);
    const split = body.split(/\r?\n/);
    if (split.length > 0 && split[split.length - 1] === '' && /\n$/.test(body)) split.pop();
    lines[f.role] = split;
  }
  return { corpus, text, lines, truth: corpus.truth! };
}

// ---- independent parsers of the three formats

const STAMP = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d), /;
const SMTP_ENTRY = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d), (from|to|resp|check|size), (.*)$/;
const DELIVERY_ENTRY = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d), (init|try|result), (.*)$/;
const SPAMDYKE_LINE = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ 1-3]\d) (\d\d:\d\d:\d\d) (\S+) spamdyke\[(\d+)\]: ([A-Z_]+) from: (.*) to: (\S+) origin_ip: (\S+) origin_rdns: (\S+) auth: (\S+) encryption: (\S+) reason: (\S+)$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function localSeconds(stamp: string): number {
  const m = STAMP.exec(`${stamp}, `)!;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
}

interface SmtpEntry { time: string; kind: string; detail: string }
function smtpEntries(line: string): SmtpEntry[] {
  // A run-together line holds several entries separated by one space.
  const parts = line.split(/ (?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, (?:from|to|resp|check|size), )/);
  return parts.map((p) => {
    const m = SMTP_ENTRY.exec(p);
    assert.ok(m, `not an SMTP entry: ${JSON.stringify(p)}`);
    return { time: m[1], kind: m[2], detail: m[3] };
  });
}

interface SpamdykeEntry { month: string; day: number; time: string; pid: number; verdict: string; from: string; to: string; ip: string; rdns: string; auth: string; encryption: string; reason: string }
function spamdykeEntry(line: string): SpamdykeEntry {
  const m = SPAMDYKE_LINE.exec(line);
  assert.ok(m, `not a spamdyke line: ${JSON.stringify(line)}`);
  return { month: m[1], day: +m[2], time: m[3], pid: +m[5], verdict: m[6], from: m[7], to: m[8], ip: m[9], rdns: m[10], auth: m[11], encryption: m[12], reason: m[13] };
}

/** The syslog stamp an SMTP-style stamp would have. */
function asSyslog(stamp: string): string {
  const m = STAMP.exec(`${stamp}, `)!;
  return `${MONTHS[+m[2] - 1]} ${String(+m[3]).padStart(2, ' ')} ${m[4]}:${m[5]}:${m[6]}`;
}

function linesOf(l: Loaded, msg: TruthMessage, role: FileRole): number[] {
  return msg.lines.filter(([r]) => r === role).map(([, n]) => n);
}

// ---- shared corpora (generated once)

const BASE: CorpusOptions = { seed: 4242, messages: 2000 };
const base = load(make(BASE));

describe('determinism', () => {
  test('the same options give byte-identical files and the same truth', () => {
    const options: CorpusOptions = { seed: 99, messages: 600, garbage: 0.05, runTogether: 0.1, names: 'opaque', truncate: true, crlf: true, bom: true, deliveryIds: 'per-attempt' };
    const a = make(options);
    const b = make(options);
    assert.deepEqual(a.files.map((f) => f.name), b.files.map((f) => f.name));
    for (let i = 0; i < a.files.length; i++) {
      assert.ok(fs.readFileSync(a.files[i].path).equals(fs.readFileSync(b.files[i].path)), `${a.files[i].name} differs`);
    }
    assert.deepEqual(a.truth, b.truth);
    assert.ok(fs.readFileSync(path.join(a.dir, 'truth.json')).equals(fs.readFileSync(path.join(b.dir, 'truth.json'))));
  });

  test('another seed gives other content', () => {
    const a = make({ seed: 1, messages: 200 });
    const b = make({ seed: 2, messages: 200 });
    assert.notEqual(fs.readFileSync(a.files[0].path, 'utf8'), fs.readFileSync(b.files[0].path, 'utf8'));
  });

  test('the message count is exactly the requested one, also for tiny corpora', () => {
    for (const n of [0, 1, 2, 3, 17]) {
      const c = make({ seed: n + 5, messages: n });
      assert.equal(c.messages, n);
      assert.equal(c.truth!.length, n);
      assert.deepEqual(c.truth!.map((m) => m.id), Array.from({ length: n }, (_, i) => i));
    }
  });

  test('truth.json reads back to the same truth', () => {
    const back = loadCorpus(base.corpus.dir);
    assert.deepEqual(back.truth, base.truth);
    assert.deepEqual(back.files.map((f) => [f.role, f.name, f.bytes]), base.corpus.files.map((f) => [f.role, f.name, f.bytes]));
  });
});

describe('line ownership', () => {
  test('every non-blank line is claimed by exactly one message and blank lines by none', () => {
    const owner = new Map<string, number>();
    for (const m of base.truth) {
      for (const [role, n] of m.lines) {
        const key = `${role}:${n}`;
        assert.ok(!owner.has(key), `${key} claimed by ${owner.get(key)} and ${m.id}`);
        owner.set(key, m.id);
        assert.ok(n >= 0 && n < base.lines[role].length, `${key} is outside the file`);
      }
    }
    for (const role of FILE_ROLES) {
      base.lines[role].forEach((line, n) => {
        const claimed = owner.has(`${role}:${n}`);
        if (line.trim() === '') assert.ok(!claimed, `blank line ${role}:${n} is claimed`);
        else assert.ok(claimed, `line ${role}:${n} is claimed by no message: ${line}`);
      });
    }
  });

  test('garbage lines are claimed by none; the claimed lines are exactly the clean corpus', () => {
    const dirty = load(make({ ...BASE, garbage: 0.08 }));
    let garbageLines = 0;
    let contentLines = 0;
    for (const role of FILE_ROLES) {
      const claimed = new Set<number>();
      for (const m of dirty.truth) for (const [r, n] of m.lines) if (r === role) claimed.add(n);
      const kept = dirty.lines[role].filter((line, n) => claimed.has(n) || line.trim() === '');
      garbageLines += dirty.lines[role].length - kept.length;
      contentLines += claimed.size;
      assert.deepEqual(kept.filter((l) => l !== ''), base.lines[role].filter((l) => l !== ''), `${role}: claimed lines differ from the clean corpus`);
    }
    // each message claims the same texts as in the clean corpus
    for (let i = 0; i < base.truth.length; i += 7) {
      const a = base.truth[i].lines.map(([r, n]) => base.lines[r][n]);
      const b = dirty.truth[i].lines.map(([r, n]) => dirty.lines[r][n]);
      assert.deepEqual(b, a);
    }
    const share = garbageLines / contentLines;
    assert.ok(share > 0.05 && share < 0.11, `garbage share ${share}`);
  });

  test('the lines of a message in one SMTP or delivery file form blank-separated groups', () => {
    for (const m of base.truth) {
      for (const role of ['smtp25', 'smtp465', 'smtp587'] as FileRole[]) {
        const ns = linesOf(base, m, role).sort((a, b) => a - b);
        if (ns.length === 0) continue;
        assert.equal(ns[ns.length - 1] - ns[0] + 1, ns.length, `message ${m.id} is not one block in ${role}`);
        const lines = base.lines[role];
        assert.ok(ns[0] === 0 || lines[ns[0] - 1] === '', `message ${m.id} does not start a group in ${role}`);
        assert.ok(ns[ns.length - 1] === lines.length - 1 || lines[ns[ns.length - 1] + 1] === '', `message ${m.id} does not end a group in ${role}`);
        assert.match(lines[ns[0]], /, from, /);
      }
      // delivery: every line of the message lies in a group of this message only
      const ns = new Set(linesOf(base, m, 'delivery'));
      for (const n of ns) {
        const lines = base.lines.delivery;
        if (n + 1 < lines.length && lines[n + 1] !== '') assert.ok(ns.has(n + 1), `delivery group around ${n} mixes messages`);
      }
    }
  });
});

// Parsed view of one message in a clean corpus.
function view(l: Loaded, m: TruthMessage) {
  const smtpRoles = (['smtp25', 'smtp465', 'smtp587'] as FileRole[]).filter((r) => linesOf(l, m, r).length > 0);
  assert.ok(smtpRoles.length <= 1, `message ${m.id} has lines in several SMTP logs`);
  const smtp = smtpRoles.length ? linesOf(l, m, smtpRoles[0]).sort((a, b) => a - b).flatMap((n) => smtpEntries(l.lines[smtpRoles[0]][n])) : [];
  const spamdyke = linesOf(l, m, 'spamdyke').map((n) => spamdykeEntry(l.lines.spamdyke[n]));
  const delivery = linesOf(l, m, 'delivery').sort((a, b) => a - b).map((n) => {
    const d = DELIVERY_ENTRY.exec(l.lines.delivery[n]);
    assert.ok(d, `not a delivery line: ${l.lines.delivery[n]}`);
    return { time: d[1], kind: d[2], detail: d[3] };
  });
  return { port: smtpRoles[0], smtp, spamdyke, delivery };
}

describe('truth points at lines of the right kind', () => {
  test('spamdyke lines match the SMTP group of the same message', () => {
    let allowed = 0;
    let denied = 0;
    for (const m of base.truth) {
      const v = view(base, m);
      const from = v.smtp.find((e) => e.kind === 'from');
      const queued = v.smtp.find((e) => e.kind === 'resp' && /^250 ok \d+ qp \d+$/.test(e.detail));
      const recipients = v.smtp.filter((e) => e.kind === 'to').map((e) => e.detail.replace(/^<|>$/g, ''));
      for (const s of v.spamdyke) {
        if (!from) {
          assert.equal(s.verdict, 'TIMEOUT', `message ${m.id}: spamdyke line without SMTP group`);
          assert.equal(m.outcome, 'no-envelope');
          assert.equal(s.from, '(unknown)');
          assert.equal(s.to, '(unknown)');
          continue;
        }
        assert.equal(s.from, from.detail === '' ? base.corpus.spamdykeNullSender : from.detail, `message ${m.id}: spamdyke sender`);
        assert.ok(recipients.includes(s.to), `message ${m.id}: ${s.to} is not a recipient of its SMTP group`);
        if (s.verdict === 'ALLOWED') {
          allowed++;
          assert.ok(queued, `message ${m.id}: ALLOWED without a queued reply`);
          assert.equal(s.reason, queued.detail.replace(/ /g, '_'));
          const lag = localSeconds(`${queued.time.slice(0, 10)} ${s.time}`) - localSeconds(queued.time);
          assert.ok(lag === 0 || lag === 1, `message ${m.id}: ALLOWED ${lag} s after queueing`);
        } else if (s.verdict.startsWith('DENIED_')) {
          denied++;
          // the refusal stands in the group in the same second
          const refusals = v.smtp.filter((e) => e.kind === 'resp' && /^[45]\d\d /.test(e.detail) && asSyslog(e.time) === `${s.month} ${String(s.day).padStart(2, ' ')} ${s.time}`);
          assert.ok(refusals.length > 0, `message ${m.id}: ${s.verdict} without a refusal in the same second`);
          if (s.verdict === 'DENIED_OTHER') assert.ok(refusals.some((e) => e.detail.replace(/ /g, '_') === s.reason), `message ${m.id}: DENIED_OTHER reason ${s.reason}`);
          else assert.equal(s.reason, '(empty)');
        } else assert.equal(s.verdict, 'TIMEOUT');
      }
      // one spamdyke line per recipient
      if (from) assert.equal(v.spamdyke.length, recipients.length, `message ${m.id}: ${v.spamdyke.length} spamdyke lines for ${recipients.length} recipients`);
    }
    assert.ok(allowed > 500 && denied > 300, `allowed ${allowed}, denied ${denied}`);
  });

  test('EPOCH in the queued reply is the local time minus the UTC offset', () => {
    for (const [offset, l] of [[60, base], [-300, load(make({ seed: 3, messages: 300, utcOffsetMinutes: -300 }))]] as Array<[number, Loaded]>) {
      let checked = 0;
      for (const m of l.truth) {
        for (const e of view(l, m).smtp) {
          const q = /^250 ok (\d+) qp (\d+)$/.exec(e.detail);
          if (!q) continue;
          assert.equal(+q[1], localSeconds(e.time) - offset * 60);
          checked++;
        }
      }
      assert.ok(checked > 100);
    }
  });

  test('the delivery group belongs to the queued SMTP group: sender, recipients, 0-3 s after queueing', () => {
    let checked = 0;
    for (const m of base.truth) {
      const v = view(base, m);
      const queued = v.smtp.find((e) => e.kind === 'resp' && /^250 ok \d+ qp \d+$/.test(e.detail));
      if (!queued) {
        if (v.smtp.length > 0) assert.equal(v.delivery.length, 0, `message ${m.id}: delivered without being queued`);
        continue;
      }
      const init = v.delivery.find((e) => e.kind === 'init');
      assert.ok(init, `message ${m.id}: queued but no delivery init`);
      const from = v.smtp.find((e) => e.kind === 'from')!;
      // The null sender's init is `<>` or empty, as the seed fixes it.
      assert.equal(init.detail.replace(/^<(.*)>$/, '$1'), from.detail);
      const gap = localSeconds(init.time) - localSeconds(queued.time);
      assert.ok(gap >= 0 && gap <= 3, `message ${m.id}: init ${gap} s after queueing`);
      // the accepted recipients: a 'check' that accepted or relayed, followed by '250 ok'
      const accepted: string[] = [];
      for (let i = 0; i + 2 < v.smtp.length; i++) {
        if (v.smtp[i].kind === 'to' && v.smtp[i + 1].kind === 'check' && /^(accepted|relaying) rcpt, /.test(v.smtp[i + 1].detail) && v.smtp[i + 2].detail === '250 ok') {
          accepted.push(v.smtp[i].detail.replace(/^<|>$/g, ''));
        }
      }
      const tried = new Set(v.delivery.filter((e) => e.kind === 'try').map((e) => e.detail.split(', ')[2]));
      assert.deepEqual([...tried].sort(), accepted.sort(), `message ${m.id}: tried recipients`);
      checked++;
    }
    assert.ok(checked > 1000, `checked ${checked}`);
  });

  test('try and result lines pair up by ID within a message, and outcomes match the results', () => {
    for (const m of base.truth) {
      const v = view(base, m);
      const tries = v.delivery.filter((e) => e.kind === 'try').map((e) => e.detail.split(', '));
      const results = v.delivery.filter((e) => e.kind === 'result').map((e) => e.detail.split(', '));
      assert.equal(tries.length, results.length, `message ${m.id}`);
      for (const r of results) assert.ok(tries.some((t) => t[0] === r[0]), `message ${m.id}: result ${r[0]} without try`);
      // per recipient, in time order: only deferrals before the last result
      const recipientOf = new Map(tries.map((t) => [t[0], t[2]]));
      const perRecipient = new Map<string, string[]>();
      const timed = v.delivery.filter((e) => e.kind === 'result').map((e, i) => ({ t: localSeconds(e.time), i, d: e.detail.split(', ') }));
      timed.sort((a, b) => a.t - b.t || a.i - b.i);
      for (const r of timed) {
        const rcpt = recipientOf.get(r.d[0])!;
        if (!perRecipient.has(rcpt)) perRecipient.set(rcpt, []);
        perRecipient.get(rcpt)!.push(r.d[1]);
      }
      for (const [rcpt, seq] of perRecipient) {
        assert.ok(seq.slice(0, -1).every((x) => x === 'deferral'), `message ${m.id}: ${rcpt} tried again after ${seq.join(', ')}`);
      }
      const verdicts = results.map((r) => r[1]);
      switch (m.outcome) {
        case 'delivered': if (v.delivery.length) assert.ok(verdicts.every((x) => x === 'success'), `message ${m.id}`); break;
        case 'deferred-delivered': assert.ok(verdicts.includes('deferral') && verdicts[verdicts.length - 1] === 'success', `message ${m.id}`); break;
        case 'failed': assert.ok(verdicts.includes('failure'), `message ${m.id}`); break;
        case 'pending': assert.ok(verdicts.includes('deferral') && !verdicts.includes('failure'), `message ${m.id}`); break;
        default: assert.equal(v.delivery.length, 0, `message ${m.id} (${m.outcome}) has delivery lines`);
      }
    }
  });

  test('a bounce delivers to the sender of the failed message, with a null sender, seconds after the failure', () => {
    const bounces = base.truth.filter((m) => m.bounceOf !== undefined);
    assert.ok(bounces.length >= 5);
    for (const b of bounces) {
      const original = base.truth[b.bounceOf!];
      assert.equal(original.outcome, 'failed');
      const vo = view(base, original);
      const vb = view(base, b);
      assert.equal(vb.smtp.length, 0);
      assert.equal(vb.delivery[0].kind, 'init');
      assert.match(vb.delivery[0].detail, /^(?:<>)?$/);
      const sender = vo.delivery.find((e) => e.kind === 'init')!.detail.replace(/^<|>$/g, '');
      assert.equal(vb.delivery[1].detail.split(', ')[2], sender);
      const failure = vo.delivery.find((e) => e.kind === 'result' && e.detail.split(', ')[1] === 'failure')!;
      const gap = localSeconds(vb.delivery[0].time) - localSeconds(failure.time);
      assert.ok(gap >= 0 && gap <= 5, `bounce ${b.id} ${gap} s after the failure`);
    }
  });

  test('ambiguousWith is symmetric and names messages with the same second, sender and recipient', () => {
    const flagged = base.truth.filter((m) => m.ambiguousWith);
    assert.ok(flagged.length >= 4);
    for (const m of flagged) {
      for (const other of m.ambiguousWith!) {
        assert.notEqual(other, m.id);
        assert.ok(base.truth[other].ambiguousWith?.includes(m.id), `${m.id} ~ ${other} is not symmetric`);
        const a = view(base, m);
        const b = view(base, base.truth[other]);
        const fromA = a.smtp.find((e) => e.kind === 'from')?.detail ?? a.delivery[0].detail;
        const fromB = b.smtp.find((e) => e.kind === 'from')?.detail ?? b.delivery[0].detail;
        assert.equal(fromA.replace(/^<|>$/g, ''), fromB.replace(/^<|>$/g, ''));
      }
    }
    // the denied newsletter repeats are all flagged
    for (const m of base.truth.filter((x) => x.scenario === 'newsletter-repeat-denied')) assert.ok(m.ambiguousWith?.length, `message ${m.id}`);
  });

  test('independent denied messages in the same second with the same sender and recipient are flagged', () => {
    // Build the key from the files, not from the generator.
    const byKey = new Map<string, Set<number>>();
    for (const m of base.truth) {
      for (const n of linesOf(base, m, 'spamdyke')) {
        const s = spamdykeEntry(base.lines.spamdyke[n]);
        if (!s.verdict.startsWith('DENIED_') || s.from === '(unknown)') continue;
        const key = [s.month, s.day, s.time, s.verdict, s.reason, s.from, s.to].join('|');
        if (!byKey.has(key)) byKey.set(key, new Set());
        byKey.get(key)!.add(m.id);
      }
    }
    let groups = 0;
    for (const ids of byKey.values()) {
      if (ids.size < 2) continue;
      groups++;
      for (const id of ids) for (const other of ids) if (other !== id) assert.ok(base.truth[id].ambiguousWith?.includes(other), `${id} should be ambiguous with ${other}`);
    }
    assert.ok(groups > 0);
  });

  test('qp PIDs do not repeat within ten minutes', () => {
    const seen = new Map<number, number>();
    for (const role of ['smtp25', 'smtp465', 'smtp587'] as FileRole[]) {
      for (const line of base.lines[role]) {
        const q = / resp, 250 ok (\d+) qp (\d+)$/.exec(line);
        if (!q) continue;
        const prev = seen.get(+q[2]);
        if (prev !== undefined) assert.ok(Math.abs(prev - +q[1]) > 600, `qp ${q[2]} repeats within ten minutes`);
        seen.set(+q[2], +q[1]);
      }
    }
    assert.ok(seen.size > 1000);
  });
});

describe('layout', () => {
  function groupsOf(lines: string[]): string[][] {
    const groups: string[][] = [];
    let current: string[] = [];
    for (const line of lines) {
      if (line === '') { if (current.length) groups.push(current); current = []; } else current.push(line);
    }
    if (current.length) groups.push(current);
    return groups;
  }

  test('SMTP transactions in order of their start time; delivery groups by their first line; spamdyke in time order', () => {
    for (const role of ['smtp25', 'smtp465', 'smtp587', 'delivery'] as FileRole[]) {
      const starts = groupsOf(base.lines[role]).map((g) => localSeconds(g[0].slice(0, 19)));
      for (let i = 1; i < starts.length; i++) assert.ok(starts[i] >= starts[i - 1], `${role}: group ${i} starts before group ${i - 1}`);
      assert.ok(starts.length > 10);
    }
    let previous = -1;
    for (const line of base.lines.spamdyke) {
      const s = spamdykeEntry(line);
      const t = (MONTHS.indexOf(s.month) * 31 + s.day) * 86400 + localSeconds(`2000-01-01 ${s.time}`);
      assert.ok(t >= previous, `spamdyke out of order at ${line}`);
      previous = t;
    }
  });

  test('entries of one transaction span at most a few seconds and never go backwards', () => {
    for (const role of ['smtp25', 'smtp465', 'smtp587'] as FileRole[]) {
      for (const g of groupsOf(base.lines[role])) {
        const times = g.map((l) => localSeconds(l.slice(0, 19)));
        for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1]);
        assert.ok(times[times.length - 1] - times[0] <= 60, `transaction spans ${times[times.length - 1] - times[0]} s`);
      }
    }
  });

  test('retries: inline layout keeps them in the group, separate layout gives them groups of their own', () => {
    const stats = (l: Loaded) => {
      let repeatedInGroup = 0;
      let startingWithTry = 0;
      for (const g of groupsOf(l.lines.delivery)) {
        const recipients = g.filter((x) => / try, /.test(x)).map((x) => x.split(', ').slice(3).join(', '));
        if (recipients.length > new Set(recipients).size) repeatedInGroup++;
        if (/^\S+ \S+, try, /.test(g[0])) startingWithTry++;
      }
      return { repeatedInGroup, startingWithTry };
    };
    const inline = load(make({ ...BASE, retryLayout: 'inline' }));
    const separate = load(make({ ...BASE, retryLayout: 'separate' }));
    const mixed = stats(base);
    assert.ok(stats(inline).repeatedInGroup > 5);
    assert.equal(stats(inline).startingWithTry, 0);
    assert.equal(stats(separate).repeatedInGroup, 0);
    assert.ok(stats(separate).startingWithTry > 3);
    assert.ok(mixed.repeatedInGroup > 0 && mixed.startingWithTry > 0, 'the mixed layout has both');
    // in the separate layout, some retry groups repeat the init line and some do not
    let withInit = 0;
    let withoutInit = 0;
    for (const m of separate.truth) {
      const ns = linesOf(separate, m, 'delivery').sort((a, b) => a - b);
      const groups = ns.filter((n, i) => i === 0 || ns[i - 1] !== n - 1).length;
      const inits = ns.filter((n) => / init, /.test(separate.lines.delivery[n])).length;
      if (groups > 1) {
        if (inits > 1) withInit++;
        if (inits < groups) withoutInit++;
      }
    }
    assert.ok(withInit > 0 && withoutInit > 0, `retry groups with init ${withInit}, without ${withoutInit}`);
    // retries keep their later timestamps inside an inline group
    assert.ok(groupsOf(inline.lines.delivery).some((g) => localSeconds(g[g.length - 1].slice(0, 19)) - localSeconds(g[0].slice(0, 19)) >= 100));
  });

  test('delivery IDs: per-message reuses a recipient\'s ID for its retries, per-attempt never reuses one', () => {
    const perAttempt = load(make({ ...BASE, deliveryIds: 'per-attempt' }));
    const perMessage = load(make({ ...BASE, deliveryIds: 'per-message' }));
    const tryIds = (l: Loaded) => l.lines.delivery.filter((x) => / try, /.test(x)).map((x) => x.split(', ')[2]);
    const a = tryIds(perAttempt);
    assert.equal(new Set(a).size, a.length);
    const b = tryIds(perMessage);
    assert.ok(new Set(b).size < b.length);
    for (const m of perMessage.truth.filter((x) => x.outcome === 'deferred-delivered')) {
      const ids = linesOf(perMessage, m, 'delivery').map((n) => perMessage.lines.delivery[n]).filter((x) => / try, /.test(x)).map((x) => x.split(', ').slice(2));
      const byRecipient = new Map<string, Set<string>>();
      for (const [id, , rcpt] of ids) {
        if (!byRecipient.has(rcpt)) byRecipient.set(rcpt, new Set());
        byRecipient.get(rcpt)!.add(id);
      }
      for (const s of byRecipient.values()) assert.equal(s.size, 1);
    }
  });

  test('run-together transactions are one physical line of entries separated by one space', () => {
    const l = load(make({ ...BASE, runTogether: 0.2 }));
    let joined = 0;
    for (const m of l.truth) {
      for (const n of linesOf(l, m, 'smtp25')) {
        const entries = smtpEntries(l.lines.smtp25[n]);
        if (entries.length > 1) {
          joined++;
          assert.equal(entries[0].kind, 'from');
          assert.equal(linesOf(l, m, 'smtp25').length, 1, `message ${m.id}: a joined transaction has other lines too`);
        }
      }
    }
    const groups = groupsOf(l.lines.smtp25).length;
    assert.ok(joined / groups > 0.12 && joined / groups < 0.28, `joined ${joined} of ${groups}`);
  });
});

describe('options', () => {
  test('CRLF and BOM', () => {
    const c = make({ seed: 8, messages: 300, crlf: true, bom: true });
    for (const f of c.files) {
      const bytes = fs.readFileSync(f.path);
      assert.equal(bytes.length, f.bytes);
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], `${f.name} has no BOM`);
      const text = bytes.toString('utf8');
      assert.equal(text.match(/\r\n/g)?.length, text.match(/\n/g)?.length, `${f.name} has a bare LF`);
      assert.ok(text.endsWith('\r\n'));
      assert.equal((text.slice(1).match(/\uFEFF/g) ?? []).length, 0);
    }
    for (const f of make({ seed: 8, messages: 300 }).files) {
      const bytes = fs.readFileSync(f.path);
      assert.notEqual(bytes[0], 0xef);
      assert.ok(!bytes.includes(13), `${f.name} has a CR`);
    }
  });

  test('with CRLF and BOM the truth line numbers stay the same', () => {
    const plain = load(make({ seed: 8, messages: 300 }));
    const dos = load(make({ seed: 8, messages: 300, crlf: true, bom: true }));
    assert.deepEqual(dos.truth, plain.truth);
    for (const role of FILE_ROLES) assert.deepEqual(dos.lines[role], plain.lines[role]);
  });

  test('opaque names say nothing about the role, are distinct and follow the seed', () => {
    const a = make({ seed: 21, messages: 50, names: 'opaque' });
    const b = make({ seed: 21, messages: 50, names: 'opaque' });
    const names = a.files.map((f) => f.name);
    assert.equal(new Set(names.map((n) => n.toLowerCase())).size, 5);
    for (const n of names) assert.doesNotMatch(n, /smtp|spam|deliv|25|465|587|truth/i);
    assert.deepEqual(b.files.map((f) => f.name), names);
    assert.deepEqual(base.corpus.files.map((f) => f.name), ['smtp_25.log', 'smtp_465.log', 'smtp_587.log', 'delivery.log', 'spamdyke.log']);
  });

  test('truncate cuts every file inside its last message', () => {
    const full = load(make({ ...BASE, messages: 800 }));
    const cut = load(make({ ...BASE, messages: 800, truncate: true }));
    for (const role of FILE_ROLES) {
      const text = cut.text[role];
      assert.ok(!text.endsWith('\n'), `${role} ends with a line ending`);
      const lastLine = cut.lines[role].length - 1;
      const owner = cut.truth.find((m) => m.lines.some(([r, n]) => r === role && n === lastLine));
      assert.ok(owner, `${role}: the partial last line belongs to no message`);
      assert.equal(owner.truncated, true);
      // the partial line is a proper prefix of the full line
      const fullLine = full.lines[role][lastLine];
      assert.ok(fullLine.startsWith(cut.lines[role][lastLine]) && fullLine.length > cut.lines[role][lastLine].length, `${role}: ${cut.lines[role][lastLine]}`);
      // the lines before are the same as in the full corpus
      assert.deepEqual(cut.lines[role].slice(0, lastLine), full.lines[role].slice(0, lastLine));
      // the cut message keeps some of its lines only
      const fullOwner = full.truth[owner.id];
      assert.ok(owner.lines.filter(([r]) => r === role).length <= fullOwner.lines.filter(([r]) => r === role).length);
    }
  });

  test('the year turn: a corpus starting on New Year\'s Eve crosses into January', () => {
    const l = load(make({ seed: 5, messages: 2000, start: '2021-12-31 23:00:00' }));
    assert.ok(l.lines.smtp25.some((x) => x.startsWith('2021-12-31 23:')));
    assert.ok(l.lines.smtp25.some((x) => x.startsWith('2022-01-01 00:')));
    assert.ok(l.lines.delivery.some((x) => x.startsWith('2022-01-01 ')));
    assert.match(l.lines.spamdyke[0], /^Dec 31 23:/);
    assert.ok(l.lines.spamdyke.some((x) => x.startsWith('Jan  1 ')));
    assert.ok(!l.lines.spamdyke.some((x) => /20(21|22)/.test(x.slice(0, 16))));
    // EPOCH of a January line is a 2022 time
    const jan = l.lines.smtp25.find((x) => x.startsWith('2022-01-01') && / qp /.test(x))!;
    const epoch = +/250 ok (\d+) qp/.exec(jan)![1];
    assert.equal(epoch, localSeconds(jan.slice(0, 19)) - 3600);
    assert.ok(epoch >= Date.UTC(2021, 11, 31, 23) / 1000);
  });

  test('a bad start time is refused', () => {
    assert.throws(() => make({ seed: 1, messages: 5, start: '2021-02-30 10:00:00' }));
    assert.throws(() => make({ seed: 1, messages: 5, start: 'yesterday' }));
  });

  test('without truth, no truth.json is written', () => {
    const c = make({ seed: 2, messages: 100 }, false);
    assert.equal(c.truth, undefined);
    assert.ok(!fs.existsSync(path.join(c.dir, 'truth.json')));
    assert.equal(c.messages, 100);
  });
});

describe('content', () => {
  test('a 2,000-message corpus contains every scenario', () => {
    const scenarios = new Set(base.truth.map((m) => m.scenario));
    for (const s of ['inbound-delivered', 'inbound-bounce', 'chkuser-partial', 'chkuser-rejected', 'rdns-denied', 'rdns-resolve-denied',
      'ip-in-rdns-denied', 'rbl-denied', 'sender-no-mx-denied', 'graylisted', 'graylisted-retry', 'blacklist-ip-denied', 'earlytalker-denied',
      'too-many-recipients', 'relaying-denied', 'relay-refused', 'auth-required-denied', 'size-refused', 'timeout-no-envelope',
      'timeout-after-envelope', 'submission-remote', 'submission-local', 'local-injected', 'deferred-then-delivered', 'deferred-then-failed',
      'deferred-pending', 'failed', 'bounce', 'newsletter-repeat-denied', 'newsletter-repeat-delivered', 'newsletter-fanout']) {
      assert.ok(scenarios.has(s), `scenario ${s} missing`);
    }
    const outcomes = new Set(base.truth.map((m) => m.outcome));
    for (const o of ['delivered', 'deferred-delivered', 'failed', 'rejected-spamdyke', 'rejected-smtp', 'pending', 'no-envelope']) assert.ok(outcomes.has(o as never), `outcome ${o} missing`);
  });

  test('the mix is realistic: mostly delivered inbound mail, many spamdyke denials, port 25 busiest', () => {
    const share = (pred: (m: TruthMessage) => boolean) => base.truth.filter(pred).length / base.truth.length;
    assert.ok(share((m) => m.scenario === 'inbound-delivered') > 0.3);
    assert.ok(share((m) => m.outcome === 'rejected-spamdyke') > 0.12);
    assert.ok(base.lines.smtp25.length > 3 * (base.lines.smtp465.length + base.lines.smtp587.length));
    assert.ok(base.lines.smtp465.length > 50 && base.lines.smtp587.length > 50);
  });

  test('the files contain every kind of line FORMATS.md describes', () => {
    const all = (role: FileRole) => base.text[role];
    const smtp = all('smtp25') + all('smtp465') + all('smtp587');
    for (const verdict of ['ALLOWED', 'DENIED_RDNS_MISSING', 'DENIED_RBL_MATCH', 'DENIED_RDNS_RESOLVE', 'DENIED_IP_IN_RDNS', 'DENIED_SENDER_NO_MX',
      'DENIED_GRAYLISTED', 'DENIED_BLACKLIST_IP', 'DENIED_EARLYTALKER', 'DENIED_TOO_MANY_RECIPIENTS', 'DENIED_RELAYING', 'DENIED_AUTH_REQUIRED',
      'DENIED_OTHER', 'TIMEOUT']) {
      assert.ok(all('spamdyke').includes(`: ${verdict} from: `), `no ${verdict}`);
    }
    assert.match(all('spamdyke'), /DENIED_RDNS_MISSING .* origin_rdns: \(unknown\) /);
    assert.match(all('spamdyke'), /TIMEOUT from: \(unknown\) to: \(unknown\) /);
    assert.match(all('spamdyke'), /origin_ip: 2001:db8:/);
    assert.match(all('spamdyke'), / auth: [^ (]+@[^ ]+ encryption: TLS /);
    assert.match(all('spamdyke'), /^[A-Z][a-z]{2}  \d \d\d:\d\d:\d\d /m);
    assert.match(smtp, /, check, accepted rcpt, h:2001:db8:/);
    assert.match(smtp, /, check, accepted rcpt, h:[\d.]+, \S+, found existing recipient$/m);
    assert.match(smtp, /, check, rejected rcpt, h:[\d.]+, \S+, not existing recipient$/m);
    assert.match(smtp, /, resp, 550 5\.1\.1 sorry, no mailbox here by that name \(#5\.1\.1 - chkuser\)$/m);
    assert.match(smtp, /, check, rejected relaying, h:\S+, \S+, client not allowed to relay$/m);
    assert.match(smtp, /, resp, 553 sorry, that domain isn't in my list of allowed rcpthosts \(#5\.7\.1\)$/m);
    assert.match(smtp, /, resp, 552 sorry, that message size exceeds my databytes limit \(#5\.3\.4\)$/m);
    assert.match(smtp, /, check, relaying rcpt, unknown:\S+, \S+, client allowed to relay$/m);
    assert.match(smtp, /, resp, 4[25]1 /);
    assert.match(smtp, /, from, $/m);
    assert.match(smtp, /bücher\.example/);
    assert.match(smtp, /xn--bcher-kva\.example/);
    assert.match(smtp, /<[^@>]*[^\x00-\x7f][^@>]*@/); // a UTF-8 local part
    assert.match(all('smtp465'), /, resp, 250 ok \d+ qp \d+$/m);
    assert.match(all('smtp587'), /, resp, 250 ok \d+ qp \d+$/m);
    const delivery = all('delivery');
    assert.match(delivery, /, init, (?:<>)?$/m);
    assert.match(delivery, /, result, \d+, success, did_0\+0\+1\/$/m);
    assert.match(delivery, /, result, \d+, success, did_1\+0\+0\/$/m);
    assert.match(delivery, /, result, \d+, success, smtp_auth\/192\.0\.2\.\d+_accepted_message\.\/Remote_host_said:_250_/);
    assert.match(delivery, /, result, \d+, deferral, 192\.0\.2\.\d+_does_not_like_recipient\.\/Remote_host_said:_451_4\.3\.0_/);
    assert.match(delivery, /, result, \d+, deferral, Connected_to_192\.0\.2\.\d+_but_greeting_failed\./);
    assert.match(delivery, /, result, \d+, deferral, Recipient's_mailbox_is_full/);
    assert.match(delivery, /, result, \d+, failure, 192\.0\.2\.\d+_does_not_like_recipient\.\/Remote_host_said:_550_5\.1\.1_<\S+>\.\.\._User_unknown\/Giving_up_on_192\.0\.2\.\d+\.\/$/m);
    assert.match(delivery, /, try, \d+, remote, /);
  });

  test('only documentation addresses and names', () => {
    const everything = FILE_ROLES.map((r) => base.text[r]).join('\n');
    // (a reversed address inside a reverse DNS name does not count)
    for (const ip of everything.match(/(?<![\w.-])\d{1,3}(?:\.\d{1,3}){3}(?![\w.-]*\.(?:example|invalid|test)\b)/g) ?? []) {
      assert.match(ip, /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/, `non-documentation IP ${ip}`);
    }
    for (const ip of everything.match(/(?:origin_ip: |h:|unknown:)[0-9a-f]*:[0-9a-f:]+/g) ?? []) assert.match(ip, /2001:db8:/);
    for (const addr of everything.match(/@[^\s,>/)]+/g) ?? []) {
      assert.match(addr, /(^@|\.)(example(\.com|\.org|\.net)?|invalid|test)$/, `non-documentation domain ${addr}`);
    }
  });

  test('the null sender is written one way in the whole spamdyke log', () => {
    const values = new Set<string>();
    for (const m of base.truth) {
      const v = view(base, m);
      if (v.smtp.find((e) => e.kind === 'from')?.detail === '') for (const s of v.spamdyke) values.add(s.from);
    }
    assert.deepEqual([...values], [base.corpus.spamdykeNullSender]);
    assert.ok(['(unknown)', ''].includes(base.corpus.spamdykeNullSender ?? 'missing'));
  });

  test('sizes scale at about 1.1 KB per message', () => {
    const small = make({ seed: 77, messages: 2000 }, false);
    const large = make({ seed: 77, messages: 8000 }, false);
    const bytes = (c: Corpus) => c.files.reduce((s, f) => s + f.bytes, 0);
    const perMessage = bytes(large) / large.messages;
    assert.ok(perMessage > 900 && perMessage < 1300, `${perMessage} bytes per message`);
    const ratio = bytes(large) / bytes(small);
    assert.ok(ratio > 3.5 && ratio < 4.5, `ratio ${ratio}`);
  });
});

describe('internationalized domains spelt per occurrence (idnSpellings: mixed)', () => {
  test('some mailbox has the UTF-8 spelling in one line of its message and punycode in another; without the option none has', () => {
    // Per message, the most spellings any one mailbox of that domain has in its lines.
    const spellingsPerMailbox = (l: Loaded) => l.truth.map((msg) => {
      const seen = new Map<string, Set<string>>();
      for (const [role, n] of msg.lines) {
        for (const m of l.lines[role][n].matchAll(/([^\s<:,]+)@(bücher\.example|xn--bcher-kva\.example)/g)) {
          const local = m[1].replace(/^(bücher\.example|xn--bcher-kva\.example)-/, ''); // qmail's virtual-domain prefix
          if (!seen.has(local)) seen.set(local, new Set());
          seen.get(local)!.add(m[2]);
        }
      }
      return Math.max(0, ...[...seen.values()].map((v) => v.size));
    });
    const mixed = load(make({ ...BASE, idnSpellings: 'mixed' }));
    assert.ok(spellingsPerMailbox(mixed).some((n) => n === 2), 'a mailbox spelt both ways in one message');
    assert.ok(spellingsPerMailbox(base).every((n) => n <= 1), 'one spelling per mailbox and message by default');
    // The lines themselves stay where they were: only the spelling changes.
    for (const role of FILE_ROLES) assert.equal(mixed.lines[role].length, base.lines[role].length);
  });
});
