// Lines read back from disk through the block offsets kept at parse time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogIndex } from '../../server/src/core/logIndex';
import { LINE_BLOCK } from '../../server/src/core/model';
import { LineReader } from '../../server/src/features/lineText';

const reader = new LineReader({ lines: () => undefined });

function smtpLines(n: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = String(i % 60).padStart(2, '0');
    if (i % 7 === 6) lines.push('');
    else if (i % 5 === 0) lines.push(`2021-03-09 00:00:${s}, from, sender${i}@exämple.org`);
    else lines.push(`2021-03-09 00:00:${s}, resp, 250 ok`);
  }
  return lines;
}

async function indexed(name: string, content: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-lines-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  const index = new LogIndex();
  const f = await index.indexFileAs(file, 'smtp');
  return { f, dir };
}

for (const variant of [
  { name: 'LF, no final newline', eol: '\n', bom: '', final: '' },
  { name: 'CRLF with a BOM and a final newline', eol: '\r\n', bom: '\ufeff', final: '\r\n' },
]) {
  for (const count of [1, LINE_BLOCK - 1, LINE_BLOCK, LINE_BLOCK + 1, 5 * LINE_BLOCK + 3]) {
    test(`every line and range of ${count} lines reads back (${variant.name})`, async () => {
      const lines = smtpLines(count);
      const { f, dir } = await indexed('smtp.log', variant.bom + lines.join(variant.eol) + variant.final);
      try {
        assert.equal(f.parsed.lineCount, count);
        for (let i = 0; i < count; i++) assert.equal(reader.line(f, i), lines[i], `line ${i}`);
        for (const [from, to] of [[0, count], [LINE_BLOCK - 2, LINE_BLOCK + 2], [count - 1, count + 5], [3, 2 * LINE_BLOCK + 1]]) {
          assert.deepEqual(reader.range(f, from, to), lines.slice(from, Math.min(to, count)), `lines ${from}-${to}`);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}
