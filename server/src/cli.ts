// Command line: `node server/out/cli.js stats PATH...` summarises mail logs without an editor.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { collectGarbage, keepYoungGenerationSmall } from './core/gc';
import { groupDigits } from './groupDigits';
import { findLogFiles, LogIndex } from './core/logIndex';
import { OUTCOMES, UtcOffset } from './core/correlate';
import { Snapshot } from './core/snapshot';
import { formatLocal, formatUtcOffset } from './core/time';

const USAGE = `usage: cli.js stats [--json] [--year YYYY] [--window SECONDS] [--workers N] [--timing] PATH...
  PATH: log files or folders holding them (any file names; the content decides)`;

export interface Stats {
  files: Array<{ path: string; format: string; port?: number; lines: number; bytes: number; unparsed: number }>;
  messages: number;
  outcomes: Record<string, number>;
  verdicts: Record<string, number>;
  /** spamdyke lines of its verbose, debug and error levels (FILTER_*, ERROR, ...): not messages. */
  spamdykeDiagnosticLines: number;
  /** Of those, the lines joined to a message by spamdyke's pid. */
  spamdykeDiagnosticsJoined: number;
  ambiguousLinks: number;
  ambiguousMessages: number;
  unparsedLines: number;
  unparsedSamples: Array<{ path: string; line: number; reason: string }>;
  /** Files that start with lines of another file of the same kind (the same log downloaded twice). */
  repeats: Array<{ path: string; lines: number; of: string; fromLine: number }>;
  /** The offset at the start of the logs (of the folder with the most queue replies). */
  utcOffsetSeconds?: number;
  utcOffsetAgreement?: string;
  /** Later offsets (a daylight-saving change), each with the local time it holds from. */
  utcOffsetChanges?: Array<{ from: string; seconds: number }>;
  /** Only when several folders (downloads, perhaps of several servers) tell an offset: each one's. */
  utcOffsetsByFolder?: Array<{ folder: string } & OffsetSummary>;
}

interface OffsetSummary {
  utcOffsetSeconds: number;
  utcOffsetAgreement: string;
  utcOffsetChanges?: Array<{ from: string; seconds: number }>;
}

function offsetSummary(o: UtcOffset): OffsetSummary {
  return {
    utcOffsetSeconds: o.periods[0].seconds,
    utcOffsetAgreement: `${o.agreeing} of ${o.total}`,
    ...(o.periods.length > 1 ? { utcOffsetChanges: o.periods.slice(1).map((p) => ({ from: formatLocal(p.fromUtc + p.seconds), seconds: p.seconds })) } : {}),
  };
}

export function computeStats(snap: Snapshot): Stats {
  const outcomes: Record<string, number> = {};
  for (const o of OUTCOMES) outcomes[o] = 0;
  let ambiguousMessages = 0;
  for (let i = 0; i < snap.messageCount; i++) outcomes[snap.outcomeOf(i)]++;
  ambiguousMessages = snap.correlation.ambiguous.size;
  const verdicts: Record<string, number> = {};
  let spamdykeDiagnosticLines = 0;
  for (const f of snap.files) {
    const y = f.parsed.spamdyke;
    // From the table, like the verdicts: a repeated line is counted once, in the file it repeats.
    spamdykeDiagnosticLines += y?.diagnostics.count ?? 0;
    for (let r = 0; y && r < y.count; r++) {
      const v = snap.correlation.strings.get(y.verdict[r]);
      verdicts[v] = (verdicts[v] ?? 0) + 1;
    }
  }
  const unparsedSamples: Stats['unparsedSamples'] = [];
  for (const f of snap.files) for (const s of f.parsed.problems.samples.slice(0, 3)) unparsedSamples.push({ path: f.path, line: s.line + 1, reason: s.reason });
  const off = snap.correlation.utcOffset;
  const byFolder = snap.correlation.utcOffsetOfFolder;
  return {
    files: snap.files.map((f) => ({ path: f.path, format: f.format, port: f.port, lines: f.parsed.lineCount, bytes: f.parsed.byteLength, unparsed: f.parsed.problems.count })),
    messages: snap.messageCount,
    outcomes,
    verdicts,
    spamdykeDiagnosticLines,
    spamdykeDiagnosticsJoined: snap.correlation.diagnosticsJoined,
    ambiguousLinks: snap.correlation.ambiguousLinks,
    ambiguousMessages,
    unparsedLines: snap.files.reduce((n, f) => n + f.parsed.problems.count, 0),
    unparsedSamples,
    repeats: snap.files.filter((f) => f.repeat).map((f) => ({ path: f.path, lines: f.repeat!.lines, of: f.repeat!.of, fromLine: f.repeat!.fromLine + 1 })),
    ...(off ? offsetSummary(off) : {}),
    ...(byFolder.size > 1 ? { utcOffsetsByFolder: [...byFolder].sort(([a], [b]) => (a < b ? -1 : 1)).map(([folder, o]) => ({ folder, ...offsetSummary(o) })) } : {}),
  };
}

const n = groupDigits;

