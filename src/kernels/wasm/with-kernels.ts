/**
 * The call discipline shared by every WASM wrapper: take this thread's kernels, run the body,
 * and give back every arena byte it allocated, also when it throws.
 */
import { kernels, type KernelInstance } from '../../wasm/loader.ts';
import { checkF32 } from '../validate.ts';

export function withKernels<T>(body: (k: KernelInstance) => T): T {
  const k = kernels();
  const mark = k.arena.mark();
  try {
    return body(k);
  } finally {
    k.arena.release(mark);
  }
}

/** Checks a caller-provided output buffer (or accepts none). */
export function checkOut(op: string, out: Float32Array | undefined, length: number): Float32Array | undefined {
  return out === undefined ? undefined : checkF32(op, 'out', out, length);
}
