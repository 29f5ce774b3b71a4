import * as v8 from 'v8';
import * as vm from 'vm';

/**
 * A full garbage collection, for batch runs (the CLI): a scan leaves tens of MB of dead
 * buffers that V8 would otherwise keep until its heap grows, and they add to the peak memory.
 */
export function collectGarbage(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  } catch {
    // Not available on this runtime: the peak is only higher.
  }
}

/**
 * Keeps V8's young generation at its starting size, for batch runs (the CLI). Scanning and
 * correlation make short-lived garbage; V8 grows the young generation from 1 to 16 MB
 * semi-spaces for it, which raised the CLI's peak by about 16 MiB on the bench download and did
 * not make it faster. The language server keeps V8's default: with it, its requests answered
 * slightly faster. V8's flags belong to the process, and starting a worker thread resets them,
 * so a worker of a batch run calls this again when it starts. A runtime that ignores the flag
 * only uses more memory.
 */
export function keepYoungGenerationSmall(): void {
  try {
    v8.setFlagsFromString('--semi-space-growth-factor=1');
  } catch {
    // See above.
  }
}
