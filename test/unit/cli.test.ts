// `node server/out/cli.js stats`: the built command line, on real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'server/out/cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('stats summarises a folder: messages by outcome, verdicts, the UTC offset', () => {
  const r = run('stats', '--json', path.join(ROOT, 'test/fixtures/formats'));
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.messages, 2);
  assert.equal(s.outcomes.delivered, 1);
  assert.equal(s.outcomes['rejected-spamdyke'], 1);
  assert.deepEqual(s.verdicts, { DENIED_RDNS_MISSING: 1, ALLOWED: 1 });
  assert.equal(s.utcOffsetSeconds, 7200);
  assert.equal(s.unparsedLines, 0);
});

test('a download across a daylight-saving change: both offsets, and from when the second holds', () => {
  const r = run('stats', '--json', path.join(ROOT, 'test/fixtures/dst'));
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.utcOffsetSeconds, 3600);
  assert.deepEqual(s.utcOffsetChanges, [{ from: '2021-03-28 03:00:00', seconds: 7200 }]);
  assert.equal(s.utcOffsetAgreement, '16 of 16');
  const words = run('stats', path.join(ROOT, 'test/fixtures/dst'));
  assert.match(words.stdout, /Server UTC offset: \+01:00, \+02:00 from 2021-03-28 03:00:00 \(daylight saving time\) \(16 of 16 queued messages agree\)/);
});

test('downloads of servers in different time zones: each folder its own offset', () => {
  const folders = [path.join(ROOT, 'test/fixtures/formats'), path.join(ROOT, 'test/fixtures/dst')];
  const s = JSON.parse(run('stats', '--json', ...folders).stdout);
  assert.deepEqual(s.utcOffsetsByFolder.map((f: { folder: string; utcOffsetSeconds: number }) => [path.basename(f.folder), f.utcOffsetSeconds]), [['dst', 3600], ['formats', 7200]]);
  const words = run('stats', ...folders).stdout;
  assert.match(words, /Server UTC offset in \S+dst: \+01:00, \+02:00 from 2021-03-28 03:00:00/);
  assert.match(words, /Server UTC offset in \S+formats: \+02:00 \(1 of 1 queued messages agree\)/);
});

test('stats in words names the files and the outcomes', () => {
  const r = run('stats', path.join(ROOT, 'samples'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /smtp \(port 25\)/);
  assert.match(r.stdout, /Messages: 400\b/);
  assert.match(r.stdout, /delivered\s+\d+/);
  assert.match(r.stdout, /spamdyke verdicts:\n\s+ALLOWED/);
});

test('unparsed lines are counted and shown, not dropped', () => {
  const r = run('stats', '--json', path.join(ROOT, 'test/fixtures/hover'));
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.ok(s.unparsedLines >= 1);
  assert.ok(s.unparsedSamples.length >= 1 && s.unparsedSamples[0].line >= 1);
});

test('an unreadable path is a clear error and a non-zero exit', () => {
  const r = run('stats', '/nonexistent/mail-logs');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot read \/nonexistent\/mail-logs/);
  const usage = run('frobnicate');
  assert.notEqual(usage.status, 0);
  assert.match(usage.stderr, /usage:/);
});

test('counts are grouped by thousands as in en-US', async () => {
  const { groupDigits } = await import('../../server/src/groupDigits');
  for (const x of [0, 7, 999, 1000, 12345, 120000, 999999, 1000000, 1234567890, -4321]) {
    assert.equal(groupDigits(x), x.toLocaleString('en-US'), String(x));
  }
});
