// `npm run bench`: indexing speed and memory against lnav, and LSP request latency, on a
// generated corpus of about 130 MB (120,000 messages in five files).
//   node out/bench/bench.js [--messages N] [--seed N] [--runs N] [--no-lnav] [--no-lsp] [--live-only] [--out DIR]
// --live-only: of the LSP part, only the live-log scenario (a log written while the server runs).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateCorpus } from '../test/corpus/generator';
import { startServer, uri } from '../test/protocol/lspClient';

const root = path.resolve(__dirname, '../..');
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const messages = Number(opt('--messages', '120000'));
const seed = Number(opt('--seed', '1'));
const runs = Number(opt('--runs', '5'));
const dir = path.resolve(opt('--out', path.join(root, '.bench', `corpus-${seed}-${messages}`)));

interface Measure { seconds: number; maxRssMiB: number }

/** Wall time and peak resident memory of a command, from GNU time. */
function measure(cmd: string[], env: NodeJS.ProcessEnv = process.env): Measure & { stdout: string } {
  const timeOut = path.join(os.tmpdir(), `mll-time-${process.pid}.txt`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeOut, ...cmd], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr}`);
  const [secs, kib] = fs.readFileSync(timeOut, 'utf8').trim().split(/\s+/).map(Number);
  fs.rmSync(timeOut, { force: true });
  return { seconds: secs, maxRssMiB: kib / 1024, stdout: r.stdout };
}

function dropCaches(): boolean {
  try {
    execFileSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function haveCommand(c: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(dir, '.complete'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    const t0 = Date.now();
    generateCorpus(dir, { seed, messages }, false);
    fs.writeFileSync(path.join(dir, '.complete'), '');
    console.log(`generated the corpus in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const files = fs.readdirSync(dir).filter((n) => !n.startsWith('.') && n !== 'truth.json').map((n) => path.join(dir, n));
  const bytes = files.reduce((a, f) => a + fs.statSync(f).size, 0);
  const mb = bytes / 1e6;
  console.log(`corpus: ${files.length} files, ${mb.toFixed(1)} MB, ${messages.toLocaleString('en-US')} messages (seed ${seed}) in ${path.relative(process.cwd(), dir) || dir}`);
  if (!fs.existsSync('/usr/bin/time')) throw new Error('GNU time is needed: apt-get install time');

  const cli = [process.execPath, path.join(root, 'server/out/cli.js'), 'stats', '--json', dir];
  const results: Array<{ name: string; cold: Measure; warm: Measure[] }> = [];
  const ours = { name: 'Mail Log Lens cli.js stats', run: () => measure(cli) };
  const tools: Array<{ name: string; run: () => Measure }> = [ours];
  let lnavCleanup = () => {};
  if (!args.includes('--no-lnav')) {
    if (!haveCommand('lnav')) {
      console.log('lnav not installed (apt-get install lnav): skipping the comparison');
    } else {
      const version = execFileSync('lnav', ['-V'], { encoding: 'utf8' }).trim();
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-lnav-home-'));
      const lnav = ['lnav', '-N', '-I', path.join(root, 'bench/lnav'), '-n', '-q', '-c', ';SELECT log_format, count(*) FROM all_logs GROUP BY log_format', ...files];
      const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
      // Prove that lnav parses every file with our formats, not as plain text.
      const check = measure(lnav.filter((a) => a !== '-q'), env).stdout;
      for (const fmt of ['qmail_smtp_log', 'qmail_delivery_log', 'spamdyke_log']) {
        if (!check.includes(fmt)) throw new Error(`lnav did not recognise ${fmt}:\n${check}`);
      }
      tools.push({ name: `${version} (custom formats)`, run: () => measure(lnav, env) });
      lnavCleanup = () => fs.rmSync(home, { recursive: true, force: true });
    }
  }
  // Each tool's cold run comes right after dropping the page cache. The warm runs alternate
  // between the tools, so that this machine's drift from minute to minute hits both alike.
  let cold = true;
  const measured = tools.map((t) => {
    cold = dropCaches() && cold;
    return { name: t.name, cold: t.run(), warm: [] as Measure[] };
  });
  for (let i = 1; i < runs; i++) tools.forEach((t, k) => measured[k].warm.push(t.run()));
  results.push(...measured);
  lnavCleanup();
  const stats = JSON.parse(measure(cli).stdout);

  console.log(`\nIndexing ${mb.toFixed(1)} MB (${cold ? 'first run after dropping the page cache' : 'page cache could not be dropped: first run is warm'}; then the median of ${runs - 1} warm runs)`);
  console.log(`${'tool'.padEnd(34)} ${'cold s'.padStart(8)} ${'MB/s'.padStart(8)} ${'warm s'.padStart(8)} ${'MB/s'.padStart(8)} ${'peak RSS MiB'.padStart(13)}`);
  for (const r of results) {
    const warm = r.warm.length ? median(r.warm.map((m) => m.seconds)) : r.cold.seconds;
    const rss = Math.max(r.cold.maxRssMiB, ...r.warm.map((m) => m.maxRssMiB));
    console.log(`${r.name.padEnd(34)} ${r.cold.seconds.toFixed(2).padStart(8)} ${(mb / r.cold.seconds).toFixed(0).padStart(8)} ${warm.toFixed(2).padStart(8)} ${(mb / warm).toFixed(0).padStart(8)} ${rss.toFixed(0).padStart(13)}`);
  }
  if (results.length === 2) {
    const [a, b] = results;
    const wa = median([a.cold.seconds, ...a.warm.map((m) => m.seconds)]);
    const wb = median([b.cold.seconds, ...b.warm.map((m) => m.seconds)]);
    const ra = Math.max(a.cold.maxRssMiB, ...a.warm.map((m) => m.maxRssMiB));
    const rb = Math.max(b.cold.maxRssMiB, ...b.warm.map((m) => m.maxRssMiB));
    console.log(`speed: ${(wb / wa).toFixed(2)}x lnav (target >= 2x); peak memory: ${(ra / rb).toFixed(2)}x lnav's (target <= 1x)`);
  }
  console.log(`messages found: ${stats.messages.toLocaleString('en-US')}; unparsed lines: ${stats.unparsedLines}; ambiguous links: ${stats.ambiguousLinks}`);

  if (!args.includes('--no-lsp')) {
    if (!args.includes('--live-only')) await lspLatency(dir, files);
    await liveLog(files);
  }
}

