/**
 * BatchNorm in training over the last axis of a row-major [rows, cols] x (the batch moments and
 * the gradient of the training-mode layer): their arguments and output sizes, checked once for
 * the reference (src/kernels/reference/batch-norm-training.ts) and the WASM wrappers
 * (src/kernels/wasm/batch-norm-training.ts).
 */
import { checkCount, checkF32, checkObject, checkOut, kernelSpec } from '../validate.ts';

export interface BatchMoments {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
}

/** Per-channel values of tfjs's BatchNorm gradient that it computes with small tensor ops. */
export interface BatchNormGradParams {
  /** The batch mean the forward pass normalized with. */
  readonly mean: Float32Array;
  /** γ. */
  readonly scale: Float32Array;
  /** r = rsqrt(variance + ε). */
  readonly rsqrt: Float32Array;
  /** r · −1. */
  readonly minusRsqrt: Float32Array;
  /** ((r · r) · r) · −0.5. */
  readonly minusHalfRsqrtCubed: Float32Array;
}

export interface BatchNormGrads {
  readonly dx: Float32Array;
  readonly dScale: Float32Array;
  readonly dOffset: Float32Array;
}

function checkShape(kernel: string, rows: number, cols: number): void {
  checkCount(kernel, 'rows', rows, 1);
  checkCount(kernel, 'cols', cols, 1);
}

function checkOuts(kernel: string, out: unknown, fields: string): void {
  if (out !== undefined) checkObject(kernel, 'out', out, fields);
}

/** Returns the length of mean and of variance (cols). */
export const batchMomentsSpec = kernelSpec(
  'batchMoments',
  (kernel, x: Float32Array, rows: number, cols: number, out?: Partial<BatchMoments>): number => {
    checkShape(kernel, rows, cols);
    checkF32(kernel, 'x', x, rows * cols);
    checkOuts(kernel, out, '{ mean?, variance? }');
    checkOut(kernel, out?.mean, cols);
    checkOut(kernel, out?.variance, cols);
    return cols;
  },
);

/** Returns dx's length (dScale and dOffset have cols). */
export const batchNormGradSpec = kernelSpec(
  'batchNormGrad',
  (
    kernel, x: Float32Array, dy: Float32Array, rows: number, cols: number, p: BatchNormGradParams, out?: Partial<BatchNormGrads>,
  ): number => {
    checkShape(kernel, rows, cols);
    checkF32(kernel, 'x', x, rows * cols);
    checkF32(kernel, 'dy', dy, rows * cols);
    checkObject(kernel, 'p', p, '{ mean, scale, rsqrt, minusRsqrt, minusHalfRsqrtCubed }');
    for (const name of ['mean', 'scale', 'rsqrt', 'minusRsqrt', 'minusHalfRsqrtCubed'] as const) checkF32(kernel, name, p[name], cols);
    checkOuts(kernel, out, '{ dx?, dScale?, dOffset? }');
    checkOut(kernel, out?.dx, rows * cols);
    checkOut(kernel, out?.dScale, cols);
    checkOut(kernel, out?.dOffset, cols);
    return rows * cols;
  },
);
