// mailLogs/messages against the ground truth of a generated download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { startServer, TestClient, uri } from './lspClient';
import { generateCorpus, loadCorpus, TruthMessage } from '../corpus/generator';

interface Event { time: string; kind: string; uri: string; range: { start: { line: number }; end: { line: number; character: number } }; text: string; summary: string }
interface Msg { id: string; time: string; sender: string | null; recipients: string[]; outcome: string; events?: Event[] }
interface Result { messages: Msg[]; total: number; version: number; position?: number; counts?: Record<string, number>; days?: Array<{ day: string; count: number }> }

let dir: string;
let client: TestClient;
let truth: TruthMessage[];
let roleName: Map<string, string>;
let all: Result;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-messages-'));
  generateCorpus(dir, { seed: 7, messages: 300 }, true);
  const corpus = loadCorpus(dir);
  truth = corpus.truth;
  roleName = new Map(corpus.files.map((f) => [f.role, f.name]));
  fs.renameSync(path.join(dir, 'truth.json'), path.join(os.tmpdir(), `mll-truth-${process.pid}.json`));
  client = await startServer(dir);
  await client.indexed();
  all = await client.request<Result>('mailLogs/messages', {});
});
after(async () => {
  await client.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.join(os.tmpdir(), `mll-truth-${process.pid}.json`), { force: true });
});

const eventKey = (e: Event) => `${path.basename(fileURLToPath(e.uri))}:${e.range.start.line}`;
const truthKeys = (t: TruthMessage) => t.lines.map(([role, line]) => `${roleName.get(role)}:${line}`).sort();

test('without a filter every message of the download is listed, each with exactly its lines', () => {
  assert.equal(all.total, all.messages.length);
  const byFirstLine = new Map<string, Msg>();
  for (const m of all.messages) for (const e of m.events!) byFirstLine.set(eventKey(e), m);
  let right = 0;
  const wrong: string[] = [];
  for (const t of truth) {
    const keys = truthKeys(t);
    const m = byFirstLine.get(keys[0]);
    const got = m ? m.events!.map(eventKey).sort() : [];
    if (m && m.outcome === t.outcome && JSON.stringify(got) === JSON.stringify(keys)) right++;
    else wrong.push(`#${t.id} ${t.scenario}`);
  }
  // The correlation itself is held to 99.5% elsewhere; the protocol must not lose anything on top.
  assert.ok(right >= truth.length * 0.995, `${right}/${truth.length} messages exact; wrong: ${wrong.slice(0, 5).join(', ')}`);
  const lines = all.messages.reduce((n, m) => n + m.events!.length, 0);
  const truthLines = truth.reduce((n, t) => n + t.lines.length, 0);
  assert.equal(lines, truthLines, 'every line of every message appears once');
  assert.ok(Math.abs(all.total - truth.length) <= truth.length * 0.005, `${all.total} messages listed, ${truth.length} in the download`);
});

test('events are in time order, carry ISO times with the offset, the line text and its range', () => {
  const text = new Map<string, string[]>();
  const linesOf = (u: string) => {
    let l = text.get(u);
    if (!l) text.set(u, (l = fs.readFileSync(fileURLToPath(u), 'utf8').split(/\r?\n/)));
    return l;
  };
  for (const m of all.messages) {
    assert.match(m.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+01:00$/, 'the generator runs the server at UTC+1');
    const times = m.events!.map((e) => Date.parse(e.time));
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] <= times[i], `events of ${m.id} in time order`);
    for (const e of m.events!) {
      assert.equal(e.text, linesOf(e.uri)[e.range.start.line].replace(/^\uFEFF/, ''));
      assert.equal(e.range.end.character, e.text.length);
      assert.match(e.kind, /^(smtp|delivery|spamdyke)(\.|$)/);
      assert.ok(e.summary.length > 0);
    }
  }
  const queued = all.messages.flatMap((m) => m.events!).find((e) => e.kind === 'smtp.resp' && / qp \d+/.test(e.text));
  assert.ok(queued && /^queued/.test(queued.summary), 'the queueing reply reads as queued');
});

test('messages are listed oldest first by default and newest first on request', async () => {
  const times = all.messages.map((m) => Date.parse(m.time)).filter((t) => !Number.isNaN(t));
  for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] <= times[i]);
  const newest = await client.request<Result>('mailLogs/messages', { order: 'newest', events: false, limit: 5 });
  assert.deepEqual(newest.messages.map((m) => m.id), all.messages.slice(-5).reverse().map((m) => m.id));
  assert.equal(newest.messages[0].events, undefined, 'events: false leaves them out');
});

test('paging returns consecutive slices with the full total', async () => {
  const pages: Msg[] = [];
  for (let offset = 0; offset < all.total; offset += 70) {
    const page = await client.request<Result>('mailLogs/messages', { offset, limit: 70, events: false });
    assert.equal(page.total, all.total);
    assert.ok(page.messages.length <= 70);
    pages.push(...page.messages);
  }
  assert.deepEqual(pages.map((m) => m.id), all.messages.map((m) => m.id));
});

