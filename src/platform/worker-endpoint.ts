/**
 * The worker side of the platform layer. `parentEndpoint()`: the endpoint a worker talks to its
 * parent through, per runtime (comlink's adapter pattern): Node's worker_threads `parentPort`
 * through comlink's node adapter; Deno and browsers expose the worker global scope itself.
 * Synchronous on purpose: a comlink worker must call `expose()` before any top-level await, or
 * Deno and Chromium lose the first message. `exitWorker()`: ends this worker thread (only).
 */
import type { Endpoint } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { env } from '../env.ts';

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  exit(code?: number): never;
}

const nodeProcess = (): NodeProcess => (globalThis as unknown as { process: NodeProcess }).process;

/**
 * Posted by a Deno or browser worker that ends itself (see `exitWorker`). It carries no `id`, so
 * comlink's listeners ignore it; src/platform/spawn-worker.ts turns it into a worker failure.
 */
export interface WorkerExitNotice {
  readonly type: 'slimprune:exit';
  readonly code: number;
  readonly reason: string;
}

export function isWorkerExitNotice(data: unknown): data is WorkerExitNotice {
  return (data as { type?: unknown } | null)?.type === 'slimprune:exit';
}

export function parentEndpoint(): Endpoint {
  if (env.IS_NODE) {
    const threads = nodeProcess().getBuiltinModule?.('node:worker_threads') as
      | { parentPort: Parameters<typeof nodeEndpoint>[0] | null }
      | undefined;
    if (!threads) {
      throw new Error('slimprune workers need Node >= 20.16 (process.getBuiltinModule); upgrade Node');
    }
    if (!threads.parentPort) throw new Error('slimprune/worker must be started as a worker_threads Worker');
    return nodeEndpoint(threads.parentPort);
  }
  return globalThis as unknown as Endpoint;
}

/**
 * Ends this worker thread, not the process. Node: `process.exit()` in a worker_threads Worker
 * stops that thread and the parent sees an 'exit' event with the code. Deno and browsers:
 * `self.close()` ends the worker without any event at the parent, so the worker first posts a
 * `WorkerExitNotice` on its global scope, the endpoint (the same channel as its results, so it arrives after every
 * message posted before it). A worker that dies without saying so (a browser killing it) is
 * only caught by a timeout.
 */
export function exitWorker(code: number, reason: string): void {
  if (env.IS_NODE) nodeProcess().exit(code);
  const notice: WorkerExitNotice = { type: 'slimprune:exit', code, reason };
  (globalThis as unknown as Endpoint).postMessage(notice);
  // The current task still runs to its end after close(): callers must return without effects.
  (globalThis as unknown as { close(): void }).close();
}
