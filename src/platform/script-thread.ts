/**
 * Starts a thread that runs a plain script given as a string (no imports), per runtime: a
 * worker_threads Worker evaluating it in Node, a module Web Worker from a blob URL in Deno and
 * browsers. The script defines `serve(message, ready)`; this hands it the one message and
 * resolves when it calls `ready()`. Used by the kernel threads (src/wasm/threads.ts), whose
 * helpers then talk through shared memory only.
 */
import { env } from '../env.ts';
import { nodeWorkerThreads } from './spawn-worker.ts';

export interface ScriptThread {
  /** Stops the thread, also while it waits in Atomics.wait. */
  terminate(): void;
}

/**
 * Whether this runtime can start such a thread: Node's worker_threads, or Web Workers (workerd
 * has neither that starts a thread).
 */
export function scriptThreadsAvailable(): boolean {
  return env.IS_NODE || typeof Worker === 'function';
}

export async function startScriptThread(script: string, message: unknown): Promise<ScriptThread> {
  if (env.IS_NODE) {
    const worker = new (nodeWorkerThreads().Worker)(
      `${script}\nconst { parentPort } = require('node:worker_threads');\n` +
        `parentPort.once('message', (m) => serve(m, () => parentPort.postMessage('ready')));`,
      // No inherited Node options: under `node --input-type=module` the script would be read as
      // an ES module, where `require` does not exist.
      { eval: true, execArgv: [] },
    );
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.postMessage(message);
    });
    // A thread that only waits must not keep the process alive.
    worker.unref();
    return { terminate: () => void worker.terminate() };
  }
  const source = `${script}\nself.onmessage = (e) => serve(e.data, () => self.postMessage('ready'));`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (e) => {
        e.preventDefault?.();
        reject(new Error(`slimprune thread failed to start: ${(e as ErrorEvent).message ?? e}`));
      };
      worker.postMessage(message);
    });
  } finally {
    URL.revokeObjectURL(url);
  }
  return { terminate: () => worker.terminate() };
}
