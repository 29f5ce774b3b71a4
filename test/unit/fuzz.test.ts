// Seeded fuzzing of both parsers and of the index: damaged, mutated and random input must never
// throw, never lose a line, and never produce a range or line reference outside the input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Interner } from '../../server/src/core/columns';
import { LogFormat } from '../../server/src/core/entry';
import { parseLine } from '../../server/src/core/fileParser';
import { LogIndex } from '../../server/src/core/logIndex';
import { LINE_BLOCK, LineKind, ParsedLogFile } from '../../server/src/core/model';
import { parseLogText } from '../../server/src/core/readLog';
import { LogScanner } from '../../server/src/core/scan';
import { SeededRandom } from '../corpus/generator';

const FORMATS: LogFormat[] = ['smtp', 'delivery', 'spamdyke'];
const CASES = 2000;

const SAMPLES: Record<LogFormat, string[]> = {
  smtp: [
    '2021-03-09 11:10:37, from, spam@mail.spam-source.net',
    '2021-03-09 11:10:37, resp, 250 ok',
    '2021-03-09 11:10:37, to, <recipient@example.com>',
    '2021-03-09 11:10:37, resp, 554 "Refused. You have no reverse DNS entry. Contact abuse@example.com for details."',
    '',
    '2021-03-09 12:43:51, from, ',
    '2021-03-09 12:43:51, from, <>',
    '2021-03-09 12:43:51, check, accepted rcpt, h:2001:db8::25, recipient@example.com, found existing recipient',
    '2021-03-09 12:43:51, check, relaying rcpt, unknown:198.51.100.25, jürgen@bücher.example, client allowed to relay',
    '2021-03-09 12:43:51, size, 23533',
    '2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309',
    '2021-03-09 12:43:51, resp, 451 #4.3.0 Temporary failure',
    '2021-03-09 12:43:50, auth, login, user@example.com',
    '2021-03-09 12:43:50, helo, mail.example.net',
  ],
  delivery: [
    '2021-03-09 12:43:51, init, <correspondent@elsewhere.example.net>',
    '2021-03-09 12:43:51, try, 114878, local, recipient@example.com',
    '2021-03-09 12:43:51, result, 114878, success, did_0+0+1/',
    '',
    '2021-03-09 12:44:02, init, <>',
    '2021-03-09 12:44:02, try, 114879, remote, someone@elsewhere.example.net',
    '2021-03-09 12:44:05, result, 114879, failure, 192.0.2.7_does_not_like_recipient./Remote_host_said:_550_5.1.1_unknown/Giving_up_on_192.0.2.7./',
    '2021-03-09 12:44:07, result, 114879, deferral, Connected_to_192.0.2.7_but_greeting_failed./',
  ],
  spamdyke: [
    'Mar  9 11:10:37 server spamdyke[29207]: DENIED_RDNS_MISSING from: spam@mail.spam-source.net to: recipient@example.com origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)',
    'Mar  9 12:43:51 server spamdyke[15280]: ALLOWED from: correspondent@elsewhere.example.net to: recipient@example.com origin_ip: 198.51.100.25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: (none) reason: 250_ok_1615286631_qp_15309',
    'Mar 19 01:02:03 server spamdyke[1]: TIMEOUT from: (unknown) to: (unknown) origin_ip: 2001:db8::25 origin_rdns: (unknown) auth: (unknown) encryption: TLS reason: (empty)',
    'Mar  9 12:43:52 server spamdyke[15281]: ALLOWED from:  to: 用户@例子.example origin_ip: 198.51.100.26 origin_rdns: x auth: someone encryption: (none) reason: 250_ok_1615286632_qp_15310',
    'Mar  9 12:43:53 server spamdyke[15282]: ERROR: unable to resolve name',
    '2021-03-09T12:43:54.123456+01:00 server spamdyke[15283]: ALLOWED from: a@example.net to: b@example.com origin_ip: 198.51.100.27 origin_rdns: x auth: (unknown) encryption: TLS reason: 250_ok_1615286634_qp_15311',
    '2021-12-31T23:59:59Z server spamdyke[15284]: DENIED_RBL_MATCH from: a@example.net to: b@example.com origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)',
    'Mar  9 12:43:51 server spamdyke[15280]: FILTER_RBL_MATCH ip: 198.51.100.25 rbl: zen.example',
    'Mar 09 12:43:51.123456 server spamdyke[15280]: DEBUG(filter_rdns()@filter.c:10): checking',
    '2021-03-09T12:43:55+0100 server spamdyke[15285]: ERROR(tls_read()@tls.c:4): unable to read from SSL/TLS stream',
  ],
};

