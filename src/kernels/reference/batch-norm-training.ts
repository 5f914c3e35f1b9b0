/**
 * The scalar specification of BatchNorm in training over the last axis of a row-major
 * [rows, cols] x: the batch moments, and the gradient of the whole training-mode layer
 * (moments, then normalization) with respect to x, γ and β.
 *
 * tfjs-layers computes this as a graph of about twenty tensor ops (tf.moments, tf.batchNorm and
 * their registered gradients), each rounded to f32 and each a pass over the activation. These
 * functions perform the same f32 operations in the same order, element by element, so their
 * results have the bits of tfjs's graph (a test checks them against tfjs-backend-wasm):
 *
 *   moments:   mean = (Σ x) / n,  variance = (Σ (x − mean)²) / n      (sums in row order, f32)
 *   gradient:  d   = x − mean,  s = dy · γ
 *              ∂mean     = Σ (−r) · s             ∂variance = Σ (h · d) · s
 *              ∂γ        = Σ dy · (d · r)         ∂β        = Σ dy
 *              dD        = (∂variance / n) · (d · 2)        (Mean's, then Square's gradient)
 *              dxMean    = (∂mean + −Σ dD) / n               (Sub's, then Mean's gradient)
 *              dx        = ((dy · r) · γ + dD) + dxMean      (in tfjs's order of accumulation)
 * with r = 1/√(variance + ε) and h = r·r·r·(−½) as tfjs computes them (given, per channel).
 * The order of the three terms of dx is the reverse of the order in which tfjs-layers' ops
 * consumed x (the mean, the cast for the variance, the normalization), as tfjs's backward pass
 * adds each consumer's gradient to the running sum in reverse tape order.
 */

import {
  batchMomentsSpec, batchNormGradSpec, type BatchMoments, type BatchNormGradParams, type BatchNormGrads,
} from '../spec/batch-norm-training.ts';
import { into } from '../validate.ts';

export type { BatchMoments, BatchNormGradParams, BatchNormGrads } from '../spec/batch-norm-training.ts';

export function batchMomentsReference(x: Float32Array, rows: number, cols: number, out?: Partial<BatchMoments>): BatchMoments {
  batchMomentsSpec.checkReference(x, rows, cols, out);
  const f = Math.fround;
  const mean = new Float32Array(cols);
  const variance = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum = f(sum + x[r * cols + c]!);
    const m = f(sum / rows);
    let squares = 0;
    for (let r = 0; r < rows; r++) {
      const d = f(x[r * cols + c]! - m);
      squares = f(squares + f(d * d));
    }
    mean[c] = m;
    variance[c] = f(squares / rows);
  }
  return { mean: into(out?.mean, mean), variance: into(out?.variance, variance) };
}

export function batchNormGradReference(
  x: Float32Array, dy: Float32Array, rows: number, cols: number, p: BatchNormGradParams, out?: Partial<BatchNormGrads>,
): BatchNormGrads {
  batchNormGradSpec.checkReference(x, dy, rows, cols, p, out);
  const f = Math.fround;
  const dx = new Float32Array(rows * cols);
  const dScale = new Float32Array(cols);
  const dOffset = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    const m = p.mean[c]!, g = p.scale[c]!, r = p.rsqrt[c]!, nr = p.minusRsqrt[c]!, h = p.minusHalfRsqrtCubed[c]!;
    let dMean = 0, dVariance = 0, dS = 0, dO = 0;
    for (let i = c; i < rows * cols; i += cols) {
      const d = f(x[i]! - m);
      const s = f(dy[i]! * g);
      dMean = f(dMean + f(nr * s));
      dVariance = f(dVariance + f(f(h * d) * s));
      dS = f(dS + f(dy[i]! * f(d * r)));
      dO = f(dO + dy[i]!);
    }
    const perSquare = f(dVariance / rows);
    let sumD = 0;
    for (let i = c; i < rows * cols; i += cols) sumD = f(sumD + f(perSquare * f(f(x[i]! - m) * 2)));
    const perElement = f(f(dMean + -sumD) / rows);
    for (let i = c; i < rows * cols; i += cols) {
      const dD = f(perSquare * f(f(x[i]! - m) * 2));
      dx[i] = f(f(f(f(dy[i]! * r) * g) + dD) + perElement);
    }
    dScale[c] = dS;
    dOffset[c] = dO;
  }
  return { dx: into(out?.dx, dx), dScale: into(out?.dScale, dScale), dOffset: into(out?.dOffset, dOffset) };
}
