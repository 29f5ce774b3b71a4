// The navigation and overview features through the built server over --stdio, checked against
// the ground truth of a generated download: highlights, symbols, folds, workspace search, inlay
// hints, diagnostics (at all three levels) and the bounce link of definition.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { PublishedDiagnostic, startServer, TestClient, uri } from './lspClient';
import { FileRole, generateCorpus, loadCorpus, Outcome, TruthMessage } from '../corpus/generator';

interface Pos { line: number; character: number }
interface Range { start: Pos; end: Pos }
interface Loc { uri: string; range: Range }
interface Symbol { name: string; detail?: string; range: Range; selectionRange: Range; children?: Symbol[] }
interface Hint { position: Pos; label: string | Array<{ value: string }> }

let dir: string;
let truth: TruthMessage[];
let roleName: Map<FileRole, string>;
/** Lines of each file by name, as an editor shows them. */
const text = new Map<string, string[]>();
/** `${file name}:${line}` → the truth message that line belongs to. */
const ownerOf = new Map<string, TruthMessage>();
let plain: TestClient;
let refusals: TestClient;
let quiet: TestClient;

const fileUri = (name: string) => uri(path.join(dir, name));
const nameOf = (u: string) => path.basename(fileURLToPath(u));
const linesIn = (t: TruthMessage, name: string) => t.lines.filter(([r]) => roleName.get(r) === name).map(([, l]) => l).sort((a, b) => a - b);
const NAMES = () => [...roleName.values()];
const isSpamdyke = (name: string) => name === roleName.get('spamdyke');
const formatOf = (name: string) => (isSpamdyke(name) ? 'spamdyke' : name === roleName.get('delivery') ? 'delivery' : 'smtp');

async function diagnosticsSettled(client: TestClient): Promise<void> {
  const want = NAMES().map(fileUri);
  for (let waited = 0; waited < 10000 && !want.every((u) => client.diagnostics.has(u)); waited += 50) await new Promise((r) => setTimeout(r, 50));
  // A later publish (settings read after indexing) would replace these; give it a moment.
  await new Promise((r) => setTimeout(r, 200));
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-features-'));
  generateCorpus(dir, { seed: 31, messages: 400 }, true);
  const corpus = loadCorpus(dir);
  truth = corpus.truth;
  roleName = new Map(corpus.files.map((f) => [f.role, f.name]));
  for (const f of corpus.files) text.set(f.name, fs.readFileSync(f.path, 'utf8').split(/\r?\n/));
  for (const t of truth) for (const [role, line] of t.lines) ownerOf.set(`${roleName.get(role)}:${line}`, t);
  fs.rmSync(path.join(dir, 'truth.json'));
  [plain, refusals, quiet] = await Promise.all([
    startServer(dir),
    startServer(dir, { configuration: { inlayHints: false, diagnostics: 'refusals' } }),
    startServer(dir, { configuration: { diagnostics: 'none' } }),
  ]);
  await Promise.all([plain.indexed(), refusals.indexed(), quiet.indexed()]);
  await Promise.all([diagnosticsSettled(plain), diagnosticsSettled(refusals), diagnosticsSettled(quiet)]);
});
after(async () => {
  await Promise.all([plain?.close(), refusals?.close(), quiet?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Whether a text (symbol name, hint label) names this outcome in words. */
function namesOutcome(s: string, outcome: Outcome): boolean {
  const t = s.toLowerCase();
  switch (outcome) {
    case 'delivered': return /deliver/.test(t) && !/defer|fail|reject|pending/.test(t);
    case 'deferred-delivered': return /deliver/.test(t) && /defer/.test(t);
    case 'failed': return /fail/.test(t) && !/deliver(ed)? locally|pending/.test(t);
    case 'rejected-spamdyke': return /reject|refus/.test(t) && /spamdyke/.test(t);
    case 'rejected-smtp': return /reject|refus/.test(t) && /qmail|chkuser|smtp/.test(t);
    case 'pending': return /pending/.test(t);
    case 'no-envelope': return /without a message|no envelope|no message/.test(t);
  }
}

/** The envelope sender of a truth message, read from its own lines ('' for the null sender). */
function senderOf(t: TruthMessage): string | undefined {
  for (const [role, line] of t.lines) {
    const name = roleName.get(role)!;
    const l = text.get(name)![line];
    let m = /^\S+ \S+, from, <?([^<>]*)>?$/.exec(l) ?? /^\S+ \S+, init, <([^<>]*)>$/.exec(l);
    if (m) return m[1].trim().toLowerCase();
    m = / from: (\S*) to: /.exec(l);
    if (m && role === 'spamdyke') return m[1] === '(unknown)' ? '' : m[1].toLowerCase();
  }
  return undefined;
}

/** Runs of consecutive lines of a message in one file; in the spamdyke log each line stands alone. */
function partsIn(t: TruthMessage, name: string): Array<[number, number]> {
  const lines = linesIn(t, name);
  const parts: Array<[number, number]> = [];
  for (const l of lines) {
    const last = parts[parts.length - 1];
    if (last && last[1] === l - 1 && !isSpamdyke(name)) last[1] = l;
    else parts.push([l, l]);
  }
  return parts;
}

const within = (inner: Range, outer: Range) =>
  (inner.start.line > outer.start.line || (inner.start.line === outer.start.line && inner.start.character >= outer.start.character))
  && (inner.end.line < outer.end.line || (inner.end.line === outer.end.line && inner.end.character <= outer.end.character));

async function inBatches<T, R>(items: T[], f: (x: T) => Promise<R>, size = 50): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(f))));
  return out;
}

