/**
 * Reading inputs from and writing outputs to tfjs-backend-wasm's own heap. Its tensors live in
 * another WebAssembly memory than our kernels', so every registered kernel copies its inputs
 * into our arena and its result back (the copies are O(data), the kernels O(data × taps)).
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

export function writeOutput(backend: WasmBackendLike, shape: number[], values: Float32Array): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(values);
  return out;
}