const NASTY = ['\u0000', '\r', '\t', ' ', '\ufeff', '\u00a0', '\ud800', '\udfff', '<', '>', ',', ', ', ':', '@', '"', 'ä', '😀', '\u2028', '250 ok ', ' qp ', '_qp_', ' from: ', ' to: ', ' reason: ', ' spamdyke[', ']: ', '2021-03-09 12:43:51, ', 'FILTER_', 'ERROR(', '+0100 ', '.123456 '];

/** One fuzz input: text built from real lines of all three formats, then damaged. */
function fuzzText(rng: SeededRandom): string {
  const own = rng.pick(FORMATS);
  const n = rng.int(0, 12);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(rng.pick(SAMPLES[rng.chance(0.8) ? own : rng.pick(FORMATS)]));
  const ops = rng.int(0, 6);
  for (let k = 0; k < ops && lines.length; k++) {
    const i = rng.int(0, lines.length - 1);
    const l = lines[i];
    switch (rng.int(0, 10)) {
      case 0: lines[i] = l.slice(0, rng.int(0, l.length)); break; // cut
      case 1: lines.splice(i, 0, l); break; // duplicate
      case 2: { // flip one character
        const at = rng.int(0, Math.max(0, l.length - 1));
        lines[i] = l.slice(0, at) + String.fromCharCode(rng.int(0, 0x2ff)) + l.slice(at + 1);
        break;
      }
      case 3: { // insert a nasty piece
        const at = rng.int(0, l.length);
        lines[i] = l.slice(0, at) + rng.pick(NASTY) + l.slice(at);
        break;
      }
      case 4: { // delete a few characters
        const at = rng.int(0, l.length);
        lines[i] = l.slice(0, at) + l.slice(at + rng.int(1, 8));
        break;
      }
      case 5: lines[i] = l + ' ' + rng.pick(SAMPLES[rng.pick(FORMATS)]); break; // entries run together, maybe of two formats
      case 6: lines[i] = l.slice(0, rng.int(0, l.length)) + rng.pick(SAMPLES[rng.pick(FORMATS)]).slice(rng.int(0, 40)); break; // splice
      case 7: lines[i] = l.repeat(rng.int(50, 400)); break; // very long line
      case 8: lines[i] = l + '\r'.repeat(rng.int(1, 3)) + (rng.chance(0.5) ? l : ''); break; // lone CR
      case 9: {
        let s = '';
        const len = rng.int(0, 200);
        for (let j = 0; j < len; j++) s += String.fromCharCode(rng.chance(0.9) ? rng.int(0, 0x7f) : rng.int(0x80, 0xffff));
        lines[i] = s;
        break;
      }
      default: lines.splice(i, 1);
    }
  }
  const eol = rng.chance(0.3) ? '\r\n' : '\n';
  let text = (rng.chance(0.1) ? '\ufeff' : '') + lines.join(eol);
  if (rng.chance(0.5)) text += eol;
  return text;
}

/** Random bytes and byte-level damage (invalid UTF-8, NUL, lone CR) that a JS string cannot carry. */
function fuzzBytes(rng: SeededRandom): Buffer {
  let buf = Buffer.from(fuzzText(rng), 'utf8');
  const ops = rng.int(1, 10);
  for (let k = 0; k < ops; k++) {
    const at = rng.int(0, buf.length);
    let insert: number[] = [];
    switch (rng.int(0, 4)) {
      case 0: insert = [rng.pick([0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xf0, 0xff, 0xfe])]; break;
      case 1: insert = [0]; break;
      case 2: insert = [13]; break;
      case 3: if (buf.length) buf[Math.min(at, buf.length - 1)] = rng.int(0, 255); break;
      default: for (let j = rng.int(1, 64); j > 0; j--) insert.push(rng.int(0, 255));
    }
    if (insert.length) buf = Buffer.concat([buf.subarray(0, at), Buffer.from(insert), buf.subarray(at)]);
  }
  return buf;
}

