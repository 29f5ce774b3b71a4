// package.json's `firstLine` patterns, as VS Code applies them (a JavaScript RegExp on the first
// line): each matches its own format's first lines and none of the others'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CorpusOptions, generateCorpus } from '../corpus/generator';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const FIRST_LINE: Array<[string, RegExp]> = manifest.contributes.languages
  .filter((l: { firstLine?: string }) => l.firstLine)
  .map((l: { id: string; firstLine: string }) => [l.id, new RegExp(l.firstLine)]);
const LANGUAGE_OF_ROLE: Record<string, string> = {
  smtp25: 'qmail-smtp-log', smtp465: 'qmail-smtp-log', smtp587: 'qmail-smtp-log', delivery: 'qmail-delivery-log', spamdyke: 'spamdyke-log',
};

function languagesOf(line: string): string[] {
  return FIRST_LINE.filter(([, re]) => re.test(line)).map(([id]) => id);
}

test('the three languages declare a firstLine', () => {
  assert.deepEqual(FIRST_LINE.map(([id]) => id).sort(), ['qmail-delivery-log', 'qmail-smtp-log', 'spamdyke-log']);
});

for (const [name, options] of [['classic syslog stamps', {}], ['RFC 3339 spamdyke stamps', { spamdykeStamps: 'rfc3339' }], ['journalctl short-iso spamdyke stamps', { spamdykeStamps: 'short-iso' }], ['journalctl short-precise spamdyke stamps', { spamdykeStamps: 'short-precise' }]] as Array<[string, Partial<CorpusOptions>]>) {
  test(`firstLine picks the right language for each file of a download (${name})`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-manifest-'));
    try {
      const corpus = generateCorpus(dir, { seed: 21, messages: 200, ...options }, false);
      for (const f of corpus.files) {
        const first = fs.readFileSync(f.path, 'utf8').split('\n')[0];
        assert.deepEqual(languagesOf(first), [LANGUAGE_OF_ROLE[f.role]], `${f.role}: ${first}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('firstLine leaves other logs alone', () => {
  for (const line of [
    'Mar  9 12:43:51 server sshd[1234]: Accepted publickey for root',
    '2021-03-09T12:43:51.123456+01:00 server postfix/smtpd[1]: connect from unknown[192.0.2.1]',
    '2021-03-09 12:43:51 INFO starting',
    '192.0.2.1 - - [09/Mar/2021:12:43:51 +0100] "GET / HTTP/1.1" 200 512',
  ]) assert.deepEqual(languagesOf(line), [], line);
});
