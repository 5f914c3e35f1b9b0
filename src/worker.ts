/**
 * The worker entry, the same file for Node (worker_threads), Deno and browsers (Web Workers).
 * It exposes the kernel API and the pool's job runner over comlink; the parent sends the compiled
 * WebAssembly.Module once (`init`) and the worker instantiates its own copy and keeps it.
 * Everything that crosses is plain data.
 */
import { expose, transfer } from 'comlink';
import { parentEndpoint } from './platform/worker-endpoint.ts';
import { setWasmSource, initKernels } from './wasm/loader.ts';
import type { Conv2DGeometry } from './kernels/geometry.ts';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, type Conv2DEpilogue } from './kernels/wasm/conv2d.ts';
import { runJob } from './pool/registry.ts';
import type { Job, JobResult } from './pool/jobs.ts';
import type { CallInfo, ProgressNotice } from './pool/protocol.ts';
import type { WorkerApi } from './pool/worker-api.ts';

const endpoint = parentEndpoint();

const api: WorkerApi = {
  /** Loads the kernels from a module compiled by the parent (or the embedded bytes). */
  async init(module?: WebAssembly.Module): Promise<string> {
    if (module) setWasmSource(module);
    const k = await initKernels();
    return k.flavour;
  },
  /**
   * Runs one attempt of a pool job (src/pool/registry.ts picks the handler by its tag). Progress
   * events go out as notices tagged with `call` on this same endpoint (src/pool/protocol.ts).
   */
  runJob(job: Job, { call, attempt }: CallInfo): Promise<JobResult> {
    const progress = (data: unknown): void => {
      const notice: ProgressNotice = { type: 'slimprune:progress', call, data };
      endpoint.postMessage(notice);
    };
    return runJob(job, { attempt, progress });
  },
  conv2d(g: Conv2DGeometry, x: Float32Array, filter: Float32Array, epilogue?: Conv2DEpilogue): Float32Array {
    const y = conv2d(g, x, filter, epilogue);
    return transfer(y, [y.buffer]);
  },
  conv2dBackpropInput(g: Conv2DGeometry, dy: Float32Array, filter: Float32Array): Float32Array {
    const dx = conv2dBackpropInput(g, dy, filter);
    return transfer(dx, [dx.buffer]);
  },
  conv2dBackpropFilter(g: Conv2DGeometry, x: Float32Array, dy: Float32Array): Float32Array {
    const df = conv2dBackpropFilter(g, x, dy);
    return transfer(df, [df.buffer]);
  },
};

expose(api, endpoint);
