// Differential test of the two parsers: the indexing byte scanner (LogScanner through
// parseLogText) must reach the same verdict on every line as the full parser (parseLine), and the
// tables it builds must hold the values one gets by reading the full parser's entries directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Interner } from '../../server/src/core/columns';
import { Entry, LogFormat, ParsedLine, fieldText, normalizeAddress } from '../../server/src/core/entry';
import { parseLine } from '../../server/src/core/fileParser';
import { cell, fromCell, LineKind, ParsedLogFile } from '../../server/src/core/model';
import { parseLogText } from '../../server/src/core/readLog';
import { isSpamdykeDiagnostic } from '../../server/src/core/spamdyke';
import { CorpusOptions, FileRole, generateCorpus } from '../corpus/generator';

const FORMAT_OF_ROLE: Record<FileRole, LogFormat> = {
  smtp25: 'smtp', smtp465: 'smtp', smtp587: 'smtp', delivery: 'delivery', spamdyke: 'spamdyke',
};

const SMTP_KINDS: Record<string, LineKind> = {
  from: LineKind.SmtpFrom, to: LineKind.SmtpTo, resp: LineKind.SmtpResp, check: LineKind.SmtpCheck, size: LineKind.SmtpSize,
};
const DELIVERY_KINDS: Record<string, LineKind> = { init: LineKind.DeliveryInit, try: LineKind.DeliveryTry, result: LineKind.DeliveryResult };

/**
 * The lines of a text as the scanner and the editor count them: split at '\n', '\r\n' or a lone
 * '\r', no empty line after a final line break.
 */
function physicalLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (/[\r\n]$/.test(text)) lines.pop();
  return lines;
}

/** A line as an editor (and the server's line reader) shows it: no BOM on line 0. */
function editorLine(raw: string, index: number): string {
  let l = raw;
  if (index === 0 && l.charCodeAt(0) === 0xfeff) l = l.slice(1);
  return l;
}

function expectedKind(format: LogFormat, parsed: ParsedLine): LineKind {
  if (parsed.entries.length === 0) return parsed.problem ? LineKind.Unknown : LineKind.Blank;
  const kind = parsed.entries[0].kind;
  if (format === 'smtp') return SMTP_KINDS[kind] ?? LineKind.SmtpOther;
  if (format === 'delivery') return DELIVERY_KINDS[kind] ?? LineKind.DeliveryOther;
  return parsed.entries.every(isSpamdykeDiagnostic) ? LineKind.SpamdykeDiagnostic : LineKind.Spamdyke;
}

const numberOrNaN = (s: string | undefined) => (s === undefined ? NaN : Number(s));

// ---- what the tables should hold, computed from the full parser's entries

interface SmtpTx { firstLine: number; lastLine: number; sender: string | undefined; qp: number; epoch: number; queueLine: number; rcpts: Array<[string, number]> }

function smtpTransactions(lines: string[], parsed: ParsedLine[]): SmtpTx[] {
  const out: SmtpTx[] = [];
  let cur: SmtpTx | undefined;
  parsed.forEach((p, n) => {
    if (p.entries.length === 0 && !p.problem) {
      cur = undefined;
      return;
    }
    for (const e of p.entries) {
      if (!cur || (e.kind === 'from' && (cur.sender !== undefined || cur.rcpts.length > 0 || cur.queueLine >= 0))) {
        cur = { firstLine: n, lastLine: n, sender: undefined, qp: NaN, epoch: NaN, queueLine: -1, rcpts: [] };
        out.push(cur);
      }
      cur.lastLine = n;
      const text = lines[n];
      if (e.kind === 'from') cur.sender = normalizeAddress(fieldText(text, e, 'address') ?? '');
      if (e.kind === 'to') cur.rcpts.push([normalizeAddress(fieldText(text, e, 'address') ?? ''), n]);
      const qp = fieldText(text, e, 'qp');
      if (e.kind === 'resp' && qp !== undefined) {
        // The tables hold what a Uint32 can: a longer number is no qp or epoch.
        cur.qp = fromCell(cell(Number(qp)));
        cur.epoch = fromCell(cell(numberOrNaN(fieldText(text, e, 'epoch'))));
        cur.queueLine = n;
      }
    }
  });
  return out;
}

