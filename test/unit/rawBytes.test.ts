// How the bytes of a log become lines: line breaks as LSP and VS Code count them (\n, \r\n, a
// lone \r), files read in chunks, and zero bytes (binary file, or damage inside a log).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { countLineBreaks, firstLineBreakEnd, lastLineBreakEnd, LINE_BREAK } from '../../server/src/core/lineBreaks';
import { Interner } from '../../server/src/core/columns';
import { LINE_BLOCK, LineKind } from '../../server/src/core/model';
import { parseLogText, readLogFile, sniffFile } from '../../server/src/core/readLog';

const b = (s: string) => Buffer.from(s, 'latin1');

test('line breaks are \\n, \\r\\n and a lone \\r, also where a \\r\\n straddles two chunks', () => {
  assert.deepEqual('a\nb\r\nc\rd\r\r\ne'.split(LINE_BREAK), ['a', 'b', 'c', 'd', '', 'e']);
  assert.equal(countLineBreaks(b('a\nb\r\nc\rd\r\r\ne'), 0, 12), 5);
  const split = b('x\r\ny');
  assert.equal(countLineBreaks(split, 0, 2) + countLineBreaks(split, 2, 4, true), 1);
  assert.equal(countLineBreaks(b('\n'), 0, 1, false), 1);
  assert.equal(firstLineBreakEnd(b('ab\rcd'), 0, 5), 3);
  assert.equal(firstLineBreakEnd(b('ab\r\ncd'), 0, 6), 4);
  assert.equal(firstLineBreakEnd(b('ab\r'), 0, 3), -1, 'a \\r at the end may be half of \\r\\n');
  assert.equal(lastLineBreakEnd(b('a\rb\nc\rd'), 0, 7), 6);
  assert.equal(lastLineBreakEnd(b('a\nb\r'), 0, 4), 2);
  assert.equal(lastLineBreakEnd(b('abc'), 0, 3), -1);
});

test('the scanner counts the lines the editor shows: a stray \\r inside a line, and \\r line ends throughout', () => {
  const entry = (s: number) => `2021-03-09 12:43:${String(s).padStart(2, '0')}, resp, 250 ok`;
  const text = `${entry(1)}\n${entry(2)} junk\rmore junk\n${entry(3)}\r${entry(4)}\r\n${entry(5)}\r`;
  const p = parseLogText(text, 'smtp', new Interner());
  assert.equal(p.lineCount, 6);
  assert.deepEqual([...p.lineKinds], [LineKind.SmtpResp, LineKind.SmtpResp, LineKind.Unknown, LineKind.SmtpResp, LineKind.SmtpResp, LineKind.SmtpResp]);
});

test('a log of several MB with \\r line ends is read from disk in chunks, each line where the editor has it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-cr-'));
  try {
    const lines: string[] = [];
    for (let i = 0; i < 150000; i++) lines.push(i % 7 === 6 ? '' : `2021-03-09 12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}, resp, 250 ok`);
    const text = lines.join('\r') + '\r';
    const file = path.join(dir, 'mac.log');
    fs.writeFileSync(file, text);
    assert.ok(text.length > 3 * 1024 * 1024, 'more than one chunk');
    const p = await readLogFile(file, 'smtp', new Interner());
    assert.equal(p.lineCount, lines.length);
    assert.deepEqual([...p.lineKinds], lines.map((l) => (l ? LineKind.SmtpResp : LineKind.Blank)));
    const blockStarts: number[] = [];
    let offset = 0;
    lines.forEach((l, i) => {
      if (i % LINE_BLOCK === 0) blockStarts.push(offset);
      offset += l.length + 1;
    });
    assert.deepEqual([...p.blockOffsets], [...blockStarts, offset]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('zero bytes: a run of them inside a log is damage (the log is indexed, the run is an unknown line); at the start they mean a binary file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-nul-'));
  try {
    const smtp = fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/formats/smtp_25.log'));
    fs.writeFileSync(path.join(dir, 'damaged.log'), Buffer.concat([smtp, Buffer.alloc(2000), Buffer.from('\n'), smtp]));
    // A tar of the same log: its 512-byte header is padded with zero bytes.
    const header = Buffer.alloc(512);
    header.write('smtp_25.log');
    fs.writeFileSync(path.join(dir, 'logs.tar'), Buffer.concat([header, smtp]));
    assert.equal(await sniffFile(path.join(dir, 'damaged.log')), 'smtp');
    assert.equal(await sniffFile(path.join(dir, 'logs.tar')), undefined);
    const p = await readLogFile(path.join(dir, 'damaged.log'), 'smtp', new Interner());
    const zeroLine = smtp.toString('utf8').split(LINE_BREAK).length - 1;
    assert.equal(p.lineKinds[zeroLine], LineKind.Unknown);
    assert.equal(p.problems.count, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
