// The timeline's text filter and workspace symbols find a message by part of an address, IP, qp
// number or delivery id. The matcher works on interned ids; this checks it against the plain
// reading of that rule over built messages, for many queries on a generated download.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateCorpus } from '../corpus/generator';
import { indexFolder } from '../corpus/accuracy';
import { otherSpelling } from '../../server/src/core/addressKey';
import { Message } from '../../server/src/core/correlate';
import { messageMatcher } from '../../server/src/features/workspaceSymbol';

/** Everything a message can be found by, as one lower-case text; addresses in both spellings of an IDN domain. */
function searchableText(m: Message): string {
  const keys: string[] = [];
  const addresses = [...(m.sender ? [m.sender] : []), ...m.recipients];
  for (const a of addresses) keys.push(a, otherSpelling(a) ?? '');
  for (const r of m.spamdyke) if (r.ip) keys.push(r.ip);
  if (m.smtp?.queue) keys.push(`qp ${m.smtp.queue.qp}`);
  for (const g of m.delivery) for (const a of g.attempts) keys.push(a.id);
  return keys.join('\n').toLowerCase();
}

test('the message matcher finds exactly the messages whose addresses, IPs, qp or delivery ids hold the query', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-search-'));
  try {
    generateCorpus(dir, { seed: 31, messages: 1500, deliveryIds: 'per-attempt', retryLayout: 'mixed', idnSpellings: 'mixed' }, false);
    const snap = await indexFolder(dir);
    const texts = Array.from({ length: snap.messageCount }, (_, i) => searchableText(snap.message(i)));
    // Queries cut from real values, plus a few that match nothing or everything.
    let seed = 7;
    const next = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    const queries = new Set(['example', '.invalid', 'qp', 'qp 1', '198.51.100.', '2001:db8', 'xn--', 'bücher', 'xn--bcher-kva.example', 'no-such-thing', '@', '1']);
    while (queries.size < 80) {
      const source = texts[next(texts.length)].split('\n').filter(Boolean);
      if (!source.length) continue;
      const value = source[next(source.length)];
      const start = next(value.length);
      queries.add(value.slice(start, start + 1 + next(value.length - start)));
    }
    let found = 0;
    for (const q of queries) {
      const matches = messageMatcher(snap, q);
      const got: number[] = [], want: number[] = [];
      for (let i = 0; i < snap.messageCount; i++) {
        if (matches(i)) got.push(i);
        if (texts[i].includes(q)) want.push(i);
      }
      assert.deepEqual(got, want, `query ${JSON.stringify(q)}`);
      found += got.length;
    }
    assert.ok(found > 0, 'the queries find messages');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a delivery recipient is found as the message shows it, without qmail\'s virtual-domain prefix', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-search-'));
  try {
    fs.writeFileSync(path.join(dir, 'smtp_25.log'), [
      '2021-03-09 12:43:51, from, a@elsewhere.example.net', '2021-03-09 12:43:51, resp, 250 ok', '2021-03-09 12:43:51, to, <info@example.com>',
      '2021-03-09 12:43:51, resp, 250 ok', '2021-03-09 12:43:51, size, 100', '2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309', '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'delivery.log'), [
      '2021-03-09 12:43:51, init, <a@elsewhere.example.net>', '2021-03-09 12:43:51, try, 114878, local, example.com-info@example.com',
      '2021-03-09 12:43:51, result, 114878, success, did_0+0+1/', '',
    ].join('\n'));
    const snap = await indexFolder(dir);
    assert.equal(snap.messageCount, 1);
    assert.ok(messageMatcher(snap, 'info@example.com')(0));
    assert.ok(messageMatcher(snap, '114878')(0));
    assert.ok(!messageMatcher(snap, 'example.com-info')(0));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
