/**
 * The endpoint a worker talks to its parent through, per runtime (comlink's adapter pattern):
 * Node's worker_threads `parentPort` through comlink's node adapter; Deno and browsers expose
 * the worker global scope itself. Synchronous on purpose: a comlink worker must call `expose()`
 * before any top-level await, or Deno and Chromium lose the first message.
 */
import type { Endpoint } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { env } from '../env.ts';

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

export function parentEndpoint(): Endpoint {
  if (env.IS_NODE) {
    const proc = (globalThis as unknown as { process: NodeProcess }).process;
    const threads = proc.getBuiltinModule?.('node:worker_threads') as
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
