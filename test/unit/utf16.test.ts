// Logs saved as UTF-16 (Windows tools do that): recognised, parsed and read back like UTF-8 ones.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findLogFiles, LogIndex } from '../../server/src/core/logIndex';
import { utf16Encoding } from '../../server/src/core/readLog';
import { LineReader } from '../../server/src/features/lineText';

const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-utf16-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const VARIANTS: Record<string, (text: string) => Buffer> = {
  'utf-16le with BOM, CRLF': (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t.replace(/\n/g, '\r\n'), 'utf16le')]),
  'utf-16be with BOM': (t) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t, 'utf16le').swap16()]),
  'utf-16le without BOM': (t) => Buffer.from(t, 'utf16le'),
};

const utf8Lines = (name: string) => fs.readFileSync(path.join(FORMATS, name), 'utf8').split('\n');

for (const [variant, encode] of Object.entries(VARIANTS)) {
  test(`${variant}: recognised, correlated and read back line by line like the UTF-8 logs`, async () => {
    const folder = fs.mkdtempSync(path.join(dir, 'v-'));
    for (const name of fs.readdirSync(FORMATS)) {
      fs.writeFileSync(path.join(folder, name), encode(fs.readFileSync(path.join(FORMATS, name), 'utf8')));
    }
    const found = (await findLogFiles([folder])).map((f) => `${path.basename(f.path)}:${f.format}`).sort();
    assert.deepEqual(found, ['delivery.log:delivery', 'smtp_25.log:smtp', 'spamdyke.log:spamdyke']);
    const index = new LogIndex();
    for (const f of await findLogFiles([folder])) await index.indexFileAs(f.path, f.format);
    const snap = index.snapshot();
    assert.equal(snap.messageCount, 2);
    assert.deepEqual([snap.outcomeOf(0), snap.outcomeOf(1)].sort(), ['delivered', 'rejected-spamdyke']);
    const spamdyke = snap.file(path.join(folder, 'spamdyke.log'))!;
    const lines = snap.linesOf(snap.messageAt(spamdyke.path, 1)!).map((r) => `${path.basename(r.file.path)}:${r.line}`);
    assert.equal(lines.length, 11);
    const reader = new LineReader({ lines: () => undefined });
    for (const name of ['smtp_25.log', 'delivery.log', 'spamdyke.log']) {
      const f = snap.file(path.join(folder, name))!;
      const want = utf8Lines(name);
      assert.deepEqual(reader.range(f, 0, f.parsed.lineCount), want.slice(0, f.parsed.lineCount), name);
    }
  });
}

test('UTF-8, ASCII and binary files are not taken for UTF-16', () => {
  assert.equal(utf16Encoding(Buffer.from('2021-03-09 12:43:51, init, <a@example.com>\n', 'utf8')), undefined);
  assert.equal(utf16Encoding(Buffer.from('jürgen@bücher.example '.repeat(10), 'utf8')), undefined);
  assert.equal(utf16Encoding(Buffer.alloc(64)), undefined);
  assert.equal(utf16Encoding(Buffer.from('2021-03-09 12:43:51, init, <a@example.com>', 'utf16le')), 'utf-16le');
});

test('a UTF-16 text that is no mail log is left alone', async () => {
  const folder = fs.mkdtempSync(path.join(dir, 'other-'));
  fs.writeFileSync(path.join(folder, 'notes.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Meeting notes\r\nnothing to see\r\n'.repeat(20), 'utf16le')]));
  assert.deepEqual(await findLogFiles([folder]), []);
});