export function renderStats(s: Stats, seconds: number): string {
  const out: string[] = [];
  const bytes = s.files.reduce((a, f) => a + f.bytes, 0);
  out.push(`${s.files.length} log files, ${(bytes / 1e6).toFixed(1)} MB, indexed in ${seconds.toFixed(2)} s`);
  for (const f of s.files) {
    const what = f.format === 'smtp' ? `smtp${f.port ? ` (port ${f.port})` : ''}` : f.format;
    out.push(`  ${what.padEnd(18)} ${n(f.lines).padStart(11)} ${f.lines === 1 ? 'line ' : 'lines'}  ${f.path}`);
  }
  out.push('', `Messages: ${n(s.messages)}`);
  for (const [k, v] of Object.entries(s.outcomes)) out.push(`  ${k.padEnd(20)} ${n(v).padStart(11)}`);
  out.push('', 'spamdyke verdicts:');
  const verdicts = Object.entries(s.verdicts).sort((a, b) => b[1] - a[1]);
  if (!verdicts.length) out.push('  (no spamdyke log)');
  for (const [k, v] of verdicts) out.push(`  ${k.padEnd(28)} ${n(v).padStart(11)}`);
  if (s.spamdykeDiagnosticLines) {
    out.push(`  and ${n(s.spamdykeDiagnosticLines)} diagnostic lines (FILTER_*, ERROR, DEBUG, ...), of which ${n(s.spamdykeDiagnosticsJoined)} joined to their connection's message`);
  }
  out.push('', `Ambiguous links: ${n(s.ambiguousLinks)} (in ${n(s.ambiguousMessages)} messages)`);
  out.push(`Unparsed lines: ${n(s.unparsedLines)}`);
  for (const u of s.unparsedSamples) out.push(`  ${u.path}:${u.line}: ${u.reason}`);
  for (const r of s.repeats) {
    out.push(`Repeated lines: lines 1-${n(r.lines)} of ${r.path} are lines ${n(r.fromLine)}-${n(r.fromLine + r.lines - 1)} of ${r.of} (the same log downloaded twice?); their messages are counted once`);
  }
  const offsetWords = (o: OffsetSummary) => {
    const changes = (o.utcOffsetChanges ?? []).map((c) => `, ${formatUtcOffset(c.seconds)} from ${c.from}`).join('');
    return `${formatUtcOffset(o.utcOffsetSeconds)}${changes}${changes ? ' (daylight saving time)' : ''} (${o.utcOffsetAgreement} queued messages agree)`;
  };
  if (s.utcOffsetsByFolder) for (const f of s.utcOffsetsByFolder) out.push(`Server UTC offset in ${f.folder}: ${offsetWords(f)}`);
  else if (s.utcOffsetSeconds !== undefined) out.push(`Server UTC offset: ${offsetWords(s as OffsetSummary)}`);
  return out.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'stats') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let json = false;
  let timing = false;
  let year: number | undefined;
  let window: number | undefined;
  let workers = Math.min(3, Math.max(0, os.cpus().length - 1));
  const paths: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') json = true;
    else if (a === '--timing') timing = true;
    else if (a === '--year') year = Number(rest[++i]);
    else if (a === '--window') window = Number(rest[++i]);
    else if (a === '--workers') workers = Math.max(0, Math.floor(Number(rest[++i])) || 0);
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    } else paths.push(a);
  }
  if (!paths.length) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let bad = false;
  for (const p of paths) {
    try {
      fs.accessSync(p, fs.constants.R_OK);
      const st = fs.statSync(p);
      if (st.isDirectory()) fs.readdirSync(p);
    } catch (e) {
      process.stderr.write(`cli.js: cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      bad = true;
    }
  }
  if (bad) return 2;
  keepYoungGenerationSmall();
  const t0 = process.hrtime.bigint();
  const since = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
  const index = new LogIndex({ defaultYear: year, windowSeconds: window, betweenPhases: collectGarbage });
  const found = await findLogFiles(paths);
  if (!found.length) {
    process.stderr.write(`cli.js: no SMTP, delivery or spamdyke log found in ${paths.join(', ')}\n`);
    return 1;
  }
  const tFound = process.hrtime.bigint();
  await index.indexFilesAs(found, workers, path.join(__dirname, 'scanWorker.js'), { smallYoungGeneration: true });
  collectGarbage();
  const tScanned = process.hrtime.bigint();
  const peakScanned = peakRssMiB();
  const snap = index.snapshot();
  const tCorrelated = process.hrtime.bigint();
  const peakCorrelated = peakRssMiB();
  const stats = computeStats(snap);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (timing) {
    process.stderr.write(`timing: find ${(Number(tFound - t0) / 1e6).toFixed(0)} ms, scan ${(Number(tScanned - tFound) / 1e6).toFixed(0)} ms (${workers} worker${workers === 1 ? '' : 's'}), `
      + `correlate ${(Number(tCorrelated - tScanned) / 1e6).toFixed(0)} ms, stats ${since(tCorrelated).toFixed(0)} ms; `
      + `peak RSS so far: after scan ${peakScanned} MiB, after correlation ${peakCorrelated} MiB, at the end ${peakRssMiB()} MiB\n`);
  }
  process.stdout.write(json ? `${JSON.stringify({ ...stats, seconds }, null, 2)}\n` : `${renderStats(stats, seconds)}\n`);
  return 0;
}

function peakRssMiB(): string {
  return (process.resourceUsage().maxRSS / 1024).toFixed(0);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.stderr.write(`cli.js: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
