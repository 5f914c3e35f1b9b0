/**
 * Reading inputs from and writing outputs to tfjs-backend-wasm's own heap. Its tensors live in
 * another WebAssembly memory than our kernels', so every registered kernel copies its inputs
 * into our arena and its result straight into tfjs's output (the copies are O(data), the
 * kernels O(data × taps)).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-wasm's BackendWasm that our kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): ArrayLike<number> & { subarray?: unknown };
}

export function readF32(backend: WasmBackendLike, info: TensorInfo, kernel: string, name: string): Float32Array {
  if (info.dtype !== 'float32') {
    throw new Error(`slimprune's ${kernel}: ${name} must be float32, got ${info.dtype}; cast it first`);
  }
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/**
 * Allocates the output in tfjs's heap, then runs `compute` with a view of it to write into.
 * The output is allocated first because allocating can grow tfjs's heap, which detaches any
 * view of the inputs taken before.
 */
export function computeInto(
  backend: WasmBackendLike,
  shape: number[],
  compute: (out: Float32Array) => void,
): TensorInfo {
  const info = backend.makeOutput(shape, 'float32');
  compute(backend.typedArrayFromHeap(info) as Float32Array);
  return info;
}