const KINDS_OF: Record<LogFormat, Set<number>> = {
  smtp: new Set([LineKind.Blank, LineKind.Unknown, LineKind.SmtpFrom, LineKind.SmtpTo, LineKind.SmtpResp, LineKind.SmtpCheck, LineKind.SmtpSize, LineKind.SmtpOther]),
  delivery: new Set([LineKind.Blank, LineKind.Unknown, LineKind.DeliveryInit, LineKind.DeliveryTry, LineKind.DeliveryResult, LineKind.DeliveryOther]),
  spamdyke: new Set([LineKind.Blank, LineKind.Unknown, LineKind.Spamdyke, LineKind.SpamdykeDiagnostic]),
};

/**
 * Byte offset of each line start in buf, lines ending at '\n', '\r\n' or a '\r' alone as the
 * editor and LSP count them (a final line break starts no line).
 */
function lineStarts(buf: Buffer): number[] {
  const starts = buf.length ? [0] : [];
  for (let i = 0; i < buf.length; i++) {
    const end = buf[i] === 13 && buf[i + 1] === 10 ? i + 2 : buf[i] === 10 || buf[i] === 13 ? i + 1 : -1;
    if (end < 0) continue;
    if (end < buf.length) starts.push(end);
    i = end - 1;
  }
  return starts;
}

/** Everything a parsed file must satisfy whatever its input. Returns the first violation or ''. */
function fileViolation(p: ParsedLogFile, format: LogFormat, input: Buffer): string {
  const starts = lineStarts(input);
  const lines = starts.length, bytes = input.length;
  if (p.lineCount !== lines) return `lineCount ${p.lineCount}, input has ${lines} lines`;
  if (p.lineKinds.length !== lines) return `lineKinds length ${p.lineKinds.length} for ${lines} lines`;
  if (p.byteLength !== bytes) return `byteLength ${p.byteLength}, input has ${bytes}`;
  const blocks = Math.ceil(lines / LINE_BLOCK);
  if (p.blockOffsets.length !== blocks + 1 || p.blockOffsets[blocks] !== bytes) return `blockOffsets end ${p.blockOffsets[p.blockOffsets.length - 1]} (length ${p.blockOffsets.length}, ${blocks} blocks)`;
  for (let k = 0; k < blocks; k++) if (p.blockOffsets[k] !== starts[k * LINE_BLOCK]) return `block ${k} starts at ${p.blockOffsets[k]}, line ${k * LINE_BLOCK} at ${starts[k * LINE_BLOCK]}`;
  for (let i = 0; i < lines; i++) if (!KINDS_OF[format].has(p.lineKinds[i])) return `line ${i} has kind ${p.lineKinds[i]}, not one of ${format}`;
  if (p.problems.count < p.problems.samples.length) return 'more problem samples than problems';
  for (const s of p.problems.samples) if (s.line < 0 || s.line >= lines || p.lineKinds[s.line] === LineKind.Blank) return `problem sample on line ${s.line}`;
  const inFile = (n: number) => n >= 0 && n < lines;
  if (p.smtp) {
    const t = p.smtp;
    for (let i = 0; i < t.count; i++) {
      if (!inFile(t.firstLine[i]) || !inFile(t.lastLine[i]) || t.firstLine[i] > t.lastLine[i]) return `SMTP transaction ${i} lines ${t.firstLine[i]}-${t.lastLine[i]}`;
      if (t.queueLine[i] !== -1 && (t.queueLine[i] < t.firstLine[i] || t.queueLine[i] > t.lastLine[i])) return `SMTP queue line ${t.queueLine[i]} outside ${i}`;
      for (let r = t.rcptStart[i]; r < t.rcptStart[i] + t.rcptCount[i]; r++) {
        if (r >= t.rcptLine.length || t.rcptLine[r] < t.firstLine[i] || t.rcptLine[r] > t.lastLine[i]) return `SMTP recipient ${r} outside transaction ${i}`;
      }
    }
  }
  if (p.delivery) {
    const t = p.delivery;
    for (let g = 0; g < t.count; g++) {
      if (!inFile(t.firstLine[g]) || !inFile(t.lastLine[g]) || t.firstLine[g] > t.lastLine[g]) return `delivery group ${g} lines ${t.firstLine[g]}-${t.lastLine[g]}`;
      for (let a = t.attStart[g]; a < t.attStart[g] + t.attCount[g]; a++) {
        if (!inFile(t.attTryLine[a]) || (t.attResultLine[a] !== -1 && !inFile(t.attResultLine[a]))) return `delivery attempt ${a} lines ${t.attTryLine[a]}/${t.attResultLine[a]}`;
      }
    }
  }
  if (p.spamdyke) for (let i = 0; i < p.spamdyke.count; i++) if (!inFile(p.spamdyke.line[i])) return `spamdyke record on line ${p.spamdyke.line[i]}`;
  return '';
}