function scannedSmtp(file: ParsedLogFile, strings: Interner): SmtpTx[] {
  const t = file.smtp!;
  const out: SmtpTx[] = [];
  for (let i = 0; i < t.count; i++) {
    const rcpts: Array<[string, number]> = [];
    for (let r = t.rcptStart[i]; r < t.rcptStart[i] + t.rcptCount[i]; r++) rcpts.push([strings.get(t.rcptAddress[r]), t.rcptLine[r]]);
    out.push({
      firstLine: t.firstLine[i], lastLine: t.lastLine[i], sender: t.sender[i] < 0 ? undefined : strings.get(t.sender[i]),
      qp: fromCell(t.qp[i]), epoch: fromCell(t.epoch[i]), queueLine: t.queueLine[i], rcpts,
    });
  }
  return out;
}

interface Attempt { id: number; channel: number; recipient: string; tryLine: number; resultLine: number; outcome: number }
interface DeliveryGroupView { firstLine: number; lastLine: number; initLine: number; sender: string | undefined; attempts: Attempt[] }
const OUTCOME_NUMBER: Record<string, number> = { success: 1, deferral: 2, failure: 3 };

function deliveryGroups(lines: string[], parsed: ParsedLine[]): DeliveryGroupView[] {
  const out: DeliveryGroupView[] = [];
  let cur: DeliveryGroupView | undefined;
  parsed.forEach((p, n) => {
    if (p.entries.length === 0 && !p.problem) {
      cur = undefined;
      return;
    }
    for (const e of p.entries) {
      if (e.kind === 'init' || !cur) {
        cur = { firstLine: n, lastLine: n, initLine: -1, sender: undefined, attempts: [] };
        out.push(cur);
      }
      cur.lastLine = n;
      const text = lines[n];
      const id = Number(fieldText(text, e, 'id'));
      if (e.kind === 'init') {
        cur.initLine = n;
        cur.sender = normalizeAddress(fieldText(text, e, 'address') ?? '');
      } else if (e.kind === 'try') {
        const ch = fieldText(text, e, 'channel');
        cur.attempts.push({ id, channel: ch === 'local' ? 1 : ch === 'remote' ? 2 : 0, recipient: normalizeAddress(fieldText(text, e, 'address') ?? ''), tryLine: n, resultLine: -1, outcome: 0 });
      } else if (e.kind === 'result') {
        // A result closes the earliest open attempt with its id in the same group.
        const a = cur.attempts.find((x) => x.id === id && x.resultLine < 0);
        if (a) {
          a.resultLine = n;
          a.outcome = OUTCOME_NUMBER[fieldText(text, e, 'outcome') ?? ''] ?? 0;
        }
      }
    }
  });
  return out;
}

function scannedDelivery(file: ParsedLogFile, strings: Interner): DeliveryGroupView[] {
  const t = file.delivery!;
  const out: DeliveryGroupView[] = [];
  for (let g = 0; g < t.count; g++) {
    const attempts: Attempt[] = [];
    for (let a = t.attStart[g]; a < t.attStart[g] + t.attCount[g]; a++) {
      attempts.push({ id: t.attId[a], channel: t.attChannel[a], recipient: strings.get(t.attRecipient[a]), tryLine: t.attTryLine[a], resultLine: t.attResultLine[a], outcome: t.attOutcome[a] });
    }
    out.push({ firstLine: t.firstLine[g], lastLine: t.lastLine[g], initLine: t.initLine[g], sender: t.sender[g] < 0 ? undefined : strings.get(t.sender[g]), attempts });
  }
  return out;
}

interface SpamdykeView { line: number; pid: number; verdict: string; sender: string; recipient: string; hasEnvelope: boolean; ip: string; month: number; day: number; secondsOfDay: number; year: number; qp: number; epoch: number }
const QUEUED_REASON = /^250_ok_(\d+)_qp_(\d+)$/;

interface DiagnosticView { line: number; pid: number; month: number; day: number; secondsOfDay: number; year: number }

function pidOf(text: string, e: Entry): number {
  const pid = fieldText(text, e, 'pid') ?? '';
  const n = Number(pid);
  return /^\d+$/.test(pid) && n > 0 && n <= 0xffffffff ? n : 0;
}

