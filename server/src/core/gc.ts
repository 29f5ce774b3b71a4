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
