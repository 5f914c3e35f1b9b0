/**
 * The scalar specification of the elementwise kernels: y = a + b in float32, then max(y, 0) when
 * relu; and y = max(x, 0). The sum is taken in float64 and rounded to float32, which is the
 * float32 sum (float64's 53 bits exceed 2·24 + 2, so rounding twice changes nothing). max is
 * WebAssembly's f32.max: NaN stays NaN, and max(-0, +0) is +0, as Math.max gives.
 */
import { addSpec, reluSpec } from '../spec/elementwise.ts';
import { into } from '../validate.ts';

export function addReference(a: Float32Array, b: Float32Array, relu = false, out?: Float32Array): Float32Array {
  const y = new Float32Array(addSpec.checkReference(a, b, relu, out));
  for (let i = 0; i < y.length; i++) {
    const sum = Math.fround(a[i]! + b[i]!);
    y[i] = relu ? Math.max(sum, 0) : sum;
  }
  return into(out, y);
}

export function reluReference(x: Float32Array, out?: Float32Array): Float32Array {
  const y = new Float32Array(reluSpec.checkReference(x, out));
  for (let i = 0; i < y.length; i++) y[i] = Math.max(x[i]!, 0);
  return into(out, y);
}
