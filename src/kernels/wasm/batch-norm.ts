/** Typed wrapper over assembly/batch_norm.ts. */
import type { ChannelParams } from '../reference/batch-norm.ts';
import { checkCount, checkF32 } from '../validate.ts';
import { withKernels, checkOut } from './with-kernels.ts';
import { runRows } from '../../wasm/threads.ts';

/** BatchNorm's normalization per channel (the last axis) of a row-major [rows, cols] x; batchNormReference is the specification. */
export function batchNorm(x: Float32Array, rows: number, cols: number, p: ChannelParams, out?: Float32Array): Float32Array {
  checkCount('batchNorm', 'rows', rows, 1);
  checkCount('batchNorm', 'cols', cols, 1);
  checkF32('batchNorm', 'x', x, rows * cols);
  for (const name of ['mean', 'variance', 'offset', 'scale'] as const) checkF32('batchNorm', name, p[name], cols);
  if (!Number.isFinite(p.epsilon) || p.epsilon < 0) throw new RangeError(`batchNorm: epsilon must be a finite number >= 0, got ${p.epsilon}`);
  checkOut('batchNorm', out, rows * cols);
  return withKernels((k) => {
    const xp = k.arena.put(x);
    const [mp, vp, op, sp] = [p.mean, p.variance, p.offset, p.scale].map((a) => k.arena.put(a)) as [number, number, number, number];
    const scratch = k.arena.alloc(cols * 16);
    const yp = k.arena.alloc(rows * cols * 4);
    const args = k.arena.alloc(32);
    k.exports.batch_norm_prepare_f32(xp, rows, cols, mp, vp, op, sp, p.epsilon, scratch, yp, args);
    runRows(k, 'batch_norm_rows_f32', args, rows, 1, rows * cols);
    return k.arena.copyF32(yp, rows * cols, out);
  });
}
