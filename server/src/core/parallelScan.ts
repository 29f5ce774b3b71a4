// Scanning several log files at once: the files are split into bins of about equal size, one
// bin is scanned on this thread and each other bin in a worker thread. The tables come back
// as transferred buffers (no copy); only the interned strings are re-interned here.
import { Worker } from 'worker_threads';
import { Interner } from './columns';
import { LogFormat } from './entry';
import { ParsedLogFile } from './model';
import { readLogFile, ReadOptions } from './readLog';

export interface ScanJob {
  path: string;
  format: LogFormat;
  bytes: number;
}

export interface ScanOptions extends ReadOptions {
  /** Worker threads call keepYoungGenerationSmall() (core/gc.ts): for batch runs, which care for the peak. */
  smallYoungGeneration?: boolean;
}

/** What a scan worker is started with (its workerData). */
export interface ScanWorkerData {
  jobs: ScanJob[];
  smallYoungGeneration: boolean;
}

export interface ScanOutput {
  results: Array<{ path: string; parsed: ParsedLogFile }>;
  strings: string[];
}

/** The body of a scan worker: scans its jobs and reports tables plus its interned strings. */
export async function scanInThisThread(jobs: ScanJob[], strings = new Interner(), options: ScanOptions = {}): Promise<ScanOutput> {
  const results: ScanOutput['results'] = [];
  for (const job of jobs) {
    results.push({ path: job.path, parsed: await readLogFile(job.path, job.format, strings, options) });
  }
  return { results, strings: strings.values };
}

/** Every ArrayBuffer behind the typed arrays of a parse result, once each. */
export function transferables(parsed: ParsedLogFile[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const visit = (value: unknown) => {
    if (ArrayBuffer.isView(value)) buffers.add(value.buffer as ArrayBuffer);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) visit(v);
  };
  parsed.forEach(visit);
  return [...buffers];
}

/** Rewrites the string ids of a worker's tables into this thread's interner. */
function reintern(parsed: ParsedLogFile, map: Int32Array): void {
  const remap = (col: Int32Array | undefined) => {
    if (!col) return;
    for (let i = 0; i < col.length; i++) if (col[i] >= 0) col[i] = map[col[i]];
  };
  remap(parsed.smtp?.sender);
  remap(parsed.smtp?.rcptAddress);
  remap(parsed.delivery?.sender);
  remap(parsed.delivery?.attRecipient);
  remap(parsed.spamdyke?.verdict);
  remap(parsed.spamdyke?.sender);
  remap(parsed.spamdyke?.recipient);
  remap(parsed.spamdyke?.ip);
}

/**
 * Relative scanning cost per byte, measured with --cpu-prof: delivery lines are short, so a
 * byte of them costs more; spamdyke lines are long and cost less. A worker also starts later
 * than this thread, because it loads its code first; that is worth a few MB of scanning.
 */
const COST_PER_BYTE: Record<LogFormat, number> = { smtp: 1, delivery: 1.15, spamdyke: 0.95 };
const WORKER_START_BYTES = 7 * 1024 * 1024;

/** Splits jobs into `count` bins of about equal cost, largest first; bin 0 runs on this thread. */
export function binJobs(jobs: ScanJob[], count: number): ScanJob[][] {
  const bins: ScanJob[][] = Array.from({ length: count }, () => []);
  const costs = Array.from({ length: count }, (_, i) => (i === 0 ? 0 : WORKER_START_BYTES));
  const cost = (j: ScanJob) => j.bytes * COST_PER_BYTE[j.format];
  for (const job of [...jobs].sort((a, b) => cost(b) - cost(a))) {
    let i = 0;
    for (let k = 1; k < count; k++) if (costs[k] < costs[i]) i = k;
    bins[i].push(job);
    costs[i] += cost(job);
  }
  return bins;
}

/**
 * Scans the jobs with `workers` extra threads (0: all here). `workerScript` is the bundled
 * worker entry. Results come back in job order, with ids of `strings`.
 */
export async function scanFiles(jobs: ScanJob[], strings: Interner, workers: number, workerScript: string, options: ScanOptions = {}): Promise<Array<{ path: string; parsed: ParsedLogFile }>> {
  const threads = Math.max(1, Math.min(workers + 1, jobs.length));
  const bins = binJobs(jobs, threads);
  const remote = bins.slice(1).map((bin) => new Promise<ScanOutput>((resolve, reject) => {
    const workerData: ScanWorkerData = { jobs: bin, smallYoungGeneration: options.smallYoungGeneration === true };
    const worker = new Worker(workerScript, { workerData });
    worker.once('message', (m: ScanOutput | { error: string }) => ('error' in m ? reject(new Error(m.error)) : resolve(m)));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`scan worker exited with ${code}`)));
  }));
  const local = await scanInThisThread(bins[0], strings, options);
  const byPath = new Map(local.results.map((r) => [r.path, r.parsed]));
  for (const out of await Promise.all(remote)) {
    const map = new Int32Array(out.strings.length);
    out.strings.forEach((s, i) => (map[i] = strings.id(s)));
    for (const r of out.results) {
      reintern(r.parsed, map);
      byPath.set(r.path, r.parsed);
    }
  }
  return jobs.map((j) => ({ path: j.path, parsed: byPath.get(j.path)! }));
}