test('documentHighlight marks exactly the message\'s lines in the current file, and agrees with references', async () => {
  const asks: Array<[TruthMessage, string, number]> = [];
  for (const t of truth) for (const name of new Set(t.lines.map(([r]) => roleName.get(r)!))) asks.push([t, name, linesIn(t, name)[0]]);
  let right = 0;
  const wrong: string[] = [];
  await inBatches(asks, async ([t, name, line]) => {
    const params = { textDocument: { uri: fileUri(name) }, position: { line, character: 3 } };
    const [hl, refs] = await Promise.all([
      plain.request<Array<{ range: Range }> | null>('textDocument/documentHighlight', params),
      plain.request<Loc[] | null>('textDocument/references', { ...params, context: { includeDeclaration: true } }),
    ]);
    const got = (hl ?? []).map((h) => h.range.start.line).sort((a, b) => a - b);
    for (const h of hl ?? []) {
      assert.equal(h.range.start.line, h.range.end.line, 'one highlight per line');
      assert.equal(h.range.start.character, 0);
      assert.equal(h.range.end.character, text.get(name)![h.range.start.line].length, 'a highlight covers its whole line');
    }
    assert.ok(got.includes(line), `${name}:${line}: the line asked about is highlighted`);
    assert.equal(new Set(got).size, got.length, 'no line highlighted twice');
    const fromRefs = (refs ?? []).filter((r) => nameOf(r.uri) === name).map((r) => r.range.start.line).sort((a, b) => a - b);
    assert.deepEqual(got, fromRefs, `${name}:${line}: highlights and references name the same lines of this file`);
    if (JSON.stringify(got) === JSON.stringify(linesIn(t, name))) right++;
    else wrong.push(`#${t.id} ${t.scenario} ${name}:${line} got ${got.slice(0, 8)} want ${linesIn(t, name).slice(0, 8)}`);
  });
  assert.ok(asks.length > 800, `asked ${asks.length} times`);
  assert.ok(right >= asks.length * 0.99, `${right}/${asks.length} exact; wrong e.g.\n${wrong.slice(0, 5).join('\n')}`);
});

