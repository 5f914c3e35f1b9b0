/**
 * Typed wrappers over assembly/batch_norm_training.ts (arguments:
 * src/kernels/spec/batch-norm-training.ts; the call: ./call.ts).
 */
import {
  batchMomentsSpec, batchNormGradSpec, type BatchMoments, type BatchNormGradParams, type BatchNormGrads,
} from '../spec/batch-norm-training.ts';
import { callKernel } from './call.ts';

/**
 * The batch mean and variance per channel (the last axis) of a row-major [rows, cols] x, with
 * tfjs's tf.moments' roundings; batchMomentsReference is the specification.
 */
export function batchMoments(x: Float32Array, rows: number, cols: number, out?: Partial<BatchMoments>): BatchMoments {
  batchMomentsSpec.check(x, rows, cols, out);
  const [mean, variance] = callKernel({
    inputs: [x],
    outputs: [cols, cols],
    into: [out?.mean, out?.variance],
    // In this thread even with kernel threads on: these sums split only by channels, and two
    // threads' per-row accumulator updates would share cache lines (src/wasm/threads.ts).
    run: (k, { inputs: [xp], outputs: [mp, vp] }) => k.exports.batch_moments_f32(xp!, rows, cols, mp!, vp!),
  }) as [Float32Array, Float32Array];
  return { mean, variance };
}

/**
 * The gradient of training-mode BatchNorm (moments, then normalization) with respect to x, γ and
 * β, given the upstream gradient dy, with the bits of tfjs's graph; batchNormGradReference is the
 * specification.
 */
export function batchNormGrad(
  x: Float32Array, dy: Float32Array, rows: number, cols: number, p: BatchNormGradParams, out?: Partial<BatchNormGrads>,
): BatchNormGrads {
  const n = batchNormGradSpec.check(x, dy, rows, cols, p, out);
  const [dx, dScale, dOffset] = callKernel({
    inputs: [x, dy, p.mean, p.scale, p.rsqrt, p.minusRsqrt, p.minusHalfRsqrtCubed],
    outputs: [n, cols, cols],
    into: [out?.dx, out?.dScale, out?.dOffset],
    scratch: () => cols * 12,
    // In this thread, as batchMoments.
    run: (k, { inputs: [xp, gp, mp, sp, rp, nrp, hp], outputs: [dxp, dsp, dop], scratch }) =>
      k.exports.batch_norm_grad_f32(xp!, gp!, rows, cols, mp!, sp!, rp!, nrp!, hp!, scratch, dxp!, dsp!, dop!),
  }) as [Float32Array, Float32Array, Float32Array];
  return { dx, dScale, dOffset };
}
