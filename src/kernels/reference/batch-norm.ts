/**
 * The scalar specification of BatchNorm's normalization over the last axis of a row-major
 * [rows, cols] x, with tfjs-backend-wasm's FusedBatchNorm's roundings: t = (x − mean) · scale in
 * f32, the factor sqrt(variance + ε) in f32, then offset + t / factor in f64 (its C++ keeps the
 * factor as a double), rounded once to f32.
 */
import { batchNormSpec, type ChannelParams } from '../spec/batch-norm.ts';
import { into } from '../validate.ts';

export type { ChannelParams } from '../spec/batch-norm.ts';

export function batchNormReference(x: Float32Array, rows: number, cols: number, p: ChannelParams, out?: Float32Array): Float32Array {
  batchNormSpec.checkReference(x, rows, cols, p, out);
  const f = Math.fround;
  const eps = f(p.epsilon);
  const nf = Float32Array.from(p.variance, (v) => f(Math.sqrt(f(v + eps))));
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      y[i] = f(p.offset[c]! + f(f(x[i]! - p.mean[c]!) * p.scale[c]!) / nf[c]!);
    }
  }
  return into(out, y);
}
