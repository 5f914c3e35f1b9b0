/**
 * Starts the package's worker entry (dist/worker.js) and wraps it with comlink. The parent side
 * of src/platform/worker-endpoint.ts: Node runs the entry as a worker_threads Worker behind
 * comlink's node adapter; Deno and browsers run a module Web Worker, which is already an endpoint.
 * This adapter also normalises how each runtime reports a dead worker (`failed`), passes on the
 * worker's own messages that are not comlink's (`onNotice`), and lets an idle worker stop keeping
 * a Node process alive (`setBusy`).
 */
import { wrap, releaseProxy, type Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { env } from '../env.ts';
import { isWorkerExitNotice } from './worker-endpoint.ts';

export interface SpawnedWorker<Api = unknown> {
  /** The worker's API (what its entry exposes with comlink); every call returns a promise. */
  readonly api: Remote<Api>;
  /**
   * Rejects if the worker fails to load, throws outside a call, or ends (Node: any 'exit' not
   * caused by `terminate()`; Deno and browsers: the notice of src/platform/worker-endpoint.ts's
   * `exitWorker`). Comlink calls never settle in that case, so race them against this to turn a
   * hang into an error.
   */
  readonly failed: Promise<never>;
  /**
   * Calls `listener` with every message the worker posts that is not a comlink reply (those carry
   * an `id`), in the order posted: the side channel of src/pool/protocol.ts.
   */
  onNotice(listener: (data: unknown) => void): void;
  /**
   * Whether the worker runs something the parent waits for. Node: an idle worker is unref'd, so
   * it does not keep the process alive on its own; Deno and browsers have no such notion.
   */
  setBusy(busy: boolean): void;
  /** Stops the worker; pending calls never settle. */
  terminate(): Promise<void>;
}

/**
 * The worker entry next to the bundle. Resolved against the file of dist/ this code is
 * bundled into (rollup.config.mjs writes every chunk to dist/ itself for this). Pass `url` where a
 * bundler moved the worker elsewhere.
 */
const defaultWorkerUrl = (): URL => new URL('./worker.js', import.meta.url);

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  execArgv: string[];
}

/**
 * A worker inherits the parent's Node options, and `--input-type` (as in
 * `node --input-type=module -e '...'`) makes Node refuse to load a worker from a file
 * (ERR_INPUT_TYPE_NOT_ALLOWED). Returns the options without it, or undefined (inherit) when it is
 * absent, so no other option is ever re-validated.
 */
function workerExecArgv(): string[] | undefined {
  const argv = (globalThis as unknown as { process: NodeProcess }).process.execArgv;
  if (!argv.some((a) => a === '--input-type' || a.startsWith('--input-type='))) return undefined;
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--input-type') i++; // and its value
    else if (!argv[i]!.startsWith('--input-type=')) kept.push(argv[i]!);
  }
  return kept;
}

/** Node's worker_threads module (also for src/platform/script-thread.ts). */
export function nodeWorkerThreads(): typeof import('node:worker_threads') {
  // Not a static `node:` import, which browser bundlers reject.
  const proc = (globalThis as unknown as { process: NodeProcess }).process;
  const threads = proc.getBuiltinModule?.('node:worker_threads');
  if (!threads) throw new Error('slimprune workers need Node >= 20.16 (process.getBuiltinModule); upgrade Node');
  return threads as typeof import('node:worker_threads');
}

function describe(error: unknown): string {
  if (typeof ErrorEvent === 'function' && error instanceof ErrorEvent) {
    // Browsers give a message and a location but no stack for an error inside a worker.
    const where = error.filename ? ` (at ${error.filename}:${error.lineno}:${error.colno})` : '';
    return `${error.message}${where}`;
  }
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}

/** A comlink reply (see comlink's `wrap`): everything else the worker posts is a notice. */
const isComlinkReply = (data: unknown): boolean => Boolean((data as { id?: unknown } | null)?.id);

/**
 * Starts one worker running the entry at `url` (default: the package's worker.js, whose API is the
 * pool's WorkerApi). Send it the kernels once with `api.init(await compileKernels())` (the module
 * compiled in this thread, so the worker only instantiates it), and `terminate()` it when done.
 */
export function spawnWorker<Api>(url: URL = defaultWorkerUrl()): SpawnedWorker<Api> {
  let fail!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  // Nobody may be listening; the rejection is reported to whoever races against it.
  failed.catch(() => undefined);
  let terminated = false;
  const failure = (error: unknown): void => {
    if (terminated) return;
    fail(new Error(`slimprune worker ${url.href} failed: ${describe(error)}`, { cause: error }));
  };
  const listeners: ((data: unknown) => void)[] = [];
  const onMessage = (data: unknown): void => {
    if (isComlinkReply(data)) return;
    if (isWorkerExitNotice(data)) {
      failure(`it ended itself (code ${data.code}): ${data.reason}`);
      return;
    }
    for (const listener of listeners) listener(data);
  };

  if (env.IS_NODE) {
    const worker: NodeWorker = new (nodeWorkerThreads().Worker)(url, { execArgv: workerExecArgv() });
    // A Node Worker without an 'error' listener would crash the parent process instead.
    worker.on('error', failure);
    // An uncaught error is followed by 'exit' (already reported); process.exit() in the worker
    // gives only this.
    worker.on('exit', (code) => failure(`it exited with code ${code}`));
    worker.on('message', onMessage);
    // Node's Worker is what the adapter wraps; only its postMessage typing differs (readonly list).
    const api = wrap<Api>(nodeEndpoint(worker as unknown as Parameters<typeof nodeEndpoint>[0]));
    return {
      api,
      failed,
      onNotice: (listener) => void listeners.push(listener),
      setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
      async terminate() {
        if (terminated) return;
        terminated = true;
        api[releaseProxy]();
        await worker.terminate();
      },
    };
  }

  if (typeof Worker !== 'function') {
    throw new Error(`slimprune workers need worker_threads or Web Workers, which this runtime (${env.runtime}) does not provide; run with workers: 1`);
  }
  const worker = new Worker(url, { type: 'module' });
  worker.addEventListener('error', (event) => {
    // Handled here: Deno would otherwise end the parent process, browsers log it as uncaught.
    event.preventDefault();
    // A module that fails to load gives a plain Event without a message.
    failure(event instanceof ErrorEvent && event.message ? event : 'the worker script did not load (check the URL)');
  });
  worker.addEventListener('messageerror', () => failure('a message from it could not be deserialised'));
  worker.addEventListener('message', (event) => onMessage(event.data));
  const api = wrap<Api>(worker);
  return {
    api,
    failed,
    onNotice: (listener) => void listeners.push(listener),
    setBusy: () => undefined,
    async terminate() {
      if (terminated) return;
      terminated = true;
      api[releaseProxy]();
      worker.terminate();
    },
  };
}
