/**
 * How many threads can run at once in this runtime: the default size of a worker pool.
 * Node: `os.availableParallelism()` (which honours CPU affinity and cgroup limits; Node >= 18.14)
 * or the count of `os.cpus()`; Deno and browsers: `navigator.hardwareConcurrency`.
 */
import { env } from '../env.ts';

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

interface NodeOs {
  availableParallelism?: () => number;
  cpus(): unknown[];
}

export function hardwareConcurrency(): number {
  let count: number | undefined;
  if (env.IS_NODE) {
    // Not a static `node:` import, which browser bundlers reject.
    const proc = (globalThis as unknown as { process: NodeProcess }).process;
    const os = proc.getBuiltinModule?.('node:os') as NodeOs | undefined;
    count = os?.availableParallelism?.() ?? os?.cpus().length;
  } else {
    count = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  }
  // Browsers may hide or clamp the value (privacy settings); one thread is always there.
  return typeof count === 'number' && Number.isInteger(count) && count >= 1 ? count : 1;
}
