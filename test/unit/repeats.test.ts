// One log in several files of a folder: downloaded twice (the later file starts with lines the
// earlier one ends with), or split in time. Messages must come out as from the single file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Interner } from '../../server/src/core/columns';
import { parseLogText } from '../../server/src/core/readLog';
import { findRepeat } from '../../server/src/core/repeats';
import { findLogFiles, LogIndex } from '../../server/src/core/logIndex';
import { Snapshot } from '../../server/src/core/snapshot';
import { OUTCOMES } from '../../server/src/core/correlate';
import { generateCorpus } from '../corpus/generator';
import { spawnSync } from 'child_process';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-repeats-'));
    try {
      await fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

async function repeatOf(dir: string, newer: string, older: string) {
  const strings = new Interner();
  const read = (name: string) => ({ path: path.join(dir, name), parsed: parseLogText(fs.readFileSync(path.join(dir, name), 'utf8'), 'smtp', strings) });
  return findRepeat(read(newer), read(older));
}

const LINE = (n: number) => `2021-03-09 12:00:${String(n % 60).padStart(2, '0')}, resp, 250 ok ${n}`;
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => LINE(from + i)).join('\n') + '\n';

test('a file that starts with the end of another repeats it, line for line', withDir(async (dir) => {
  fs.writeFileSync(path.join(dir, 'a.log'), lines(0, 300));
  fs.writeFileSync(path.join(dir, 'b.log'), lines(200, 500));
  assert.deepEqual(await repeatOf(dir, 'b.log', 'a.log'), { of: path.join(dir, 'a.log'), fromLine: 200, lines: 100 });
  assert.equal(await repeatOf(dir, 'a.log', 'b.log'), undefined);
  // A head that starts with a blank line (which stands between all transactions).
  fs.writeFileSync(path.join(dir, 'gaps.log'), `${lines(0, 200)}\n${lines(200, 300)}`.replace(/(ok \d*5)\n/g, '$1\n\n'));
  fs.writeFileSync(path.join(dir, 'blank.log'), `\n${lines(200, 500)}`.replace(/(ok \d*5)\n/g, '$1\n\n'));
  const blank = await repeatOf(dir, 'blank.log', 'gaps.log');
  assert.equal(blank?.of, path.join(dir, 'gaps.log'));
  const gapLines = fs.readFileSync(path.join(dir, 'gaps.log'), 'utf8').split('\n');
  assert.equal(gapLines[blank!.fromLine], '', 'the repeat starts at the blank line');
  assert.equal(gapLines[blank!.fromLine + 1], LINE(200));
  assert.equal(blank!.lines, gapLines.length - 1 - blank!.fromLine);
}));

test('a file wholly inside another, an identical file, and a head that occurs twice', withDir(async (dir) => {
  fs.writeFileSync(path.join(dir, 'a.log'), lines(0, 300));
  fs.writeFileSync(path.join(dir, 'inside.log'), lines(100, 150));
  fs.writeFileSync(path.join(dir, 'same.log'), lines(0, 300));
  assert.deepEqual(await repeatOf(dir, 'inside.log', 'a.log'), { of: path.join(dir, 'a.log'), fromLine: 100, lines: 50 });
  assert.deepEqual(await repeatOf(dir, 'same.log', 'a.log'), { of: path.join(dir, 'a.log'), fromLine: 0, lines: 300 });
  // The head of c.log occurs twice in twice.log; only the second occurrence runs to the end.
  fs.writeFileSync(path.join(dir, 'twice.log'), lines(0, 10) + lines(0, 20));
  fs.writeFileSync(path.join(dir, 'c.log'), lines(0, 20) + lines(20, 30));
  assert.deepEqual(await repeatOf(dir, 'c.log', 'twice.log'), { of: path.join(dir, 'twice.log'), fromLine: 10, lines: 20 });
}));

test('no repeat where the bytes differ: other line ends, a changed line, a partial last line', withDir(async (dir) => {
  fs.writeFileSync(path.join(dir, 'a.log'), lines(0, 300));
  fs.writeFileSync(path.join(dir, 'crlf.log'), lines(200, 500).replace(/\n/g, '\r\n'));
  fs.writeFileSync(path.join(dir, 'changed.log'), lines(200, 300).replace('250 ok 250', '250 ok x') + lines(300, 400));
  assert.equal(await repeatOf(dir, 'crlf.log', 'a.log'), undefined);
  assert.equal(await repeatOf(dir, 'changed.log', 'a.log'), undefined);
  // a file cut in its last line: the repeat ends with the last whole line.
  fs.writeFileSync(path.join(dir, 'cut.log'), lines(0, 250) + LINE(250).slice(0, 20));
  fs.writeFileSync(path.join(dir, 'next.log'), lines(240, 400));
  assert.deepEqual(await repeatOf(dir, 'next.log', 'cut.log'), { of: path.join(dir, 'cut.log'), fromLine: 240, lines: 10 });
}));