test(`parseLine never throws and keeps every field inside its line (${CASES} fuzzed texts, three formats)`, () => {
  const rng = new SeededRandom(20240601, 1);
  let entries = 0;
  const started = Date.now();
  for (let c = 0; c < CASES; c++) {
    const text = fuzzText(rng);
    for (const line of text.split(/\r\n|\r|\n/)) {
      for (const format of FORMATS) {
        let parsed;
        try {
          parsed = parseLine(format, line);
        } catch (e) {
          assert.fail(`parseLine('${format}', ${JSON.stringify(line)}) threw ${e instanceof Error ? e.stack : e}`);
        }
        const where = () => `${format} ${JSON.stringify(line.length > 300 ? line.slice(0, 300) + '…' : line)}`;
        assert.ok(parsed.problem === undefined || (typeof parsed.problem === 'string' && parsed.problem.length > 0), `problem text: ${where()}`);
        if (format === 'spamdyke') assert.equal(parsed.stamps?.length ?? 0, parsed.entries.length, `one stamp per entry: ${where()}`);
        for (const e of parsed.entries) {
          entries++;
          assert.ok(e.start >= 0 && e.start <= e.end && e.end <= line.length, `entry [${e.start}, ${e.end}) of ${e.kind}: ${where()}`);
          for (const f of e.fields) {
            assert.ok(Number.isInteger(f.start) && Number.isInteger(f.end), `field ${f.name} offsets are integers: ${where()}`);
            assert.ok(f.start >= 0 && f.start <= f.end && f.end <= line.length, `field ${f.name} [${f.start}, ${f.end}) outside the line (length ${line.length}): ${where()}`);
          }
        }
      }
    }
  }
  assert.ok(entries > CASES, `the fuzzed lines still contain entries (${entries})`);
  assert.ok(Date.now() - started < 30000, 'bounded run');
});

test(`parseLogText never throws or loses a line, and its tables point into the file (${CASES} fuzzed texts)`, () => {
  const rng = new SeededRandom(20240601, 2);
  for (let c = 0; c < CASES; c++) {
    const text = fuzzText(rng);
    const format = rng.pick(FORMATS);
    let p: ParsedLogFile;
    try {
      p = parseLogText(text, format, new Interner());
    } catch (e) {
      assert.fail(`parseLogText(${format}) threw on ${JSON.stringify(text.slice(0, 500))}: ${e instanceof Error ? e.stack : e}`);
    }
    const v = fileViolation(p, format, Buffer.from(text, 'utf8'));
    assert.equal(v, '', `case ${c} (${format}): ${v}\n${JSON.stringify(text.slice(0, 800))}`);
  }
});

test(`the scanner on raw bytes (invalid UTF-8, NUL, lone CR) never throws or loses a line, in one chunk or two (${CASES} cases)`, () => {
  const rng = new SeededRandom(20240601, 3);
  for (let c = 0; c < CASES; c++) {
    const buf = fuzzBytes(rng);
    const format = rng.pick(FORMATS);
    const whole = new LogScanner(format, new Interner(), buf.length);
    whole.scan(buf, 0, buf.length, 0);
    const p = whole.finish(buf.length);
    const v = fileViolation(p, format, buf);
    assert.equal(v, '', `case ${c} (${format}): ${v}\n${JSON.stringify(buf.toString('latin1').slice(0, 800))}`);
    // readLogFile hands the scanner chunks that end after a '\n' or a lone '\r': the split must
    // not matter.
    const nls: number[] = [];
    for (let i = 0; i < buf.length; i++) if (buf[i] === 10 || (buf[i] === 13 && buf[i + 1] !== 10)) nls.push(i);
    if (nls.length) {
      const cut = rng.pick(nls) + 1;
      const split = new LogScanner(format, new Interner(), buf.length);
      split.scan(buf.subarray(0, cut), 0, cut, 0);
      const rest = Buffer.from(buf.subarray(cut));
      split.scan(rest, 0, rest.length, cut);
      const q = split.finish(buf.length);
      assert.deepEqual([...q.lineKinds], [...p.lineKinds], `case ${c}: line kinds depend on where the chunk ends (cut at ${cut})`);
      assert.deepEqual([...q.blockOffsets], [...p.blockOffsets], `case ${c}: block offsets depend on where the chunk ends`);
      assert.equal(q.problems.count, p.problems.count, `case ${c}: problem count depends on where the chunk ends`);
    }
  }
});

