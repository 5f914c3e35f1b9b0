/** Typed wrapper over assembly/batch_norm.ts (arguments: src/kernels/spec/batch-norm.ts; the call: ./call.ts). */
import { batchNormSpec, type ChannelParams } from '../spec/batch-norm.ts';
import { callKernel } from './call.ts';
import { runRows } from '../../wasm/threads.ts';

/** BatchNorm's normalization per channel (the last axis) of a row-major [rows, cols] x; batchNormReference is the specification. */
export function batchNorm(x: Float32Array, rows: number, cols: number, p: ChannelParams, out?: Float32Array): Float32Array {
  const n = batchNormSpec.check(x, rows, cols, p, out);
  return callKernel({
    inputs: [x, p.mean, p.variance, p.offset, p.scale],
    outputs: [n],
    into: [out],
    scratch: () => cols * 16,
    args: 32,
    run(k, { inputs: [xp, mp, vp, op, sp], outputs: [yp], scratch, args }) {
      k.exports.batch_norm_prepare_f32(xp!, rows, cols, mp!, vp!, op!, sp!, p.epsilon, scratch, yp!, args);
      runRows(k, 'batch_norm_rows_f32', args, rows, 1, n);
    },
  })[0]!;
}