async function snapshotOf(dir: string): Promise<Snapshot> {
  const index = new LogIndex();
  await index.indexFilesAs(await findLogFiles([dir]), 0, '');
  return index.snapshot();
}

function outcomes(snap: Snapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of OUTCOMES) out[o] = 0;
  for (let i = 0; i < snap.messageCount; i++) out[snap.outcomeOf(i)]++;
  return out;
}

/**
 * Writes each log of `from` into `to` as two files: lines [0, a) and lines [b, end), both cut
 * after a blank line; the first then goes on for `into` lines (a download made mid-transaction).
 */
function split(from: string, to: string, a: number, b: number, into = 0): void {
  for (const f of fs.readdirSync(from).filter((n) => n.endsWith('.log'))) {
    const all = fs.readFileSync(path.join(from, f), 'utf8').split('\n');
    const n = all.length;
    const cut = (at: number) => {
      let i = Math.floor(n * at);
      if (!f.startsWith('spamdyke')) while (i < n && all[i - 1] !== '') i++;
      return i;
    };
    const [ea, sb] = [cut(a) + (f.startsWith('spamdyke') ? 0 : into), cut(b)];
    fs.writeFileSync(path.join(to, f), all.slice(0, ea).join('\n') + (ea < n ? '\n' : ''));
    fs.writeFileSync(path.join(to, f.replace('.log', ' (1).log')), all.slice(sb).join('\n'));
  }
}

for (const [name, a, b, into] of [['downloaded twice, overlapping', 0.6, 0.4, 0], ['downloaded twice, the first in the middle of a transaction', 0.6, 0.4, 2],
  ['split in time, no overlap', 0.5, 0.5, 0]] as const) {
  test(`one download as two files (${name}) gives the messages of the single files`, withDir(async (dir) => {
    const whole = path.join(dir, 'whole'), parts = path.join(dir, 'parts');
    fs.mkdirSync(parts);
    generateCorpus(whole, { seed: 41, messages: 2500, retryLayout: 'separate' }, false);
    split(whole, parts, a, b, into);
    const [one, two] = [await snapshotOf(whole), await snapshotOf(parts)];
    assert.equal(two.messageCount, one.messageCount);
    assert.deepEqual(outcomes(two), outcomes(one));
    assert.equal(two.correlation.ambiguousLinks, one.correlation.ambiguousLinks);
    const repeated = two.files.filter((f) => f.repeat);
    assert.equal(repeated.length, a > b ? 5 : 0, 'each log of the second download repeats its first');
    if (!repeated.length) return;
    // A repeated line belongs to the message of the line it repeats, in the first file.
    const smtp = repeated.find((f) => f.path.endsWith('smtp_25 (1).log'))!;
    const r = smtp.repeat!;
    const kinds = smtp.parsed.lineKinds;
    let line = 0;
    while (line < r.lines && kinds[line] !== 2 /* LineKind.SmtpFrom */) line++;
    const m = two.messageAt(smtp.path, line);
    assert.ok(m, 'the repeated line has a message');
    assert.ok(two.linesOf(m).some((l) => l.file.path === r.of && l.line === r.fromLine + line), 'its lines are those of the first download');
    if (!into) return;
    // The first download's last, partial transaction: its lines lead to the whole one in the second.
    const first = two.files.find((f) => f.path === r.of)!;
    const t = first.repeatedTail!;
    assert.equal(t.by, smtp.path);
    const last = first.parsed.lineCount - 1;
    const completed = two.messageAt(first.path, last);
    assert.ok(completed, 'the partial transaction\'s line has a message');
    assert.ok(two.linesOf(completed).some((l) => l.file.path === smtp.path && l.line === t.fromLine + last - t.line), 'the transaction in the second download');
  }));
}