function spamdykeRecords(lines: string[], parsed: ParsedLine[], diagnostics?: DiagnosticView[]): SpamdykeView[] {
  const out: SpamdykeView[] = [];
  parsed.forEach((p, n) => {
    p.entries.forEach((e: Entry, k) => {
      const text = lines[n];
      const stamp = p.stamps![k];
      if (isSpamdykeDiagnostic(e)) {
        diagnostics?.push({ line: n, pid: pidOf(text, e), month: stamp.month, day: stamp.day, secondsOfDay: stamp.secondsOfDay, year: stamp.year });
        return;
      }
      const to = fieldText(text, e, 'to');
      const recipient = to === undefined ? '' : normalizeAddress(to);
      const q = QUEUED_REASON.exec(fieldText(text, e, 'reason') ?? '');
      out.push({
        line: n, pid: pidOf(text, e), verdict: e.kind, sender: normalizeAddress(fieldText(text, e, 'from') ?? ''), recipient, hasEnvelope: recipient !== '',
        ip: fieldText(text, e, 'origin_ip') ?? '', month: stamp.month, day: stamp.day, secondsOfDay: stamp.secondsOfDay, year: stamp.year,
        qp: q ? fromCell(cell(Number(q[2]))) : NaN, epoch: q ? fromCell(cell(Number(q[1]))) : NaN,
      });
    });
  });
  return out;
}

function scannedSpamdyke(file: ParsedLogFile, strings: Interner): SpamdykeView[] {
  const t = file.spamdyke!;
  const out: SpamdykeView[] = [];
  for (let i = 0; i < t.count; i++) {
    out.push({
      line: t.line[i], pid: t.pid.length ? t.pid[i] : 0, verdict: strings.get(t.verdict[i]), sender: strings.get(t.sender[i]), recipient: strings.get(t.recipient[i]),
      hasEnvelope: t.hasEnvelope[i] === 1, ip: strings.get(t.ip[i]), month: t.month[i], day: t.day[i], secondsOfDay: t.secondsOfDay[i], year: t.year[i],
      qp: fromCell(t.qp[i]), epoch: fromCell(t.epoch[i]),
    });
  }
  return out;
}

// ---- the comparison

const KIND_NAME = ['Blank', 'Unknown', 'SmtpFrom', 'SmtpTo', 'SmtpResp', 'SmtpCheck', 'SmtpSize', 'SmtpOther',
  'DeliveryInit', 'DeliveryTry', 'DeliveryResult', 'DeliveryOther', 'Spamdyke', 'SpamdykeDiagnostic'];

/** Every disagreement between the scanner and the full parser on one file, as readable text. */
function disagreements(text: string, format: LogFormat): string[] {
  const strings = new Interner();
  const scanned = parseLogText(text, format, strings);
  const lines = physicalLines(text).map(editorLine);
  const parsed = lines.map((l) => parseLine(format, l));
  const out: string[] = [];
  const show = (n: number) => visible(lines[n]);
  if (scanned.lineCount !== lines.length) out.push(`scanner counts ${scanned.lineCount} lines, the text has ${lines.length}`);
  const problemLines: number[] = [];
  for (let n = 0; n < lines.length; n++) {
    const want = expectedKind(format, parsed[n]);
    const got = scanned.lineKinds[n] as LineKind;
    if (got !== want) out.push(`line ${n} ${show(n)}: scanner ${KIND_NAME[got]}, full parser ${KIND_NAME[want]}${parsed[n].problem ? ` (${parsed[n].problem})` : ''}`);
    if (parsed[n].problem) problemLines.push(n);
  }
  if (scanned.problems.count !== problemLines.length) out.push(`scanner reports ${scanned.problems.count} problem lines, full parser ${problemLines.length}`);
  const sampleLines = scanned.problems.samples.map((s) => s.line);
  const firstProblems = problemLines.slice(0, sampleLines.length);
  if (JSON.stringify(sampleLines) !== JSON.stringify(firstProblems)) out.push(`problem samples at ${sampleLines.slice(0, 5)}, full parser's first problems at ${firstProblems.slice(0, 5)}`);

  const compareRows = <T>(what: string, got: T[], want: T[], where: (x: T) => number) => {
    const eq = (a: T, b: T) => JSON.stringify(a, numbers) === JSON.stringify(b, numbers);
    if (got.length !== want.length) {
      const i = got.findIndex((g, k) => !want[k] || !eq(g, want[k]));
      const at = i >= 0 ? i : Math.min(got.length, want.length);
      const line = want[at] ? where(want[at]) : got[at] ? where(got[at]) : -1;
      out.push(`${what}: scanner has ${got.length}, full parser ${want.length}; first difference at #${at} (line ${line} ${line >= 0 ? show(line) : ''}): scanner ${JSON.stringify(got[at], numbers)} vs ${JSON.stringify(want[at], numbers)}`);
      return;
    }
    let shown = 0;
    for (let i = 0; i < got.length && shown < 5; i++) {
      if (eq(got[i], want[i])) continue;
      shown++;
      const line = where(want[i]);
      out.push(`${what} #${i} (line ${line} ${show(line)}): scanner ${JSON.stringify(got[i], numbers)}, full parser ${JSON.stringify(want[i], numbers)}`);
    }
  };
  if (format === 'smtp') compareRows('SMTP transactions', scannedSmtp(scanned, strings), smtpTransactions(lines, parsed), (x) => x.firstLine);
  else if (format === 'delivery') compareRows('delivery groups', scannedDelivery(scanned, strings), deliveryGroups(lines, parsed), (x) => x.firstLine);
  else {
    const diagnostics: DiagnosticView[] = [];
    const want = spamdykeRecords(lines, parsed, diagnostics);
    // Without diagnostic lines the pid column is not kept (nothing is joined by it).
    if (!diagnostics.length) for (const r of want) r.pid = 0;
    if (!diagnostics.length && scanned.spamdyke!.pid.length) out.push(`a pid column of ${scanned.spamdyke!.pid.length} without diagnostic lines`);
    compareRows('spamdyke records', scannedSpamdyke(scanned, strings), want, (x) => x.line);
    const d = scanned.spamdyke!.diagnostics;
    const got = Array.from({ length: d.count }, (_, i): DiagnosticView => ({
      line: d.line[i], pid: d.pid[i], month: d.month[i], day: d.day[i], secondsOfDay: d.secondsOfDay[i], year: d.year[i],
    }));
    compareRows('spamdyke diagnostics', got, diagnostics, (x) => x.line);
  }
  return out;
}