test('documentSymbol: one symbol per message part of the file, nested ranges, names with sender and outcome', async () => {
  for (const name of NAMES()) {
    const syms = (await plain.request<Symbol[] | null>('textDocument/documentSymbol', { textDocument: { uri: fileUri(name) } })) ?? [];
    const lines = text.get(name)!;
    const expected: Array<[TruthMessage, number, number]> = [];
    for (const t of truth) for (const [a, b] of partsIn(t, name)) expected.push([t, a, b]);
    assert.ok(expected.length > 5, `${name} has message parts (${expected.length})`);
    for (const s of syms) {
      assert.ok(within(s.selectionRange, s.range), `${name}: selection range inside the symbol's range (${s.name})`);
      assert.equal(s.range.start.character, 0);
      assert.equal(s.range.end.character, lines[s.range.end.line].length, `${name}: a symbol ends at the end of its last line`);
      const children = s.children ?? [];
      assert.equal(children.length, s.range.end.line - s.range.start.line + 1, `${name}: one child per line of ${s.name}`);
      children.forEach((c, k) => {
        assert.ok(within(c.range, s.range) && within(c.selectionRange, c.range), `${name}: child ranges nest in ${s.name}`);
        assert.equal(c.range.start.line, s.range.start.line + k, `${name}: children in line order`);
      });
    }
    const sorted = [...syms].sort((a, b) => a.range.start.line - b.range.start.line);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].range.start.line > sorted[i - 1].range.end.line, `${name}: symbols do not overlap (line ${sorted[i].range.start.line})`);
    const byRange = new Map(syms.map((s) => [`${s.range.start.line}-${s.range.end.line}`, s]));
    let right = 0;
    const wrong: string[] = [];
    for (const [t, a, b] of expected) {
      const s = byRange.get(`${a}-${b}`);
      const sender = senderOf(t);
      const senderOk = !s || sender === undefined || (sender === '' ? /<>|null|unknown/.test(s.name) : s.name.toLowerCase().includes(sender));
      if (s && namesOutcome(s.name, t.outcome) && senderOk) right++;
      else wrong.push(`#${t.id} ${t.outcome} ${name}:${a}-${b} sender ${sender}: ${s ? s.name : '(no symbol)'}`);
    }
    assert.ok(Math.abs(syms.length - expected.length) <= Math.max(1, expected.length * 0.01), `${name}: ${syms.length} symbols for ${expected.length} message parts`);
    assert.ok(right >= expected.length * 0.99, `${name}: ${right}/${expected.length} parts with a right symbol; wrong e.g.\n${wrong.slice(0, 5).join('\n')}`);
  }
});

test('foldingRange: one fold per multi-line SMTP transaction and delivery group, none in the spamdyke log', async () => {
  for (const name of NAMES()) {
    const folds = (await plain.request<Array<{ startLine: number; endLine: number }> | null>('textDocument/foldingRange', { textDocument: { uri: fileUri(name) } })) ?? [];
    const got = folds.map((f) => `${f.startLine}-${f.endLine}`).sort();
    const want = isSpamdyke(name) ? [] : truth.flatMap((t) => partsIn(t, name)).filter(([a, b]) => b > a).map(([a, b]) => `${a}-${b}`).sort();
    if (!isSpamdyke(name)) assert.ok(want.length > 10, `${name} has multi-line blocks`);
    assert.deepEqual(got, want, `${name}: folds`);
  }
});

