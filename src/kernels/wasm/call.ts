/**
 * The one call sequence of the WASM kernel wrappers: take this thread's kernels, put the inputs
 * into the arena, allocate the outputs (and the geometry struct, scratch and args struct the
 * kernel takes), call, copy the outputs out (into the caller's buffers where given), and give
 * back every arena byte, also when the call throws. The wrappers validate their arguments first
 * (src/kernels/spec/); the kernels must be loaded (`await initKernels()`).
 */
import { kernels, type KernelInstance } from '../../wasm/loader.ts';
import { GEOMETRY_FIELDS, type Conv2DGeometry } from '../geometry.ts';

/** Runs `body` with this thread's kernels and releases every arena byte it allocated. */
export function withKernels<T>(body: (k: KernelInstance) => T): T {
  const k = kernels();
  const mark = k.arena.mark();
  try {
    return body(k);
  } finally {
    k.arena.release(mark);
  }
}

/** Writes the 16-i32 geometry struct (assembly/geometry.ts) into the arena and returns its pointer. */
export function putGeometry(k: KernelInstance, g: Conv2DGeometry, flags = 0): number {
  const ptr = k.arena.alloc(64, 16, 0);
  const view = k.arena.i32(ptr, 16);
  GEOMETRY_FIELDS.forEach((name, i) => (view[i] = g[name]));
  view[15] = flags;
  return ptr;
}

/** Where a call's buffers were placed in the kernels' memory (0: none). */
export interface Placed {
  readonly geometry: number;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly scratch: number;
  readonly args: number;
}

export interface KernelCall {
  /** A convolution geometry, written as the kernels' geometry struct with `flags` in field 15. */
  readonly geometry?: Conv2DGeometry;
  readonly flags?: number;
  /** Buffers copied into the arena, in order. */
  readonly inputs: readonly ArrayBufferView[];
  /**
   * The f32 outputs, in order: a length to allocate, or an array the kernel updates in place
   * (copied in first; the input is never modified).
   */
  readonly outputs: readonly (number | Float32Array)[];
  /** Buffers to copy the outputs into, by position; undefined: a new array. */
  readonly into?: readonly (Float32Array | undefined)[];
  /** Bytes of scratch, given the geometry struct's pointer (0 without a geometry). */
  scratch?(k: KernelInstance, geometry: number): number;
  /** Bytes of the args struct that a kernel split into row ranges reads (src/wasm/threads.ts). */
  readonly args?: number;
  /** The kernel call itself. */
  run(k: KernelInstance, at: Placed): void;
}

/** Places, calls and copies out (see above); returns the outputs in order. */
export function callKernel(call: KernelCall): Float32Array[] {
  return withKernels((k) => {
    const a = k.arena;
    const geometry = call.geometry ? putGeometry(k, call.geometry, call.flags) : 0;
    const inputs = call.inputs.map((x) => a.put(x));
    const outputs = call.outputs.map((o) => (typeof o === 'number' ? a.alloc(o * 4) : a.put(o)));
    const scratch = call.scratch ? a.alloc(call.scratch(k, geometry)) : 0;
    const args = call.args ? a.alloc(call.args) : 0;
    call.run(k, { geometry, inputs, outputs, scratch, args });
    return outputs.map((ptr, i) => {
      const o = call.outputs[i]!;
      return a.copyF32(ptr, typeof o === 'number' ? o : o.length, call.into?.[i]);
    });
  });
}
