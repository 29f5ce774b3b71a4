// Correlation against ground truth: on generated downloads of every shape, references from any
// line of a message must return exactly that message's lines for at least 99.5% of messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CorpusOptions, generateCorpus, loadCorpus } from '../corpus/generator';
import { accuracy, indexFolder } from '../corpus/accuracy';

const VARIANTS: Array<[string, Partial<CorpusOptions>]> = [
  ['plain', { seed: 101 }],
  ['CRLF and BOM', { seed: 102, crlf: true, bom: true }],
  ['retries inline', { seed: 103, retryLayout: 'inline' }],
  ['retries in groups of their own', { seed: 104, retryLayout: 'separate' }],
  ['per-attempt delivery ids', { seed: 105, deliveryIds: 'per-attempt', retryLayout: 'mixed' }],
  ['December to January', { seed: 106, start: '2021-12-31 21:00:00' }],
  ['opaque names, cut files', { seed: 107, names: 'opaque', truncate: true }],
  ['run-together entries and junk lines', { seed: 108, runTogether: 0.1, garbage: 0.05 }],
  ['retries in groups of their own with per-attempt ids', { seed: 110, retryLayout: 'separate', deliveryIds: 'per-attempt' }],
  ['spamdyke stamps in RFC 3339, across a year turn', { seed: 109, spamdykeStamps: 'rfc3339', start: '2021-12-31 21:00:00', utcOffsetMinutes: -300 }],
  ['spamdyke at log level verbose (FILTER and ERROR lines), busy server', { seed: 111, spamdykeLogLevel: 'verbose', messagesPerSecond: 5 }],
  ['spamdyke stamps from journalctl -o short-iso, across a year turn', { seed: 112, spamdykeStamps: 'short-iso', start: '2021-12-31 22:00:00' }],
  ['spamdyke stamps from journalctl -o short-precise, across a year turn', { seed: 113, spamdykeStamps: 'short-precise', start: '2021-12-31 22:00:00' }],
  ['no blank line between delivery groups, retries in groups of their own', { seed: 114, retryLayout: 'separate', deliveryBlankLines: false }],
  ['no blank line between delivery groups, retries of both layouts', { seed: 115, retryLayout: 'mixed', deliveryBlankLines: false }],
  ['no blank lines in any log (the next `from` or `init` starts a group)', { seed: 116, smtpBlankLines: false, deliveryBlankLines: false }],
  ['internationalized domains spelt in UTF-8 in one log and in punycode in another', { seed: 117, idnSpellings: 'mixed' }],
  ['no blank line between delivery groups, a new delivery id per attempt, retries in groups of their own', { seed: 118, retryLayout: 'separate', deliveryIds: 'per-attempt', deliveryBlankLines: false }],
  ['busy server, no blank line between delivery groups, a new delivery id per attempt', { seed: 119, messagesPerSecond: 5, retryLayout: 'mixed', deliveryIds: 'per-attempt', deliveryBlankLines: false }],
];

for (const [name, options] of VARIANTS) {
  test(`correlation accuracy ≥ 99.5%: ${name}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-acc-'));
    try {
      generateCorpus(dir, { messages: 3000, seed: 1, ...options }, true);
      const corpus = loadCorpus(dir);
      const snap = await indexFolder(dir);
      const a = accuracy(snap, corpus);
      const sample = a.wrong.slice(0, 3).map((w) => `${w.truth.scenario} #${w.truth.id}`).join(', ');
      assert.ok(a.ratio >= 0.995, `${a.right}/${a.total} right (${(a.ratio * 100).toFixed(2)}%); wrong e.g. ${sample}`);
      // Messages the generator made indistinguishable must be marked, not silently guessed.
      const ambiguousTruth = corpus.truth.filter((t) => t.ambiguousWith?.length);
      if (ambiguousTruth.length) assert.ok(snap.correlation.ambiguousLinks > 0, 'ambiguous links are counted');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