test('workspace/symbol by address, domain, IP, qp and delivery id finds messages that really involve them', async () => {
  const smtp25 = roleName.get('smtp25')!, delivery = roleName.get('delivery')!, spamdyke = roleName.get('spamdyke')!;
  const picks = truth.filter((t) => t.outcome === 'delivered' && linesIn(t, smtp25).length && linesIn(t, delivery).length && linesIn(t, spamdyke).length);
  assert.ok(picks.length >= 3, 'delivered messages through port 25');
  const queries: Array<[string, TruthMessage]> = [];
  for (const t of [picks[0], picks[Math.floor(picks.length / 2)], picks[picks.length - 1]]) {
    const smtp = linesIn(t, smtp25).map((l) => text.get(smtp25)![l]);
    const sender = senderOf(t)!;
    const qp = smtp.map((l) => / qp (\d+)$/.exec(l)?.[1]).find(Boolean)!;
    const ip = / origin_ip: (\S+) /.exec(text.get(spamdyke)![linesIn(t, spamdyke)[0]])![1];
    const id = linesIn(t, delivery).map((l) => /, try, (\d+), /.exec(text.get(delivery)![l])?.[1]).find(Boolean)!;
    if (sender) queries.push([sender, t], [sender.slice(sender.indexOf('@') + 1), t]);
    queries.push([ip, t], [`qp ${qp}`, t], [id, t]);
  }
  let sound = 0, total = 0;
  const unsound: string[] = [];
  for (const [q, source] of queries) {
    const results = (await plain.request<Array<{ name: string; location: Loc }> | null>('workspace/symbol', { query: q })) ?? [];
    assert.ok(results.length > 0, `query ${q} finds something`);
    const owners = results.map((r) => ownerOf.get(`${nameOf(r.location.uri)}:${r.location.range.start.line}`));
    for (let i = 0; i < results.length; i++) {
      total++;
      const t = owners[i];
      const involved = t?.lines.some(([role, line]) => text.get(roleName.get(role)!)![line].toLowerCase().includes(q.toLowerCase()));
      if (involved) sound++;
      else unsound.push(`${q} → ${nameOf(results[i].location.uri)}:${results[i].location.range.start.line} (${t ? `#${t.id} ${t.scenario}` : 'no message'})`);
    }
    if (results.length < 500) assert.ok(owners.includes(source), `query ${q} finds the message it was taken from (#${source.id})`);
  }
  assert.ok(sound >= total * 0.99, `${sound}/${total} results involve their query; e.g.\n${unsound.slice(0, 5).join('\n')}`);
});

test('inlayHint: one hint per message first line in the range, naming the outcome; off with inlayHints:false', async () => {
  for (const name of NAMES()) {
    const lines = text.get(name)!;
    const range = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
    const hints = (await plain.request<Hint[] | null>('textDocument/inlayHint', { textDocument: { uri: fileUri(name) }, range })) ?? [];
    const want = new Map<number, TruthMessage>();
    for (const t of truth) {
      const first = linesIn(t, name)[0];
      if (first !== undefined) want.set(first, t);
    }
    const got = new Map(hints.map((h) => [h.position.line, h]));
    assert.equal(got.size, hints.length, `${name}: one hint per line`);
    let right = 0;
    const wrong: string[] = [];
    for (const [line, t] of want) {
      const h = got.get(line);
      const label = h ? (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')) : '';
      const outcomePart = h ? (typeof h.label === 'string' ? h.label : h.label[0].value) : '';
      if (h && h.position.character === lines[line].length && namesOutcome(outcomePart, t.outcome)) right++;
      else wrong.push(`#${t.id} ${t.outcome} ${name}:${line} ${label || '(no hint)'}`);
    }
    assert.ok(hints.length <= want.size + Math.max(1, want.size * 0.01), `${name}: ${hints.length} hints for ${want.size} messages`);
    assert.ok(right >= want.size * 0.99, `${name}: ${right}/${want.size} right hints; wrong e.g.\n${wrong.slice(0, 5).join('\n')}`);

    // A range in the middle: only hints inside it.
    const mid = { start: { line: Math.floor(lines.length / 3), character: 0 }, end: { line: Math.floor(lines.length / 2), character: 0 } };
    const part = (await plain.request<Hint[] | null>('textDocument/inlayHint', { textDocument: { uri: fileUri(name) }, range: mid })) ?? [];
    const inside = hints.filter((h) => h.position.line >= mid.start.line && h.position.line <= mid.end.line).map((h) => h.position.line);
    assert.deepEqual(part.map((h) => h.position.line).sort((a, b) => a - b), inside.sort((a, b) => a - b), `${name}: hints of a sub-range`);

    const off = (await refusals.request<Hint[] | null>('textDocument/inlayHint', { textDocument: { uri: fileUri(name) }, range })) ?? [];
    assert.deepEqual(off, [], `${name}: no hints with inlayHints:false`);
  }
});

const diagLines = (d: PublishedDiagnostic[] | undefined) => (d ?? []).map((x) => x.range.start.line).sort((a, b) => a - b);
const linesMatching = (name: string, re: RegExp) => text.get(name)!.flatMap((l, n) => (re.test(l) ? [n] : []));
const FAILURE = /^\S+ \S+, result, \d+, failure, /;
const DEFERRAL = /^\S+ \S+, result, \d+, deferral, /;

test('diagnostics by default: one per failed delivery result, each of a message that failed; nothing elsewhere', () => {
  const delivery = roleName.get('delivery')!;
  const failures = linesMatching(delivery, FAILURE);
  assert.ok(failures.length > 3, 'the download has failed deliveries');
  const got = plain.diagnostics.get(fileUri(delivery));
  assert.deepEqual(diagLines(got), failures, 'diagnostics on exactly the failure lines');
  for (const d of got ?? []) {
    const t = ownerOf.get(`${delivery}:${d.range.start.line}`);
    assert.equal(t?.outcome, 'failed', `line ${d.range.start.line} belongs to a failed message`);
    assert.ok(/fail/i.test(d.message), `the message says it failed: ${d.message}`);
    assert.equal(d.range.start.character, 0);
  }
  for (const name of NAMES()) if (name !== delivery) assert.deepEqual(plain.diagnostics.get(fileUri(name)) ?? [], [], `${name}: no diagnostics by default`);
});

test("diagnostics 'refusals': also every SMTP 4xx/5xx reply and every spamdyke DENIED line", () => {
  const delivery = roleName.get('delivery')!;
  for (const name of NAMES()) {
    const got = diagLines(refusals.diagnostics.get(fileUri(name)));
    if (name === delivery) {
      const failures = linesMatching(name, FAILURE);
      const allowed = new Set([...failures, ...linesMatching(name, DEFERRAL)]);
      for (const f of failures) assert.ok(got.includes(f), `${name}:${f} failure is reported`);
      for (const l of got) assert.ok(allowed.has(l), `${name}:${l} is a failure or deferral`);
    } else if (formatOf(name) === 'smtp') {
      assert.deepEqual(got, linesMatching(name, /^\S+ \S+, resp, [45]\d\d/), `${name}: the refusal replies`);
    } else {
      const denied = linesMatching(name, /spamdyke\[\d+\]: DENIED_/);
      assert.ok(denied.length > 3, 'the download has spamdyke refusals');
      assert.deepEqual(got, denied, `${name}: the DENIED lines`);
    }
  }
  const smtpRefusals = NAMES().filter((n) => formatOf(n) === 'smtp').reduce((k, n) => k + diagLines(refusals.diagnostics.get(fileUri(n))).length, 0);
  assert.ok(smtpRefusals > 3, 'the download has SMTP refusals');
});

test("diagnostics 'none': every file is published empty", () => {
  for (const name of NAMES()) assert.deepEqual(quiet.diagnostics.get(fileUri(name)) ?? [], [], `${name}: no diagnostics`);
  assert.ok(diagLines(plain.diagnostics.get(fileUri(roleName.get('delivery')!))).length > 0, 'the same download has diagnostics by default');
});

test('definition from a failed delivery line includes every line of its bounce', async () => {
  const delivery = roleName.get('delivery')!;
  const bounces = truth.filter((t) => t.bounceOf !== undefined);
  assert.ok(bounces.length >= 3, `the download has bounces (${bounces.length})`);
  let right = 0;
  const wrong: string[] = [];
  for (const b of bounces) {
    const original = truth[b.bounceOf!];
    assert.equal(original.id, b.bounceOf);
    assert.equal(original.outcome, 'failed', `#${original.id} has a bounce, so it failed`);
    const failure = linesIn(original, delivery).find((l) => FAILURE.test(text.get(delivery)![l]));
    assert.ok(failure !== undefined, `#${original.id} has a failure line`);
    const defs = (await plain.request<Loc[] | null>('textDocument/definition', { textDocument: { uri: fileUri(delivery) }, position: { line: failure!, character: 5 } })) ?? [];
    const covered = (name: string, line: number) => defs.some((d) => nameOf(d.uri) === name && d.range.start.line <= line && line <= d.range.end.line);
    const missing = b.lines.filter(([role, line]) => !covered(roleName.get(role)!, line));
    if (missing.length === 0) right++;
    else wrong.push(`#${original.id} → bounce #${b.id}: missing ${missing.slice(0, 4).map(([r, l]) => `${roleName.get(r)}:${l}`).join(', ')}`);
  }
  assert.ok(right >= bounces.length * 0.95, `${right}/${bounces.length} bounces reachable; e.g.\n${wrong.slice(0, 5).join('\n')}`);
});