/** p50/p99 of hover, definition and references at random positions, through the stdio server. */
async function lspLatency(folder: string, files: string[]): Promise<void> {
  const t0 = Date.now();
  const client = await startServer(folder, { configuration: { diagnostics: 'none' } });
  await client.indexed();
  // The first request builds the snapshot (correlation); it is timed separately.
  const first = Date.now();
  await client.request('textDocument/references', { textDocument: { uri: uri(files[0]) }, position: { line: 0, character: 0 }, context: { includeDeclaration: true } });
  console.log(`\nLSP server: indexed the folder in ${((first - t0) / 1000).toFixed(1)} s, first correlation ${((Date.now() - first) / 1000).toFixed(2)} s`
    + `${memoryOf(client.process.pid, 'VmRSS', ', then holds')}`);
  const lineCounts = files.map((f) => {
    const buf = fs.readFileSync(f);
    let n = 0;
    for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
    return n;
  });
  let state = 12345;
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const samples = 2000;
  const methods: Array<[string, (u: string, line: number) => unknown]> = [
    ['textDocument/hover', (u, line) => ({ textDocument: { uri: u }, position: { line, character: 30 } })],
    ['textDocument/definition', (u, line) => ({ textDocument: { uri: u }, position: { line, character: 5 } })],
    ['textDocument/references', (u, line) => ({ textDocument: { uri: u }, position: { line, character: 5 }, context: { includeDeclaration: true } })],
  ];
  console.log(`${'request'.padEnd(26)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}  (${samples} random lines, target p99 <= 5 ms)`);
  for (const [method, params] of methods) {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const f = rand(files.length);
      const line = rand(Math.max(1, lineCounts[f]));
      const start = process.hrtime.bigint();
      await client.request(method, params(uri(files[f]), line));
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    console.log(`${method.padEnd(26)} ${percentile(times, 50).toFixed(2).padStart(8)} ${percentile(times, 99).toFixed(2).padStart(8)} ${Math.max(...times).toFixed(2).padStart(8)}`);
  }
  // The timeline's requests on the whole download: a page of messages, a text filter, one
  // message's events (what the tree asks when a message is expanded).
  const timed = async (label: string, params: unknown) => {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      const r = await client.request<{ total: number }>('mailLogs/messages', params);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      total = r.total;
    }
    console.log(`${label.padEnd(48)} ${Math.min(...times).toFixed(1).padStart(8)} ${Math.max(...times).toFixed(1).padStart(8)}  (${total.toLocaleString('en-US')} matching)`);
  };
  console.log(`\n${'mailLogs/messages'.padEnd(48)} ${'min ms'.padStart(8)} ${'max ms'.padStart(8)}  (5 runs)`);
  await timed('first 500 of all, newest first, no events', { order: 'newest', offset: 0, limit: 500, events: false });
  await timed('text filter "example.org", first 500', { filter: { text: 'example.org' }, limit: 500, events: false });
  await timed('outcome filter "failed", with events', { filter: { outcomes: ['failed'] }, limit: 500 });
  const peak = memoryOf(client.process.pid, 'VmHWM', 'LSP server: peak memory over all of the above');
  if (peak) console.log(peak);
  await client.close();
}