test('one message by id, and a stale id is refused', async () => {
  const target = all.messages[42];
  const one = await client.request<Result>('mailLogs/messages', { ids: [target.id] });
  assert.deepEqual(one.messages, [target]);
  const [version, index] = target.id.split(':');
  await assert.rejects(client.request('mailLogs/messages', { ids: [`${Number(version) + 1}:${index}`] }), (e: { code: number }) => e.code === -32801);
});

test('the text filter matches addresses, domains, IPs, qp and delivery ids', async () => {
  const sample = all.messages.find((m) => m.recipients.length && m.events!.some((e) => e.kind === 'delivery.try') && m.events!.some((e) => / qp \d+/.test(e.text)))!;
  const rcpt = sample.recipients[0];
  const domain = rcpt.split('@')[1];
  const expected = (pred: (m: Msg) => boolean) => all.messages.filter(pred).map((m) => m.id);
  const byText = async (text: string) => (await client.request<Result>('mailLogs/messages', { filter: { text }, events: false })).messages.map((m) => m.id);

  const withDomain = await byText(domain.toUpperCase());
  assert.ok(withDomain.includes(sample.id));
  assert.deepEqual(withDomain, expected((m) => [m.sender ?? '', ...m.recipients].some((a) => a.toLowerCase().includes(domain.toLowerCase()))
    || m.events!.some((e) => e.kind.startsWith('spamdyke') && e.text.toLowerCase().includes(`origin_ip: ${domain}`))));

  const qp = / qp (\d+)/.exec(sample.events!.find((e) => / qp \d+/.test(e.text))!.text)![1];
  assert.ok((await byText(`qp ${qp}`)).includes(sample.id));
  const deliveryId = sample.events!.find((e) => e.kind === 'delivery.try')!.text.split(', ')[2];
  assert.ok((await byText(deliveryId)).includes(sample.id));

  const spam = all.messages.find((m) => m.events!.some((e) => /origin_ip: [\d.]+/.test(e.text)))!;
  const ip = /origin_ip: ([\d.]+)/.exec(spam.events!.find((e) => /origin_ip: [\d.]+/.test(e.text))!.text)![1];
  const byIp = await byText(ip);
  assert.ok(byIp.includes(spam.id));
  assert.ok(byIp.length < all.total);
  assert.deepEqual(await byText('no-such-thing.invalid'), []);
});

test('outcome and time range filters', async () => {
  const failed = await client.request<Result>('mailLogs/messages', { filter: { outcomes: ['failed', 'rejected-spamdyke'] }, events: false });
  assert.deepEqual(failed.messages.map((m) => m.id), all.messages.filter((m) => m.outcome === 'failed' || m.outcome === 'rejected-spamdyke').map((m) => m.id));
  const truthCount = truth.filter((t) => t.outcome === 'failed' || t.outcome === 'rejected-spamdyke').length;
  assert.ok(Math.abs(failed.total - truthCount) <= 2, `${failed.total} vs ${truthCount} in the truth`);

  const mid = all.messages[Math.floor(all.total / 2)];
  const last = all.messages[all.total - 1];
  const range = await client.request<Result>('mailLogs/messages', { filter: { from: mid.time, to: last.time }, events: false });
  assert.deepEqual(range.messages.map((m) => m.id), all.messages.filter((m) => Date.parse(m.time) >= Date.parse(mid.time) && Date.parse(m.time) <= Date.parse(last.time)).map((m) => m.id));
  // The same instant written in UTC selects the same messages.
  const utc = new Date(Date.parse(mid.time)).toISOString().replace(/\.\d+Z$/, 'Z');
  const rangeUtc = await client.request<Result>('mailLogs/messages', { filter: { from: utc, to: last.time }, events: false });
  assert.equal(rangeUtc.total, range.total);
});

test('facets count by outcome and day; `at` finds the message of a line and its rank', async () => {
  const f = await client.request<Result>('mailLogs/messages', { facets: true, limit: 0 });
  assert.equal(f.messages.length, 0);
  const counts: Record<string, number> = {};
  for (const m of all.messages) counts[m.outcome] = (counts[m.outcome] ?? 0) + 1;
  assert.deepEqual(f.counts, counts);
  assert.equal(f.days!.reduce((n, d) => n + d.count, 0), all.total);

  const target = all.messages[123];
  const line = target.events![target.events!.length - 1];
  const at = await client.request<Result>('mailLogs/messages', { at: { uri: line.uri, line: line.range.start.line }, order: 'newest', events: false });
  assert.equal(at.messages[0].id, target.id);
  assert.equal(at.position, all.total - 1 - 123);

  const smtp = all.messages.find((m) => m.events!.some((e) => e.kind.startsWith('smtp')))!;
  const smtpUri = smtp.events!.find((e) => e.kind.startsWith('smtp'))!.uri;
  const inFile = await client.request<Result>('mailLogs/messages', { filter: { uri: smtpUri }, events: false });
  assert.deepEqual(inFile.messages.map((m) => m.id), all.messages.filter((m) => m.events!.some((e) => e.uri === smtpUri)).map((m) => m.id));
  assert.equal((await client.request<Result>('mailLogs/messages', { filter: { uri: uri(path.join(dir, 'nothing.log')) } })).total, 0);
});
