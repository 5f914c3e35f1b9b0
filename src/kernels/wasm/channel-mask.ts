/**
 * Typed wrappers over assembly/channel_mask.ts (arguments: src/kernels/spec/channel-mask.ts; the
 * call: ./call.ts). The input is never modified. The kernels must be loaded first
 * (`await initKernels()`).
 */
import { callKernel } from './call.ts';
import { viewSize } from '../channels.ts';
import { gatherChannelsSpec, maskChannelsSpec } from '../spec/channel-mask.ts';

/**
 * A copy of x with every slice whose channel along `axis` is not kept set to +0 (bit-identical
 * to maskChannelsReference). keep: Uint32Array bitset over shape[axis] channels, LSB first.
 * E.g. pruned output channels of an HWIO filter: axis −1; of a BN vector: axis 0.
 */
export function maskChannels(x: Float32Array, shape: readonly number[], axis: number, keep: Uint32Array): Float32Array {
  const v = maskChannelsSpec.check(x, shape, axis, keep);
  return callKernel({
    inputs: [keep],
    outputs: [x],
    run: (k, { inputs: [kp], outputs: [xp] }) => k.exports.mask_channels_f32(xp!, v.outer, v.axisLen, v.inner, kp!),
  })[0]!;
}

/**
 * The compact tensor that keeps only the channels `keep` (strictly ascending indices, not empty)
 * along `axis`: shape[axis] becomes keep.length (bit-identical to gatherChannelsReference).
 * E.g. a conv filter HWIO: axis −1 for its own pruned outputs, axis 2 for the previous layer's.
 */
export function gatherChannels(
  x: Float32Array,
  shape: readonly number[],
  axis: number,
  keep: Int32Array | readonly number[],
): Float32Array {
  const { v, idx } = gatherChannelsSpec.check(x, shape, axis, keep);
  return callKernel({
    inputs: [x, idx],
    outputs: [viewSize(v, idx.length)],
    run: (k, { inputs: [xp, ip], outputs: [yp] }) =>
      k.exports.gather_channels_f32(xp!, v.outer, v.axisLen, v.inner, ip!, idx.length, yp!),
  })[0]!;
}