/** CPU seconds a process has used so far, from /proc (Linux); NaN where /proc is not there. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * A log that is being written: one SMTP transaction is appended to the port-25 log every 100 ms
 * for 10 s, each followed by a file-change notification, on a copy of the download. Prints the
 * CPU the server used meanwhile and how long after the last append its answers include it.
 */
async function liveLog(files: string[]): Promise<void> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-live-'));
  try {
    for (const f of files) fs.copyFileSync(f, path.join(copy, path.basename(f)));
    const smtp = path.join(copy, 'smtp_25.log');
    if (!fs.existsSync(smtp)) return;
    const client = await startServer(copy, { configuration: { diagnostics: 'none' } });
    await client.indexed();
    const lastLine = () => fs.readFileSync(smtp).toString('latin1').split('\n').length - 2;
    const refsOf = (line: number) => client.request<unknown[]>('textDocument/references', { textDocument: { uri: uri(smtp) }, position: { line, character: 5 }, context: { includeDeclaration: true } });
    await refsOf(0);
    const cpu0 = cpuSeconds(client.process.pid);
    const t0 = Date.now();
    let n = 0;
    while (Date.now() - t0 < 10000) {
      const at = `2030-01-01 00:00:${String(n % 60).padStart(2, '0')}`;
      fs.appendFileSync(smtp, `${at}, from, live${n}@elsewhere.example.net\n${at}, resp, 250 ok\n${at}, to, <r${n}@example.com>\n${at}, resp, 554 no\n\n`);
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(smtp), type: 2 }] });
      n++;
      await new Promise((r) => setTimeout(r, 100));
    }
    const appended = Date.now();
    const target = lastLine() - 1;
    let caughtUp = NaN;
    while (Date.now() - appended < 60000) {
      if ((await refsOf(target)).length === 4) {
        caughtUp = Date.now() - appended;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // Then until the server has been idle for half a second: work queued before still counts.
    let last = cpuSeconds(client.process.pid), idleSince = Date.now();
    while (Date.now() - idleSince < 500 && Date.now() - appended < 120000) {
      await new Promise((r) => setTimeout(r, 100));
      const now = cpuSeconds(client.process.pid);
      if (now > last + 0.02) idleSince = Date.now();
      last = now;
    }
    const busy = (idleSince - appended) / 1000;
    const cpu = last - cpu0;
    console.log(`\nlive log: ${n} appends to the ${(fs.statSync(smtp).size / 1e6).toFixed(0)} MB port-25 log over 10 s (a transaction every 100 ms):`);
    console.log(`  the last append answered ${Number.isNaN(caughtUp) ? 'not within 60 s' : `${(caughtUp / 1000).toFixed(1)} s after it was written`}; the server busy until ${busy.toFixed(1)} s after it, using ${cpu.toFixed(1)} s of CPU in all`);
    await client.close();
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** A process's memory figure from /proc (Linux), as text; '' where /proc is not there. */
function memoryOf(pid: number | undefined, field: 'VmRSS' | 'VmHWM', label: string): string {
  try {
    const kib = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kib) ? `${label} ${(kib / 1024).toFixed(0)} MiB` : '';
  } catch {
    return '';
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
