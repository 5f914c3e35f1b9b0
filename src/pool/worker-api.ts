/**
 * What the package's worker entry (src/worker.ts) exposes over comlink: loading the kernels once,
 * running one attempt of a pool job, and the convolution kernels for direct use. Every argument
 * and result is plain data.
 */
import type { Conv2DGeometry } from '../kernels/geometry.ts';
import type { Conv2DEpilogue } from '../kernels/wasm/conv2d.ts';
import type { Job, JobResult } from './jobs.ts';
import type { CallInfo } from './protocol.ts';

export interface WorkerApi {
  /** Loads the kernels from a module compiled by the parent (or the embedded bytes); returns their flavour. */
  init(module?: WebAssembly.Module): Promise<string>;
  /** Runs one attempt of a pool job; progress goes out as notices tagged with `call` (protocol.ts). */
  runJob(job: Job, info: CallInfo): Promise<JobResult>;
  conv2d(g: Conv2DGeometry, x: Float32Array, filter: Float32Array, epilogue?: Conv2DEpilogue): Float32Array;
  conv2dBackpropInput(g: Conv2DGeometry, dy: Float32Array, filter: Float32Array): Float32Array;
  conv2dBackpropFilter(g: Conv2DGeometry, x: Float32Array, dy: Float32Array): Float32Array;
}
