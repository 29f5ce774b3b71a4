// Entry of a scan worker thread (see core/parallelScan.ts).
import { parentPort, workerData } from 'worker_threads';
import { keepYoungGenerationSmall } from './core/gc';
import { scanInThisThread, transferables, ScanWorkerData } from './core/parallelScan';

const data = workerData as ScanWorkerData;
if (data.smallYoungGeneration) keepYoungGenerationSmall();
scanInThisThread(data.jobs).then(
  (out) => parentPort!.postMessage(out, transferables(out.results.map((r) => r.parsed))),
  (e) => parentPort!.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) }),
);