test('one download cut into six files per log, in time order, gives the messages of the single files', withDir(async (dir) => {
  const whole = path.join(dir, 'whole'), parts = path.join(dir, 'parts');
  fs.mkdirSync(parts);
  generateCorpus(whole, { seed: 42, messages: 2500, retryLayout: 'separate', deliveryIds: 'per-attempt' }, false);
  for (const f of fs.readdirSync(whole).filter((n) => n.endsWith('.log'))) {
    const all = fs.readFileSync(path.join(whole, f), 'utf8').split('\n');
    let from = 0;
    for (let k = 1; k <= 6; k++) {
      let to = Math.floor((all.length * k) / 6);
      if (!f.startsWith('spamdyke')) while (to < all.length && all[to - 1] !== '') to++;
      fs.writeFileSync(path.join(parts, f.replace('.log', `-${k}.log`)), all.slice(from, to).join('\n') + (to < all.length ? '\n' : ''));
      from = to;
    }
  }
  const [one, six] = [await snapshotOf(whole), await snapshotOf(parts)];
  assert.equal(six.files.length, 30);
  assert.equal(six.messageCount, one.messageCount);
  assert.deepEqual(outcomes(six), outcomes(one));
  assert.equal(six.files.filter((f) => f.repeat).length, 0);
}));

test('when the earlier download goes, the later one counts all its records again', withDir(async (dir) => {
  const whole = path.join(dir, 'whole'), parts = path.join(dir, 'parts');
  fs.mkdirSync(parts);
  generateCorpus(whole, { seed: 43, messages: 800 }, false);
  split(whole, parts, 0.6, 0.4, 2);
  const index = new LogIndex();
  await index.indexFilesAs(await findLogFiles([parts]), 0, '');
  const later = path.join(parts, 'smtp_25 (1).log'), earlier = path.join(parts, 'smtp_25.log');
  const before = index.snapshot();
  assert.ok(before.file(later)!.repeat && before.file(earlier)!.repeatedTail, 'a repeated head and tail');
  const fullCount = parseLogText(fs.readFileSync(later, 'utf8'), 'smtp', new Interner()).smtp!.count;
  assert.ok(before.file(later)!.parsed.smtp!.count < fullCount);
  index.removeFile(earlier);
  const after = index.snapshot().file(later)!;
  assert.equal(after.repeat, undefined);
  assert.equal(after.parsed.smtp!.count, fullCount);
}));

test('spamdyke diagnostic lines of a repeated head are counted once, like the verdicts', withDir(async (dir) => {
  const whole = path.join(dir, 'whole'), parts = path.join(dir, 'parts');
  fs.mkdirSync(parts);
  generateCorpus(whole, { seed: 44, messages: 800, spamdykeLogLevel: 'verbose' }, false);
  split(whole, parts, 0.6, 0.4);
  const stats = (folder: string) => JSON.parse(spawnSync(process.execPath, [path.resolve(__dirname, '../../../server/out/cli.js'), 'stats', '--json', folder], { encoding: 'utf8' }).stdout);
  const [one, two] = [stats(whole), stats(parts)];
  assert.ok(one.spamdykeDiagnosticLines > 0);
  assert.equal(two.spamdykeDiagnosticLines, one.spamdykeDiagnosticLines);
  assert.equal(two.spamdykeDiagnosticsJoined, one.spamdykeDiagnosticsJoined);
  assert.deepEqual(two.verdicts, one.verdicts);
}));

test('files that end their lines with \\r alone repeat line for line as the editor counts lines', withDir(async (dir) => {
  const cr = (from: number, to: number) => lines(from, to).replace(/\n/g, '\r');
  fs.writeFileSync(path.join(dir, 'a.log'), cr(0, 300));
  fs.writeFileSync(path.join(dir, 'b.log'), cr(200, 500));
  assert.deepEqual(await repeatOf(dir, 'b.log', 'a.log'), { of: path.join(dir, 'a.log'), fromLine: 200, lines: 100 });
  // A stray '\r' inside a line of the repeated part makes one more line in both files.
  const stray = (text: string) => text.replace(`${LINE(250)}\n`, `${LINE(250)} and\rmore\n`);
  fs.writeFileSync(path.join(dir, 'c.log'), stray(lines(0, 300)));
  fs.writeFileSync(path.join(dir, 'd.log'), stray(lines(200, 500)));
  assert.deepEqual(await repeatOf(dir, 'd.log', 'c.log'), { of: path.join(dir, 'c.log'), fromLine: 200, lines: 101 });
}));
