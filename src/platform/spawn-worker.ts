/**
 * Starts the package's worker entry (dist/worker.js) and wraps it with comlink. The parent side
 * of src/platform/worker-endpoint.ts: Node runs the entry as a worker_threads Worker behind
 * comlink's node adapter; Deno and browsers run a module Web Worker, which is already an endpoint.
 */
import { wrap, releaseProxy, type Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { env } from '../env.ts';
import type { WorkerApi } from '../worker.ts';

export interface SpawnedWorker {
  /** The worker's API; every call returns a promise. Call `init()` first. */
  readonly api: Remote<WorkerApi>;
  /**
   * Rejects if the worker fails to load or throws outside a call. Comlink calls never settle in
   * that case, so race them against this to turn a hang into an error.
   */
  readonly failed: Promise<never>;
  /** Stops the worker; pending calls never settle. */
  terminate(): Promise<void>;
}

/**
 * The worker entry next to the bundle. Resolved against dist/index.js, the file this code is
 * bundled into (rollup.config.mjs keeps the library a single file for this). Pass `url` where a
 * bundler moved the worker elsewhere.
 */
const defaultWorkerUrl = (): URL => new URL('./worker.js', import.meta.url);

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

function nodeWorkerThreads(): typeof import('node:worker_threads') {
  // Not a static `node:` import, which browser bundlers reject.
  const proc = (globalThis as unknown as { process: NodeProcess }).process;
  const threads = proc.getBuiltinModule?.('node:worker_threads');
  if (!threads) throw new Error('slimprune workers need Node >= 20.16 (process.getBuiltinModule); upgrade Node');
  return threads as typeof import('node:worker_threads');
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}

/**
 * Starts one worker. Send it the kernels once with `api.init(await compileKernels())` (the module
 * compiled in this thread, so the worker only instantiates it), and `terminate()` it when done.
 */
export function spawnWorker(url: URL = defaultWorkerUrl()): SpawnedWorker {
  let fail!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  // Nobody may be listening; the rejection is reported to whoever races against it.
  failed.catch(() => undefined);
  const failure = (error: unknown): void =>
    fail(new Error(`slimprune worker ${url.href} failed: ${describe(error)}`, { cause: error }));

  if (env.IS_NODE) {
    const worker: NodeWorker = new (nodeWorkerThreads().Worker)(url);
    // A Node Worker without an 'error' listener would crash the parent process instead.
    worker.on('error', failure);
    // Node's Worker is what the adapter wraps; only its postMessage typing differs (readonly list).
    const api = wrap<WorkerApi>(nodeEndpoint(worker as unknown as Parameters<typeof nodeEndpoint>[0]));
    return {
      api,
      failed,
      async terminate() {
        api[releaseProxy]();
        await worker.terminate();
      },
    };
  }

  const worker = new Worker(url, { type: 'module' });
  worker.addEventListener('error', (event) => {
    // Handled here: Deno would otherwise end the parent process, browsers log it as uncaught.
    event.preventDefault();
    // A module that fails to load gives a plain Event without a message.
    failure(event instanceof ErrorEvent && event.message ? event : 'the worker script did not load (check the URL)');
  });
  const api = wrap<WorkerApi>(worker);
  return {
    api,
    failed,
    async terminate() {
      api[releaseProxy]();
      worker.terminate();
    },
  };
}
