/**
 * The elementwise kernels of slimprune/infer (assembly/elementwise.ts): a sum with an optional
 * fused ReLU (a residual connection and the ReLU after it) and a ReLU alone. Their arguments and
 * the length of their result, checked once for the references (src/kernels/reference/
 * elementwise.ts) and the WASM wrappers (src/kernels/wasm/elementwise.ts). `out` may be one of the
 * inputs: the result is then written over it, as the kernel allows.
 */
import { checkBoolean, checkF32, checkOut, kernelSpec } from '../validate.ts';

const lengthOf = (x: unknown) => (x instanceof Float32Array ? x.length : 0);

/** y = a + b, then max(y, 0) when relu; returns y's length (a's). */
export const addSpec = kernelSpec('add', (kernel, a: Float32Array, b: Float32Array, relu = false, out?: Float32Array): number => {
  const n = lengthOf(a);
  checkF32(kernel, 'a', a, n);
  checkF32(kernel, 'b', b, n);
  checkBoolean(kernel, 'relu', relu);
  checkOut(kernel, out, n);
  return n;
});

/** y = max(x, 0); returns y's length. */
export const reluSpec = kernelSpec('relu', (kernel, x: Float32Array, out?: Float32Array): number => {
  const n = lengthOf(x);
  checkF32(kernel, 'x', x, n);
  checkOut(kernel, out, n);
  return n;
});
