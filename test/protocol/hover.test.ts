import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serverForTests, serverOnTempFolder, startServer, TestClient, uri } from './lspClient';
import { generateCorpus, TruthMessage } from '../corpus/generator';

const HOVER = path.resolve(__dirname, '../../../test/fixtures/hover');
const FORMATS = path.resolve(__dirname, '../../../test/fixtures/formats');

interface HoverResult {
  contents: { kind: string; value: string };
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** Hovers over the n-th occurrence of `needle` on a line (the line is found by `lineMatch`). */
async function hoverOn(client: TestClient, folder: string, file: string, lineMatch: RegExp | number, needle: string, nth = 0): Promise<{ hover: HoverResult | null; line: number; character: number }> {
  const full = path.join(folder, file);
  const lines = fs.readFileSync(full, 'utf8').split('\n');
  const line = typeof lineMatch === 'number' ? lineMatch : lines.findIndex((l) => lineMatch.test(l));
  assert.ok(line >= 0, `a line of ${file} matches ${lineMatch}`);
  let character = -1;
  for (let k = 0; k <= nth; k++) character = lines[line].indexOf(needle, character + 1);
  assert.ok(character >= 0, `"${needle}" on line ${line} of ${file}`);
  const hover = await client.request<HoverResult | null>('textDocument/hover', { textDocument: { uri: uri(full) }, position: { line, character: character + 1 } });
  return { hover, line, character };
}

/** The markdown with escapes undone: what the reader sees, for assertions on wording. */
function plain(h: HoverResult | null): string {
  assert.ok(h, 'a hover');
  assert.equal(h.contents.kind, 'markdown');
  return h.contents.value.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

function lastBlock(h: HoverResult): string {
  const blocks = h.contents.value.split('\n\n');
  return blocks[blocks.length - 1];
}

/** Targets of our own links, as `basename:line` (1-based, as the #L fragment says). */
function linkTargets(h: HoverResult): string[] {
  return [...h.contents.value.matchAll(/\]\((file:\/\/[^)\s]+)#L(\d+)\)/g)].map((m) => `${path.basename(decodeURIComponent(new URL(m[1]).pathname))}:${m[2]}`);
}

describe('hover on the fixture logs', () => {
  let client: TestClient;
  before(async () => {
    client = await startServer(HOVER);
    await client.indexed();
  });
  after(async () => client.close());

  test('554 after RCPT is a permanent refusal of the recipient', async () => {
    const { hover, line, character } = await hoverOn(client, HOVER, 'smtp_25.log', /resp, 554/, '554');
    const text = plain(hover);
    assert.match(text, /permanent|for good/i);
    assert.match(text, /RCPT/);
    assert.deepEqual(hover!.range, { start: { line, character }, end: { line, character: character + 3 } });
  });

  test('421 is temporary and the sender retries', async () => {
    const text = plain((await hoverOn(client, HOVER, 'smtp_25.log', /resp, 421/, '421')).hover);
    assert.match(text, /temporar/i);
    assert.match(text, /retr(y|ies)/i);
  });

  test('250 after the message data means the message was queued, 250 after from answers MAIL', async () => {
    assert.match(plain((await hoverOn(client, HOVER, 'smtp_25.log', /resp, 250 ok 1615286631/, '250')).hover), /end of the message data[^]*accepted/i);
    assert.match(plain((await hoverOn(client, HOVER, 'smtp_25.log', 11, '250')).hover), /MAIL FROM/);
  });

  test('#5.1.1 in a reply text is a bad mailbox', async () => {
    const { hover } = await hoverOn(client, HOVER, 'smtp_25.log', /#5\.1\.1/, '5.1.1');
    assert.match(plain(hover), /mailbox/i);
    assert.match(plain(hover), /does not exist|unknown/i);
  });

  test('the reply text says who acts and what to do', async () => {
    const text = plain((await hoverOn(client, HOVER, 'smtp_25.log', /resp, 554/, 'reverse DNS')).hover);
    assert.match(text, /reverse DNS/i);
    assert.match(text, /What to do:/);
    assert.match(text, /Who acts:/);
  });

  test('qp explains the queue process and shows the UTC time with the derived offset', async () => {
    const { hover } = await hoverOn(client, HOVER, 'smtp_25.log', /qp 15309/, '15309');
    const text = plain(hover);
    assert.match(text, /qmail-queue/);
    // 1615286631 is 2021-03-09 10:43:51 UTC; the log says 12:43:51 local, so UTC+02:00.
    assert.match(text, /2021-03-09 10:43:51 UTC/);
    assert.match(text, /UTC\+02:00/);
    assert.ok(linkTargets(hover!).includes('spamdyke.log:3'), 'links the spamdyke line with the same reply');
  });

  test('the EPOCH is shown in UTC and in local time', async () => {
    const text = plain((await hoverOn(client, HOVER, 'smtp_25.log', /qp 15309/, '1615286631')).hover);
    assert.match(text, /2021-03-09 10:43:51 UTC = 2021-03-09 12:43:51 in the log's local time/);
  });

  test('chkuser verdict, remote side, IP and address', async () => {
    assert.match(plain((await hoverOn(client, HOVER, 'smtp_25.log', /accepted rcpt/, 'accepted rcpt')).hover), /recipient exists/i);
    assert.match(plain((await hoverOn(client, HOVER, 'smtp_25.log', /accepted rcpt/, 'h:')).hover), /mail server/i);
    // 198.51.100.25 appears with two messages: the queued one and the refused nobody@ one.
    assert.match(plain((await hoverOn(client, HOVER, 'smtp_25.log', /accepted rcpt/, '198.51.100.25')).hover), /\b2 messages in all logs involve this IP/);
    // recipient@example.com: the 554 refusal, the 421 graylisting and the delivered message.
    assert.match(plain((await hoverOn(client, HOVER, 'smtp_25.log', /accepted rcpt/, 'recipient@example.com')).hover), /\b3 messages in all logs have this address/);
  });

  test('DENIED_RDNS_MISSING explains the missing reverse DNS', async () => {
    const text = plain((await hoverOn(client, HOVER, 'spamdyke.log', /DENIED_RDNS_MISSING/, 'DENIED_RDNS_MISSING')).hover);
    assert.match(text, /reverse DNS/i);
    assert.match(text, /PTR/);
  });

  test('spamdyke labels and values: origin_rdns (unknown), reason with spaces and its code explained', async () => {
    assert.match(plain((await hoverOn(client, HOVER, 'spamdyke.log', /DENIED_RDNS_MISSING/, 'origin_rdns')).hover), /no reverse DNS name/i);
    const reason = plain((await hoverOn(client, HOVER, 'spamdyke.log', /DENIED_OTHER/, 'reason:')).hover);
    assert.match(reason, /511 sorry, no mailbox here by that name/);
    assert.match(reason, /mailbox/i);
    const pid = plain((await hoverOn(client, HOVER, 'spamdyke.log', /ALLOWED/, '15280')).hover);
    assert.match(pid, /process id/);
    assert.match(pid, /connection/);
  });

  test('delivery: did_0+0+1 decodes the numbers; local; the init sender', async () => {
    const did = plain((await hoverOn(client, HOVER, 'delivery.log', /did_0\+0\+1/, 'did_')).hover);
    assert.match(did, /1 delivery program/);
    assert.match(plain((await hoverOn(client, HOVER, 'delivery.log', /, local,/, 'local')).hover), /hosted on this server/);
    assert.match(plain((await hoverOn(client, HOVER, 'delivery.log', /init/, 'correspondent')).hover), /Envelope sender:\*\* correspondent@elsewhere\.example\.net/);
  });

  test('the timestamp shows local time and UTC', async () => {
    const text = plain((await hoverOn(client, HOVER, 'smtp_25.log', /qp 15309/, '2021')).hover);
    assert.match(text, /2021-03-09 12:43:51 server local time = 2021-03-09 10:43:51 UTC/);
    assert.match(text, /Port 25/);
  });

  test('every hover ends with the message line linking the other logs', async () => {
    const { hover } = await hoverOn(client, HOVER, 'spamdyke.log', /ALLOWED/, 'ALLOWED');
    const last = lastBlock(hover!);
    assert.match(last, /^\*\*Message:\*\*/);
    assert.match(plain(hover), /correspondent@elsewhere\.example\.net → recipient@example\.com · delivered/);
    const targets = linkTargets({ ...hover!, contents: { kind: 'markdown', value: last } });
    assert.deepEqual(targets.sort(), ['delivery.log:1', 'smtp_25.log:11']);
    for (const probe of [[/resp, 554/, '554'], [/#5\.1\.1/, '5.1.1'], [/qp 15309/, 'qp']] as const) {
      const h = (await hoverOn(client, HOVER, 'smtp_25.log', probe[0], probe[1])).hover!;
      assert.match(lastBlock(h), /^\*\*Message:\*\*/, `message line after ${probe[1]}`);
    }
  });

  test('an unparsed line says it is not understood and left out of correlation', async () => {
    const { hover } = await hoverOn(client, HOVER, 'smtp_25.log', /garbage/, 'garbage');
    const text = plain(hover);
    assert.match(text, /not understood/);
    assert.match(text, /left out of the correlation/);
    assert.match(lastBlock(hover!), /not linked to any message/);
  });

  test('a blank line has no hover', async () => {
    const h = await client.request('textDocument/hover', { textDocument: { uri: uri(path.join(HOVER, 'smtp_25.log')) }, position: { line: 4, character: 0 } });
    assert.equal(h, null);
  });
});

describe('hover escapes log text', () => {
  const EVIL = '[click](command:workbench.action.terminal.new) <img src=x> **bold** http://evil.example/ abuse@example.com';
  const ws = serverOnTempFolder('hover-evil-', (dir) => {
    for (const f of fs.readdirSync(FORMATS)) fs.copyFileSync(path.join(FORMATS, f), path.join(dir, f));
    const smtp = fs.readFileSync(path.join(dir, 'smtp_25.log'), 'utf8').replace(/554 "Refused[^\n]*/, `554 ${EVIL}`);
    fs.writeFileSync(path.join(dir, 'smtp_25.log'), smtp);
  });

  for (const needle of ['[click]', '554', 'evil', 'abuse']) {
    test(`hovering ${needle} shows no live link, image, HTML or autolink`, async () => {
      const { hover } = await hoverOn(ws.client, ws.dir, 'smtp_25.log', /resp, 554/, needle);
      const md = hover!.contents.value;
      const unescaped = (s: string) => [...md.matchAll(new RegExp(`(?<!\\\\)${s}`, 'g'))];
      for (const m of unescaped('\\]\\(')) assert.ok(md.startsWith('](file://', m.index), `only our file:// links: ${md.slice(m.index - 20, m.index + 40)}`);
      assert.equal(unescaped('<img').length, 0, '<img is escaped');
      assert.equal(unescaped('<').length, 0, 'no raw <');
      assert.ok(!/\]\(\s*command:/.test(md), 'no command: link target');
      assert.ok(!md.includes('http://'), 'no raw http:// autolink');
      assert.ok(!md.includes('abuse@example.com'), 'no raw e-mail autolink');
      assert.ok(!md.includes('**bold**'), 'log text cannot make bold text');
      assert.equal(unescaped('`').length, 0, 'no code spans');
      assert.ok(linkTargets(hover!).length > 0, 'our own file:// links are there');
      if (needle !== '554') assert.match(plain(hover), /\[click\]\(command:workbench\.action\.terminal\.new\) <img src=x>/, 'the text is shown, escaped');
    });
  }
});

describe('hover on a generated corpus', () => {
  let dir: string;
  let client: TestClient;
  let truth: TruthMessage[];
  let delivery: string[];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hover-corpus-'));
    const corpus = generateCorpus(path.join(dir, 'logs'), { seed: 7, messages: 400, retryLayout: 'mixed' }, true);
    truth = corpus.truth!;
    fs.rmSync(path.join(dir, 'logs', 'truth.json'), { force: true });
    delivery = fs.readFileSync(path.join(dir, 'logs', 'delivery.log'), 'utf8').split('\n');
    client = await startServer(path.join(dir, 'logs'));
    await client.indexed();
  });
  after(async () => {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const truthOf = (line: number) => truth.find((m) => m.lines.some(([role, l]) => role === 'delivery' && l === line));
  const recipientOfResult = (line: number): string => {
    const id = delivery[line].split(', ')[2];
    for (let l = line - 1; l >= 0; l--) {
      const parts = delivery[l].split(', ');
      if (parts[1] === 'try' && parts[2] === id) return parts[4];
    }
    throw new Error(`no try for result line ${line}`);
  };

  test('deferral says qmail retries and links the next try of the same recipient', async () => {
    const line = delivery.findIndex((l, i) => /, deferral, /.test(l) && truthOf(i)?.outcome === 'deferred-delivered');
    assert.ok(line >= 0, 'the corpus has a deferral that is delivered later');
    const { hover } = await hoverOn(client, path.join(dir, 'logs'), 'delivery.log', line, 'deferral');
    const text = plain(hover);
    assert.match(text, /tries again later|retr/i);
    const rcpt = recipientOfResult(line);
    const own = truthOf(line)!.lines.filter(([role]) => role === 'delivery').map(([, l]) => l);
    const laterTries = own.filter((l) => l > line && delivery[l].includes(', try, ') && delivery[l].endsWith(`, ${rcpt}`));
    const linked = linkTargets(hover!).filter((t) => t.startsWith('delivery.log:')).map((t) => Number(t.split(':')[1]) - 1);
    assert.ok(linked.some((l) => laterTries.includes(l)), `links a later try of ${rcpt} (${laterTries}) among ${linked}`);
    assert.match(text, /qmail retried/);
  });

  test('failure links the bounce message', async () => {
    const line = delivery.findIndex((l, i) => /, failure, /.test(l) && truth.some((b) => b.bounceOf === truthOf(i)?.id));
    assert.ok(line >= 0, 'the corpus has a failure with a bounce');
    const bounce = truth.find((b) => b.bounceOf === truthOf(line)!.id)!;
    const bounceLines = new Set(bounce.lines.map(([role, l]) => `${role === 'delivery' ? 'delivery.log' : role}:${l + 1}`));
    const { hover } = await hoverOn(client, path.join(dir, 'logs'), 'delivery.log', line, 'failure');
    assert.match(plain(hover), /for good|permanent/i);
    assert.ok(linkTargets(hover!).some((t) => bounceLines.has(t)), `links the bounce (${[...bounceLines]}) among ${linkTargets(hover!)}`);
  });

  test('smtp_auth says the sender had logged in', async () => {
    const line = delivery.findIndex((l) => /, smtp_auth\//.test(l));
    assert.ok(line >= 0, 'the corpus has an smtp_auth report');
    const { hover } = await hoverOn(client, path.join(dir, 'logs'), 'delivery.log', line, 'smtp_auth');
    assert.match(plain(hover), /logged in/);
  });

  test('Remote_host_said text comes back with spaces and its codes explained', async () => {
    const line = delivery.findIndex((l) => /Remote_host_said:_550_5\.1\.1/.test(l));
    assert.ok(line >= 0, 'the corpus has a 5.1.1 report');
    const { hover } = await hoverOn(client, path.join(dir, 'logs'), 'delivery.log', line, 'Remote_host_said');
    const text = plain(hover);
    assert.match(text, /Remote host said: 550 5\.1\.1/);
    assert.match(text, /mailbox/i);
  });
});

describe('a spamdyke log with RFC 3339 stamps, under opaque names', () => {
  const ws = serverOnTempFolder('hover-rfc3339-', (dir) => {
    fs.copyFileSync(path.join(FORMATS, 'smtp_25.log'), path.join(dir, 'a.txt'));
    fs.copyFileSync(path.join(FORMATS, 'delivery.log'), path.join(dir, 'b.txt'));
    const spamdyke = fs.readFileSync(path.join(FORMATS, 'spamdyke.log'), 'utf8')
      .replace('Mar  9 11:10:37', '2021-03-09T11:10:37+0200').replace('Mar  9 12:43:51', '2021-03-09T12:43:51.517389+02:00');
    fs.writeFileSync(path.join(dir, 'c.txt'), spamdyke);
  });

  test('the stamp\'s hover says it carries its year', async () => {
    const { hover } = await hoverOn(ws.client, ws.dir, 'c.txt', 1, '2021-03-09T12');
    assert.match(plain(hover), /2021-03-09 12:43:51/);
    assert.match(plain(hover), /carries its year and its UTC offset, \+02:00/);
    const journal = await hoverOn(ws.client, ws.dir, 'c.txt', 0, '2021-03-09T11');
    assert.match(plain(journal.hover), /2021-03-09 11:10:37/);
    assert.match(plain(journal.hover), /UTC offset, \+0200/);
  });

  test('definition from the ALLOWED line reaches its SMTP transaction and delivery', async () => {
    const line = fs.readFileSync(path.join(ws.dir, 'c.txt'), 'utf8').split('\n')[1];
    const defs = await ws.client.request<Array<{ uri: string; range: { start: { line: number } } }>>('textDocument/definition', {
      textDocument: { uri: uri(path.join(ws.dir, 'c.txt')) }, position: { line: 1, character: line.indexOf('ALLOWED') + 1 },
    });
    const targets = defs.map((d) => `${path.basename(decodeURIComponent(new URL(d.uri).pathname))}:${d.range.start.line}`).sort();
    assert.ok(targets.includes('a.txt:5'), targets.join(', '));
    assert.ok(targets.includes('b.txt:0'), targets.join(', '));
  });
});

describe('hover on exports that log the login before MAIL FROM', () => {
  const ws = serverOnTempFolder('hover-auth-', (dir) => {
    fs.writeFileSync(path.join(dir, 'smtp_587.log'), [
      '2021-03-09 11:11:00, auth, login, user@example.com',
      '2021-03-09 11:11:00, resp, 535 authentication failed (#5.7.1)',
      '',
      '2021-03-09 11:12:00, auth, login, user@example.com',
      '2021-03-09 11:12:00, resp, 235 ok, go ahead (#2.0.0)',
      '2021-03-09 11:12:00, from, user@example.com',
      '2021-03-09 11:12:00, resp, 250 ok',
      '',
    ].join('\n'));
  });

  test('a reply after auth is read as the answer to the login', async () => {
    const { hover } = await hoverOn(ws.client, ws.dir, 'smtp_587.log', /535/, '535');
    assert.match(plain(hover), /535 answers AUTH/);
    const kind = await hoverOn(ws.client, ws.dir, 'smtp_587.log', 0, 'auth');
    assert.match(plain(kind.hover), /logged in/);
  });

  test('the login and its reply belong to the transaction that follows', async () => {
    const refs = await ws.client.request<Array<{ range: { start: { line: number } } }>>('textDocument/references', {
      textDocument: { uri: uri(path.join(ws.dir, 'smtp_587.log')) }, position: { line: 3, character: 5 }, context: { includeDeclaration: true },
    });
    assert.deepEqual(refs.map((r) => r.range.start.line).sort(), [3, 4, 5, 6]);
  });
});

describe('a download that spells an internationalized domain two ways', () => {
  const ws = serverOnTempFolder('hover-idn-', (dir) => {
    fs.writeFileSync(path.join(dir, 'smtp_25.log'), [
      '2021-03-09 12:43:51, from, correspondent@elsewhere.example.net',
      '2021-03-09 12:43:51, resp, 250 ok',
      '2021-03-09 12:43:51, to, <anna@bücher.example>',
      '2021-03-09 12:43:51, resp, 250 ok',
      '2021-03-09 12:43:51, size, 2353',
      '2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'delivery.log'), [
      '2021-03-09 12:43:52, init, <correspondent@elsewhere.example.net>',
      '2021-03-09 12:43:52, try, 114878, local, anna@xn--bcher-kva.example',
      '2021-03-09 12:43:52, result, 114878, success, did_0+0+1/',
      '',
    ].join('\n'));
  });

  test('hovering the punycode address shows it in Unicode and counts the message once', async () => {
    const text = plain((await hoverOn(ws.client, ws.dir, 'delivery.log', 1, 'anna@')).hover);
    assert.match(text, /Also written anna@bücher\.example, with the domain in Unicode/);
    assert.match(text, /1 message in all logs has this address/);
    const back = plain((await hoverOn(ws.client, ws.dir, 'smtp_25.log', 2, 'anna@')).hover);
    assert.match(back, /Also written anna@xn--bcher-kva\.example, with the domain in ASCII \(punycode\)/);
  });

  test('the delivery lines belong to the SMTP transaction, and either spelling finds the message', async () => {
    const refs = await ws.client.request<Array<{ uri: string; range: { start: { line: number } } }>>('textDocument/references', {
      textDocument: { uri: uri(path.join(ws.dir, 'delivery.log')) }, position: { line: 1, character: 5 }, context: { includeDeclaration: true },
    });
    assert.deepEqual(refs.map((r) => `${path.basename(decodeURIComponent(new URL(r.uri).pathname))}:${r.range.start.line}`).sort(),
      ['delivery.log:0', 'delivery.log:1', 'delivery.log:2', 'smtp_25.log:0', 'smtp_25.log:1', 'smtp_25.log:2', 'smtp_25.log:3', 'smtp_25.log:4', 'smtp_25.log:5']);
    for (const text of ['bücher', 'xn--bcher-kva']) {
      const found = await ws.client.request<{ total: number }>('mailLogs/messages', { filter: { text }, limit: 10 });
      assert.equal(found.total, 1, text);
    }
  });
});

describe('a download across a daylight-saving change', () => {
  const DST = path.resolve(__dirname, '../../../test/fixtures/dst');
  const server = serverForTests(DST);

  test('times before the change are shown in UTC+01:00, after it in UTC+02:00, and the hover says so', async () => {
    const before = plain((await hoverOn(server(), DST, 'smtp_25.log', /^2021-03-28 01:10:05, from/, '01:10:05')).hover);
    assert.match(before, /2021-03-28 01:10:05 server local time = 2021-03-28 00:10:05 UTC \(UTC\+01:00 at this time/);
    const after = plain((await hoverOn(server(), DST, 'smtp_25.log', /^2021-03-28 03:10:05, from/, '03:10:05')).hover);
    assert.match(after, /2021-03-28 03:10:05 server local time = 2021-03-28 01:10:05 UTC \(UTC\+02:00 at this time/);
    assert.match(after, /UTC\+01:00 at first, UTC\+02:00 from 2021-03-28 03:00:00/);
    const epoch = plain((await hoverOn(server(), DST, 'smtp_25.log', /qp 30142$/, '1616893806')).hover);
    assert.match(epoch, /2021-03-28 01:10:06 UTC = 2021-03-28 03:10:06 in the log's local time/);
  });

  test('the timeline gives each event the offset of its own time', async () => {
    const all = await server().request<{ messages: Array<{ time: string; events: Array<{ time: string }> }> }>('mailLogs/messages', { limit: 100 });
    const times = all.messages.map((m) => m.time);
    assert.ok(times.includes('2021-03-28T01:40:05+01:00'), times.join(' '));
    assert.ok(times.includes('2021-03-28T03:10:05+02:00'), times.join(' '));
    for (const m of all.messages) for (const e of m.events) assert.equal(e.time.slice(-6), m.time.slice(-6), `${e.time} in ${m.time}`);
    // Each ISO time names the same instant as the queue reply's EPOCH: no hour lost or gained.
    const instants = times.map((t) => Date.parse(t) / 1000);
    for (let i = 1; i < instants.length; i++) assert.equal(instants[i] - instants[i - 1], 1800, `${times[i - 1]} → ${times[i]}`);
  });

  test('a time filter in UTC is read with the offset in force at that time', async () => {
    const after = await server().request<{ total: number; messages: Array<{ time: string }> }>('mailLogs/messages', { filter: { from: '2021-03-28T01:00:00Z' }, limit: 100 });
    assert.equal(after.total, 10);
    assert.equal(after.messages[0].time, '2021-03-28T03:10:05+02:00');
    const before = await server().request<{ total: number; messages: Array<{ time: string }> }>('mailLogs/messages', { filter: { to: '2021-03-28T00:59:59Z' }, limit: 100 });
    assert.equal(before.total, 6);
    assert.equal(before.messages[5].time, '2021-03-28T01:40:05+01:00');
  });
});

describe('two servers in different time zones, one folder each', () => {
  const ws = serverOnTempFolder('hover-zones-', (dir) => {
    fs.mkdirSync(path.join(dir, 'berlin'));
    fs.mkdirSync(path.join(dir, 'new-york'));
    for (const name of fs.readdirSync(FORMATS)) {
      const text = fs.readFileSync(path.join(FORMATS, name), 'utf8');
      fs.writeFileSync(path.join(dir, 'berlin', name), text);
      // The same local times, seven hours later in UTC: the queue reply's EPOCH says UTC-05:00.
      fs.writeFileSync(path.join(dir, 'new-york', name), text.replace(/1615286631/g, String(1615286631 + 7 * 3600)));
    }
  });

  test('a time is converted with the offset of its own download', async () => {
    const berlin = plain((await hoverOn(ws.client, path.join(ws.dir, 'berlin'), 'smtp_25.log', 5, '12:43:51')).hover);
    assert.match(berlin, /2021-03-09 12:43:51 server local time = 2021-03-09 10:43:51 UTC \(UTC\+02:00/);
    const newYork = plain((await hoverOn(ws.client, path.join(ws.dir, 'new-york'), 'smtp_25.log', 5, '12:43:51')).hover);
    assert.match(newYork, /2021-03-09 12:43:51 server local time = 2021-03-09 17:43:51 UTC \(UTC-05:00/);
  });

  test('the timeline gives each download\'s messages their own offset', async () => {
    const all = await ws.client.request<{ messages: Array<{ time: string }> }>('mailLogs/messages', { limit: 10 });
    assert.deepEqual(all.messages.map((m) => m.time).filter((t) => t.startsWith('2021-03-09T12:43:51')).sort(), ['2021-03-09T12:43:51+02:00', '2021-03-09T12:43:51-05:00']);
  });

  test('a time filter in UTC finds, in each download, what happened then', async () => {
    // Both messages stand at 11:10:37 and 12:43:51 local time: 09:10:37 and 10:43:51 UTC in
    // Berlin, 16:10:37 and 17:43:51 UTC in New York.
    const found = await ws.client.request<{ messages: Array<{ time: string }> }>('mailLogs/messages', { filter: { from: '2021-03-09T10:00:00Z', to: '2021-03-09T17:00:00Z' }, limit: 10 });
    assert.deepEqual(found.messages.map((m) => m.time).sort(), ['2021-03-09T11:10:37-05:00', '2021-03-09T12:43:51+02:00']);
  });
});