test('the index takes fuzzed editor texts of all three formats and every message line it reports is inside its file', () => {
  const rng = new SeededRandom(20240601, 4);
  const started = Date.now();
  let messages = 0;
  let index = new LogIndex();
  for (let c = 0; c < CASES / 2; c++) {
    // A fresh index now and then; in between, files are replaced as an editor would.
    if (c % 50 === 0) index = new LogIndex();
    const texts: Record<string, [string, LogFormat]> = {};
    for (const [name, format] of [['smtp_25.log', 'smtp'], ['smtp_587.log', 'smtp'], ['delivery.log', 'delivery'], ['spamdyke.log', 'spamdyke']] as Array<[string, LogFormat]>) {
      if (c > 0 && rng.chance(0.5)) continue;
      const text = fuzzText(rng);
      const p = `/fuzz/${name}`;
      texts[p] = [text, format];
      try {
        index.setEditorText(p, text, format);
      } catch (e) {
        assert.fail(`setEditorText(${format}) threw on ${JSON.stringify(text.slice(0, 500))}: ${e instanceof Error ? e.stack : e}`);
      }
    }
    let snap;
    try {
      snap = index.snapshot();
    } catch (e) {
      assert.fail(`snapshot() threw in case ${c}: ${e instanceof Error ? e.stack : e}\n${JSON.stringify(Object.values(texts).map(([t]) => t.slice(0, 300)))}`);
    }
    for (const f of snap.files) {
      const [text, format] = texts[f.path] ?? [undefined, f.format];
      if (text !== undefined) {
        const v = fileViolation(f.parsed, format, Buffer.from(text, 'utf8'));
        assert.equal(v, '', `case ${c} ${f.path}: ${v}`);
      }
    }
    for (let i = 0; i < snap.messageCount; i++) {
      messages++;
      let m;
      try {
        m = snap.message(i);
      } catch (e) {
        assert.fail(`message(${i}) threw in case ${c}: ${e instanceof Error ? e.stack : e}`);
      }
      const refs = snap.linesOf(m);
      for (const r of refs) {
        assert.ok(r.file && snap.file(r.file.path) === r.file, `case ${c}: message ${i} refers to a file outside the snapshot`);
        assert.ok(Number.isInteger(r.line) && r.line >= 0 && r.line < r.file.parsed.lineCount, `case ${c}: message ${i} line ${r.line} outside ${r.file.path} (${r.file.parsed.lineCount} lines)`);
        assert.notEqual(r.file.parsed.lineKinds[r.line], LineKind.Blank, `case ${c}: message ${i} owns blank line ${r.line} of ${r.file.path}`);
        // A line of entries run together can belong to several messages; it must belong to one at least.
        const owner = snap.messageIndexAt(r.file.path, r.line);
        if (owner < 0) {
          const dump = snap.files.map((f) => `${f.path}:\n${(texts[f.path]?.[0] ?? '(unchanged)').split('\n').map((l, n) => `  ${n}: ${JSON.stringify(l.slice(0, 200))}`).join('\n')}`).join('\n');
          assert.fail(`case ${c}: line ${r.line} of ${r.file.path} is listed by message ${i} but owned by none\n${dump}`);
        }
      }
    }
  }
  assert.ok(messages > 100, `the fuzzed files still make messages (${messages})`);
  assert.ok(Date.now() - started < 60000, 'bounded run');
});

test('the index reads fuzzed bytes from disk without throwing or losing a line', async () => {
  const rng = new SeededRandom(20240601, 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-fuzz-'));
  try {
    const index = new LogIndex();
    for (let c = 0; c < 200; c++) {
      const buf = fuzzBytes(rng);
      const format = rng.pick(FORMATS);
      const p = path.join(dir, `f${c % 7}.log`);
      fs.writeFileSync(p, buf);
      const f = await index.indexFileAs(p, format);
      const v = fileViolation(f.parsed, format, buf);
      assert.equal(v, '', `case ${c} (${format}): ${v}`);
      const snap = index.snapshot();
      for (let i = 0; i < snap.messageCount; i++) {
        for (const r of snap.linesOf(snap.message(i))) assert.ok(r.line >= 0 && r.line < r.file.parsed.lineCount, `case ${c}: line ${r.line} outside ${r.file.path}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
