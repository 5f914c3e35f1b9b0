/**
 * BatchNorm's normalization over the last axis of a row-major [rows, cols] x: its arguments and
 * the size of y, checked once for the reference (src/kernels/reference/batch-norm.ts) and the
 * WASM wrapper (src/kernels/wasm/batch-norm.ts).
 */
import { checkCount, checkF32, checkObject, checkOut, kernelSpec } from '../validate.ts';

export interface ChannelParams {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  readonly offset: Float32Array;
  readonly scale: Float32Array;
  readonly epsilon: number;
}

/** Returns y's length. */
export const batchNormSpec = kernelSpec(
  'batchNorm',
  (kernel, x: Float32Array, rows: number, cols: number, p: ChannelParams, out?: Float32Array): number => {
    checkCount(kernel, 'rows', rows, 1);
    checkCount(kernel, 'cols', cols, 1);
    checkF32(kernel, 'x', x, rows * cols);
    checkObject(kernel, 'p', p, '{ mean, variance, offset, scale, epsilon }');
    for (const name of ['mean', 'variance', 'offset', 'scale'] as const) checkF32(kernel, name, p[name], cols);
    if (typeof p.epsilon !== 'number' || !Number.isFinite(p.epsilon) || p.epsilon < 0) {
      throw new RangeError(`${kernel}: epsilon must be a finite number >= 0, got ${p.epsilon}`);
    }
    checkOut(kernel, out, rows * cols);
    return rows * cols;
  },
);
