// Scanning in parallel (files split across threads) gives exactly what one thread gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Interner } from '../../server/src/core/columns';
import { detectFormat } from '../../server/src/core/detect';
import { ParsedLogFile } from '../../server/src/core/model';
import { parseLogText, readLogFile } from '../../server/src/core/readLog';
import { scanFiles } from '../../server/src/core/parallelScan';
import { generateCorpus } from '../corpus/generator';

const WORKER = path.resolve(__dirname, '../../../server/out/scanWorker.js');
const STRING_COLUMNS = new Set(['sender', 'rcptAddress', 'attRecipient', 'verdict', 'recipient', 'ip']);

/** A parse result with string ids replaced by the strings, comparable across interners. */
function plain(p: ParsedLogFile, strings: Interner): unknown {
  const table = (t: object | undefined) => t && Object.fromEntries(Object.entries(t).map(([k, v]) => [k,
    ArrayBuffer.isView(v) ? Array.from(v as Int32Array, (x) => (STRING_COLUMNS.has(k) && x >= 0 ? strings.get(x) : x)) : v]));
  return {
    lineCount: p.lineCount, byteLength: p.byteLength, problems: p.problems,
    blockOffsets: Array.from(p.blockOffsets), lineKinds: Array.from(p.lineKinds),
    smtp: table(p.smtp), delivery: table(p.delivery), spamdyke: table(p.spamdyke),
  };
}

function corpus(options: Parameters<typeof generateCorpus>[1]): { dir: string; files: Array<{ path: string; format: 'smtp' | 'delivery' | 'spamdyke'; bytes: number }> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-par-'));
  generateCorpus(dir, options, false);
  const files = fs.readdirSync(dir).map((n) => path.join(dir, n)).map((p) => ({
    path: p, format: detectFormat(fs.readFileSync(p, 'utf8').slice(0, 16384))!, bytes: fs.statSync(p).size,
  }));
  return { dir, files };
}

test('scanning with a worker thread gives what one thread gives', async () => {
  const { dir, files } = corpus({ seed: 42, messages: 30000 });
  try {
    const one = new Interner();
    const expected: unknown[] = [];
    for (const f of files) expected.push(plain(await readLogFile(f.path, f.format, one), one));
    const strings = new Interner();
    const got = await scanFiles(files, strings, 1, WORKER);
    assert.deepEqual(got.map((r) => r.path), files.map((f) => f.path));
    got.forEach((r, i) => assert.deepEqual(plain(r.parsed, strings), expected[i], path.basename(r.path)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('reading a file in chunks, synchronously or yielding between them, gives what scanning its whole text gives', async () => {
  const { dir, files } = corpus({ seed: 7, messages: 30000 });
  try {
    const big = files.filter((f) => f.format === 'smtp').sort((a, b) => b.bytes - a.bytes)[0];
    // A line longer than a read chunk in the middle, and a file well past the point where the
    // tables are sized for the whole file.
    const lines = fs.readFileSync(big.path, 'utf8').split('\n');
    lines.splice(Math.floor(lines.length / 2), 0, `junk ${'x'.repeat(3 * 1024 * 1024)}`);
    const text = lines.join('\n');
    assert.ok(Buffer.byteLength(text) > 8 * 1024 * 1024, 'the file spans many chunks');
    fs.writeFileSync(big.path, text);
    const wholeStrings = new Interner();
    const whole = plain(parseLogText(text, 'smtp', wholeStrings), wholeStrings);
    const syncStrings = new Interner();
    assert.deepEqual(plain(await readLogFile(big.path, 'smtp', syncStrings), syncStrings), whole, 'synchronous reads');
    const asyncStrings = new Interner();
    let yields = 0;
    const yielding = await readLogFile(big.path, 'smtp', asyncStrings, { between: async () => { yields++; } });
    assert.deepEqual(plain(yielding, asyncStrings), whole, 'reads that yield between chunks');
    assert.ok(yields > 8, `yielded ${yields} times`);
    assert.equal(yielding.problems.count, 1, 'the long junk line is one problem');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