/** A line quoted with its invisible characters (NBSP, BOM, CR) spelled out. */
function visible(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u00a0\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON replacer that keeps NaN and undefined visible (JSON would turn both into null or drop them). */
function numbers(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  if (v === undefined) return 'undefined';
  return v;
}

function assertAgree(text: string, format: LogFormat, label: string): void {
  const d = disagreements(text, format);
  assert.equal(d.length, 0, `${label} (${format}): ${d.length} disagreements:\n${d.slice(0, 12).join('\n')}`);
}

// ---- generated corpora

const CORPORA: Array<[string, Omit<CorpusOptions, 'messages'>]> = [
  ['plain', { seed: 11 }],
  ['CRLF and BOM', { seed: 12, crlf: true, bom: true }],
  ['entries run together and junk lines', { seed: 13, runTogether: 0.2, garbage: 0.1 }],
  ['cut files, junk, CRLF', { seed: 14, truncate: true, garbage: 0.05, crlf: true }],
  ['everything at once', { seed: 15, runTogether: 0.1, garbage: 0.2, truncate: true, bom: true, crlf: true }],
  ['everything at once, another seed', { seed: 17, runTogether: 0.1, garbage: 0.2, truncate: true, bom: true, crlf: true }],
  ['retries in groups of their own, per-attempt ids, year turn', { seed: 16, retryLayout: 'separate', deliveryIds: 'per-attempt', start: '2021-12-31 22:00:00', garbage: 0.02 }],
  ['spamdyke stamps in RFC 3339, entries run together, junk, cut files', { seed: 18, spamdykeStamps: 'rfc3339', runTogether: 0.1, garbage: 0.1, truncate: true }],
  ['spamdyke at log level verbose, junk, CRLF', { seed: 19, spamdykeLogLevel: 'verbose', garbage: 0.1, crlf: true }],
  ['spamdyke stamps as journalctl -o short-iso writes them, entries run together, junk', { seed: 20, spamdykeStamps: 'short-iso', runTogether: 0.1, garbage: 0.1 }],
  ['spamdyke stamps as journalctl -o short-precise writes them, entries run together, junk', { seed: 21, spamdykeStamps: 'short-precise', runTogether: 0.1, garbage: 0.1 }],
];

for (const [name, options] of CORPORA) {
  test(`scanner and full parser agree on every line of a generated download: ${name}`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-agree-'));
    try {
      const corpus = generateCorpus(dir, { ...options, messages: 2000 }, false);
      let lines = 0;
      for (const f of corpus.files) {
        const text = fs.readFileSync(f.path, 'utf8');
        lines += physicalLines(text).length;
        assertAgree(text, FORMAT_OF_ROLE[f.role], `${name}: ${f.name}`);
      }
      assert.ok(lines > 2000, `the corpus has content (${lines} lines)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

// ---- hand-written edge lines

const D = '2021-03-09 12:43:51';
const S = 'Mar  9 12:43:51 server spamdyke[15280]:';
const SPAMDYKE_TAIL = 'origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: (none)';

const EDGE_LINES: Record<LogFormat, string[]> = {
  smtp: [
    `${D}, auth, login, user@example.com`,
    `${D}, helo, mail.example.net`,
    `${D}, auth_plain, x`,
    `${D}, auth, `,
    `${D}, auth,`,
    `${D}, a, x`,
    `${D}, Auth, login`,
    `${D}, fromx, a@example.com`,
    `${D}, auth2, x`,
    `${D}, helo, mail.example.net ${D}, from, a@example.com`,
    `${D}, from, correspondent@elsewhere.example.net`,
    `${D}, from, `,
    `${D}, from,`,
    `${D}, from, <>`,
    `${D}, from, <correspondent@elsewhere.example.net>`,
    `${D}, from, <<correspondent@elsewhere.example.net>>`,
    `${D}, from, corres`,
    `${D}, from, a b@example.com`,
    `${D}, from, Jürgen.Müller@bücher.example`,
    `${D}, from, 用户@例子.example`,
    `${D}, to, <recipient@example.com>`,
    `${D}, to, <Recipient@Example.COM>`,
    `${D}, to, <recipient@exam`,
    `${D}, to, <>`,
    `${D}, to, recipient@example.com`,
    `${D}, to, <ré@bücher.example>`,
    `${D}, to, <a\u00a0b@example.com>`,
    `${D}, to, <a\rb@example.com>`,
    `${D}, resp, 250 ok`,
    `${D}, resp, 250 ok 1615286631 qp 15309`,
    `${D}, resp, 250 ok 1615286631 qp`,
    `${D}, resp, 250 ok 1615286631 q`,
    `${D}, resp, 250 ok 16152`,
    `${D}, resp, 250 ok 1615286631 qp 15309 extra`,
    `${D}, resp, 250 ok 1615286631 qp 1530912345678901234`,
    `${D}, resp, 25`,
    `${D}, resp, `,
    `${D}, resp, 554 "Refused. You have no reverse DNS entry. Contact abuse@example.com for details."`,
    `${D}, resp, 451 #4.3.0 Temporary failure`,
    `${D}, resp, 550-5.1.1 mailbox unavailable`,
    `${D}, resp, abc`,
    `${D}, check, accepted rcpt, h:198.51.100.25, recipient@example.com, found existing recipient`,
    `${D}, check, accepted rcpt, h:2001:db8::25, recipient@example.com, found existing recipient`,
    `${D}, check, relaying rcpt, unknown:203.0.113.9, someone@elsewhere.example.net, client allowed to relay`,
    `${D}, check, rejected rcpt, h:198.51.100.25`,
    `${D}, check, rejected rcpt, h198.51.100.25, x@example.com, no colon`,
    `${D}, check, rejected rcpt`,
    `${D}, size, 23533`,
    `${D}, size, 23a`,
    `${D}, size, 1234567890123456789`,
    `${D}, helo, mail.elsewhere.example.net`,
    `${D}, quit, `,
    `${D}, HELO, mail.example.net`,
    `${D}, x`,
    `${D}, `,
    `${D},`,
    `2021-03-09 12:43`,
    `\t${D}, size, 100`,
    `  ${D}, size, 100   `,
    `${D}, size, 100\t`,
    `${D}, to, <recipient@example.com>   `,
    `${D},\tsize, 100`,
    `${D}, from, a@example.com ${D}, resp, 250 ok`,
    `${D}, from, a@example.com\t${D}, resp, 250 ok 1615286631 qp 1`,
    `${D}, from, a@example.com ${D}, to, <b@exa`,
    `x ${D}, size, 100`,
    `20xx-03-09 12:43:51, size, 100`,
    `2021-3-09 12:43:51, size, 100`,
    `2021-02-30 12:43:51, size, 100`,
    `2021-03-09 24:00:00, size, 100`,
    `2021-03-09 23:59:60, size, 100`,
    `2021-00-09 12:43:51, size, 100`,
    `Download generated by the control panel`,
    `<html><head><title>504 Gateway Time-out</title></head>`,
    `   `,
    `\t`,
    `\r`,
    `\u00a0`,
    `\ufeff`,
    `\ufeff${D}, size, 100`,
  ],
  delivery: [
    `${D}, status, local 0/10 remote 1/20`,
    `${D}, bounce, 114878, qp 15400`,
    `${D}, status, `,
    `${D}, status,`,
    `${D}, Status, x`,
    `${D}, tryx, 1, local, a@example.com`,
    `${D}, status, x ${D}, init, <a@example.com>`,
    `${D}, init, <correspondent@elsewhere.example.net>`,
    `${D}, init, <>`,
    `${D}, init, <Correspondent@Elsewhere.Example.NET>`,
    `${D}, init, <corres`,
    `${D}, init, correspondent@elsewhere.example.net`,
    `${D}, init, <a b@example.com>`,
    `${D}, init, <a\u00a0b@example.com>`,
    `${D}, init, <jürgen@bücher.example>`,
    `${D}, init, `,
    `${D}, try, 114878, local, recipient@example.com`,
    `${D}, try, 114878, remote, <someone@elsewhere.example.net>`,
    `${D}, try, 114878, remote, SomeOne@Elsewhere.Example.NET`,
    `${D}, try, 114878, loc`,
    `${D}, try, 114878, local, `,
    `${D}, try, 114878, local, <>`,
    `${D}, try, 114878, carrier-pigeon, x@example.com`,
    `${D}, try, abc, local, x@example.com`,
    `${D}, try, 1234567890123456, local, x@example.com`,
    `${D}, try, 114878, local, 用户@例子.example`,
    `${D}, result, 114878, success, did_0+0+1/`,
    `${D}, result, 114878, failure, 192.0.2.7_does_not_like_recipient./Remote_host_said:_550_5.1.1_unknown/Giving_up_on_192.0.2.7./`,
    `${D}, result, 114878, deferral, Connected_to_192.0.2.7_but_greeting_failed./`,
    `${D}, result, 114878, deferral, `,
    `${D}, result, 114878, succ`,
    `${D}, result, 114878, bogus, text`,
    `${D}, result, , success, did_0+0+1/`,
    `${D}, status, local 0/10 remote 1/20`,
    `${D}, Status, x`,
    `${D}, init, <a@example.com> ${D}, try, 1, local, a@example.com`,
    `${D}, try, 1, local, a@example.com ${D}, result, 1, success, did_0+0+1/`,
    `${D}, try, 1, local, a@example.com ${D}, result, 1, succ`,
    `\t${D}, result, 114878, success, did_0+0+1/\t`,
    `20xx-03-09 12:43:51, init, <a@example.com>`,
    `2021-03-09 12:43:51,init, <a@example.com>`,
    `garbage`,
    `   `,
    `\r`,
    `\u00a0`,
    `\ufeff`,
  ],
  spamdyke: [
    `${S} ALLOWED from: correspondent@elsewhere.example.net to: recipient@example.com ${SPAMDYKE_TAIL} reason: 250_ok_1615286631_qp_15309`,
    `${S} DENIED_RDNS_MISSING from: spam@mail.spam-source.net to: recipient@example.com origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)`,
    `${S} ALLOWED from:  to: recipient@example.com ${SPAMDYKE_TAIL} reason: 250_ok_1615286631_qp_15309`,
    `${S} ALLOWED from: (unknown) to: recipient@example.com ${SPAMDYKE_TAIL} reason: 250_ok_1615286631_qp_15309`,
    `${S} TIMEOUT from: (unknown) to: (unknown) ${SPAMDYKE_TAIL} reason: (empty)`,
    `${S} ALLOWED from: Correspondent@Elsewhere.Example.NET to: Recipient@Example.COM ${SPAMDYKE_TAIL} reason: 250_ok_1615286631_qp_15309`,
    `${S} ALLOWED from: jürgen@bücher.example to: 用户@例子.example ${SPAMDYKE_TAIL} reason: 250_ok_1615286631_qp_15309`,
    `${S} ALLOWED from: a@example.com to: b@example.com origin_ip: 2001:db8::25 origin_rdns: mail.example.net auth: (unknown) encryption: TLS reason: 250_ok_1_qp_2`,
    `${S} ALLOWED from: a@example.com to: b@example.com origin_ip: ünknown origin_rdns: x auth: (unknown) encryption: (none) reason: (empty)`,
    `${S} ALLOWED from: a@example.com to: b@example.com origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown)`,
    `${S} ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: 250_ok_1615286631_q`,
    `${S} ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: 250_ok_1615286631_qp_15309_x`,
    `${S} ALLOWED from: a@example.com to: b@exa`,
    `${S} ALLOWED from: a@example.com to: b@example.com origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: TLS`,
    `${S} ALLOWED from: a@example.com to: b@example.com origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: (none)`,
    `${S} ALLOWED from: a@example.com to: b@example.com origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryp`,
    `${S} FILTER_RDNS_MISSING ip: 203.0.113.9`,
    `${S} FILTER_WHITELIST_NAME ip: 198.51.100.2 rdns: mail.example.net entry: .example.net`,
    `${S} FILTER_RBL_MATCH ip: 203.0.113.9 rbl: zen.example from: x`,
    `${S} FILTER_OTHER`,
    `${S} FILTER_RBL_MATCH ip: 203.0.113.9 Mar  9 12:43:52 server spamdyke[2]: DENIED_RBL_MATCH from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `${S} DENIED_RBL_MATCH`,
    `${S} DENIED_RBL_MATCH ip: 203.0.113.9`,
    `${S} TIMEOUT`,
    `${S} DEBUG(filter_rdns_missing()@filter.c:1012): checking for missing rDNS`,
    `${S} DEBUG(x) from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `${S} ERROR(x): from: a@example.com`,
    `${S} ERRORS from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `${S} EXCESSIVE(filter.c:12): read 12 bytes`,
    `${S} DEBUG:`,
    `${S} ERROR`,
    `${S} ERROR: unable to resolve the name mail.example.net`,
    `${S} ERROR(resolver): something odd`,
    `${S} allowed from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `${S}  from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `Mar 19 12:43:51 server spamdyke[1]: DENIED_GRAYLISTED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `Mar 09 12:43:51 server spamdyke[1]: DENIED_GRAYLISTED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `Foo  9 12:43:51 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `Mar  9 25:43:51 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `Mar  9 12:43:51 server other[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `${S} ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty) ${S} DENIED_OTHER from: c@example.com to: d@example.com ${SPAMDYKE_TAIL} reason: 554_refused`,
    `\t${S} ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)  `,
    `junk ${S} ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `2021-03-09T12:43:51.123456+01:00 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: 250_ok_1615286631_qp_15309`,
    `2021-03-09T12:43:51+01:00 server spamdyke[1]: DENIED_RBL_MATCH from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `2021-03-09T12:43:51Z server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `2021-03-09T12:43:51 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `2021-03-09T12:43:51.+01:00 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `2021-03-09T12:43:51.1234567890+01:00 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `2021-03-09T12:43:51+0100 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `2021-13-09T12:43:51+01:00 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `1969-12-31T23:59:59Z server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `2021-03-09 12:43:51 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`,
    `2021-03-09T12:43:51+01:00 server spamdyke[1]: ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty) Mar  9 12:43:52 server spamdyke[2]: TIMEOUT from: (unknown) to: (unknown) ${SPAMDYKE_TAIL} reason: (empty)`,
    `Mar  9 12:43`,
    `   `,
    `\r`,
    `\u00a0`,
    `\ufeff`,
  ],
};

/**
 * Edge lines on which the two parsers once disagreed (each was a scanner bug, now fixed); they
 * keep their own tests so a regression names the case.
 */
const FIXED_BUGS: Record<string, string> = {
  [`${D}, from, <<correspondent@elsewhere.example.net>>`]: 'fast path normalises the address once, the full parser\'s address field is already unbracketed and is normalised again',
  [`${D}, to, <a\u00a0b@example.com>`]: 'fast path rejects only space/tab inside <...>, the full parser rejects any \\s',
  [`${D}, to, <a\rb@example.com>`]: 'fast path rejects only space/tab inside <...>, the full parser rejects any \\s (a lone CR here)',
  [`${D}, init, <a\u00a0b@example.com>`]: 'fast path rejects only space/tab inside <...>, the full parser rejects any \\s',
  [`${D}, quit, `]: 'slow path hands the full parser the line without its trailing spaces, and the full parser answers differently for "quit, " and "quit,"',
  ['20xx-03-09 12:43:51, size, 100']: 'fast path date check: d2() gives -1 for non-digits, and -1 in the low year digits still makes a positive date (year 1999)',
  ['20xx-03-09 12:43:51, init, <a@example.com>']: 'fast path date check: d2() gives -1 for non-digits, and -1 in the low year digits still makes a positive date (year 1999)',
  ['\r']: 'a line of only CR (from "\\r\\r\\n" endings) is not blank to the scanner (only space/tab are), but blank to the full parser; the group is not ended',
  ['\u00a0']: 'a line of only NBSP: scanner Unknown (only space/tab are blank), full parser blank (String.trim)',
  ['\ufeff']: 'a line of only a BOM after line 0 (concatenated downloads): scanner Unknown, full parser blank',
};

/** A well-formed line of the format, to put around an edge line so that it sits inside a group. */
const CONTEXT: Record<LogFormat, [string, string]> = {
  smtp: [`${D}, from, a@example.com`, `${D}, resp, 250 ok 1615286631 qp 15309`],
  delivery: [`${D}, init, <a@example.com>`, `${D}, result, 114878, success, did_0+0+1/`],
  spamdyke: [`${S} ALLOWED from: a@example.com to: b@example.com ${SPAMDYKE_TAIL} reason: (empty)`, `${S} TIMEOUT from: (unknown) to: (unknown) ${SPAMDYKE_TAIL} reason: (empty)`],
};

for (const format of ['smtp', 'delivery', 'spamdyke'] as LogFormat[]) {
  test(`scanner and full parser agree on hand-written ${format} edge lines (alone, in a group, CRLF, BOM)`, () => {
    const failures: string[] = [];
    const [before, after] = CONTEXT[format];
    for (const line of EDGE_LINES[format].filter((l) => !(l in FIXED_BUGS))) {
      const shapes: Array<[string, string]> = [
        ['alone', line],
        ['alone with LF', `${line}\n`],
        ['in a group', `${before}\n${line}\n${after}\n`],
        ['in a group, CRLF', `${before}\r\n${line}\r\n${after}\r\n`],
        ['first line after a BOM', `\ufeff${line}\n${after}`],
        ['after a blank line', `${before}\n\n${line}\n${after}`],
      ];
      const failed: string[] = [];
      let first = '';
      for (const [shape, text] of shapes) {
        const d = disagreements(text, format);
        if (!d.length) continue;
        failed.push(shape);
        first ||= d[0];
      }
      if (failed.length) failures.push(`${JSON.stringify(line)} [${failed.join(', ')}]: ${first}`);
    }
    assert.equal(failures.length, 0, `${failures.length} edge lines disagree:\n${failures.join('\n')}`);
  });
}

test('all edge lines of a format in one file, with CRLF, agree as a whole', () => {
  for (const format of ['smtp', 'delivery', 'spamdyke'] as LogFormat[]) {
    const [before, after] = CONTEXT[format];
    const text = '\ufeff' + EDGE_LINES[format].filter((l) => !(l in FIXED_BUGS)).flatMap((l) => [before, l, after, '']).join('\r\n');
    assertAgree(text, format, 'all edge lines');
  }
});

for (const [line, bug] of Object.entries(FIXED_BUGS)) {
  const format: LogFormat = line.includes(', init, ') ? 'delivery' : 'smtp';
  test(`former disagreement agrees now: ${visible(line)} (${bug})`, () => {
    const [before, after] = CONTEXT[format];
    for (const text of [line, `${before}\r\n${line}\r\n${after}\r\n`, `${before}\n${line}\n${after}\n`]) assertAgree(text, format, visible(line));
  });
}

test('former disagreement agrees now: a spamdyke line cut right after "from: " (the slow path used to drop the trailing space)', () => {
  assertAgree(`${S} ALLOWED from: \n`, 'spamdyke', 'cut spamdyke line');
});

test('the comparison itself notices a disagreement (a table built from the wrong format)', () => {
  // Guards against a comparison that can never fail: SMTP text read as a delivery log has no
  // delivery entries, so the scanner and the full parser then agree on "unknown" everywhere...
  const text = `${D}, from, a@example.com\n${D}, to, <b@example.com>\n`;
  assert.deepEqual(disagreements(text, 'smtp'), []);
  // ...while a tampered expectation (the scanner's kinds checked against another format) differs.
  const strings = new Interner();
  const scanned = parseLogText(text, 'smtp', strings);
  const delivery = physicalLines(text).map((l) => expectedKind('delivery', parseLine('delivery', l)));
  assert.notDeepEqual([...scanned.lineKinds], delivery);
  assert.deepEqual([...scanned.lineKinds], [LineKind.SmtpFrom, LineKind.SmtpTo]);
  const tx = scannedSmtp(scanned, strings);
  assert.deepEqual(tx.map((t) => [t.firstLine, t.lastLine, t.sender, t.rcpts]), [[0, 1, 'a@example.com', [['b@example.com', 1]]]]);
});
