/** Typed wrappers over assembly/batch_norm_training.ts. */
import type { BatchMoments, BatchNormGradParams, BatchNormGrads } from '../reference/batch-norm-training.ts';
import { checkCount, checkF32 } from '../validate.ts';
import { withKernels, checkOut } from './with-kernels.ts';

function checkShape(op: string, rows: number, cols: number): void {
  checkCount(op, 'rows', rows, 1);
  checkCount(op, 'cols', cols, 1);
}

/**
 * The batch mean and variance per channel (the last axis) of a row-major [rows, cols] x, with
 * tfjs's tf.moments' roundings; batchMomentsReference is the specification.
 */
export function batchMoments(x: Float32Array, rows: number, cols: number, out?: Partial<BatchMoments>): BatchMoments {
  checkShape('batchMoments', rows, cols);
  checkF32('batchMoments', 'x', x, rows * cols);
  checkOut('batchMoments', out?.mean, cols);
  checkOut('batchMoments', out?.variance, cols);
  return withKernels((k) => {
    const xp = k.arena.put(x);
    const mp = k.arena.alloc(cols * 4);
    const vp = k.arena.alloc(cols * 4);
    // In this thread even with kernel threads on: these sums split only by channels, and two
    // threads' per-row accumulator updates would share cache lines (src/wasm/threads.ts).
    k.exports.batch_moments_f32(xp, rows, cols, mp, vp);
    return { mean: k.arena.copyF32(mp, cols, out?.mean), variance: k.arena.copyF32(vp, cols, out?.variance) };
  });
}

/**
 * The gradient of training-mode BatchNorm (moments, then normalization) with respect to x, γ and
 * β, given the upstream gradient dy, with the bits of tfjs's graph; batchNormGradReference is the
 * specification.
 */
export function batchNormGrad(
  x: Float32Array, dy: Float32Array, rows: number, cols: number, p: BatchNormGradParams, out?: Partial<BatchNormGrads>,
): BatchNormGrads {
  const op = 'batchNormGrad';
  checkShape(op, rows, cols);
  checkF32(op, 'x', x, rows * cols);
  checkF32(op, 'dy', dy, rows * cols);
  for (const name of ['mean', 'scale', 'rsqrt', 'minusRsqrt', 'minusHalfRsqrtCubed'] as const) checkF32(op, name, p[name], cols);
  checkOut(op, out?.dx, rows * cols);
  checkOut(op, out?.dScale, cols);
  checkOut(op, out?.dOffset, cols);
  return withKernels((k) => {
    const xp = k.arena.put(x);
    const gp = k.arena.put(dy);
    const [mp, sp, rp, nrp, hp] = [p.mean, p.scale, p.rsqrt, p.minusRsqrt, p.minusHalfRsqrtCubed].map((a) => k.arena.put(a)) as
      [number, number, number, number, number];
    const scratch = k.arena.alloc(cols * 12);
    const dxp = k.arena.alloc(rows * cols * 4);
    const dsp = k.arena.alloc(cols * 4);
    const dop = k.arena.alloc(cols * 4);
    // In this thread, as batchMoments.
    k.exports.batch_norm_grad_f32(xp, gp, rows, cols, mp, sp, rp, nrp, hp, scratch, dxp, dsp, dop);
    return {
      dx: k.arena.copyF32(dxp, rows * cols, out?.dx),
      dScale: k.arena.copyF32(dsp, cols, out?.dScale),
      dOffset: k.arena.copyF32(dop, cols, out?.dOffset),
    };
  });
}
