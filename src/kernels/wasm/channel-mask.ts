/**
 * Typed wrappers over assembly/channel_mask.ts: validate (src/kernels/channels.ts), place the
 * buffers in the kernels' memory, call, copy the result out. The input is never modified. The
 * kernels must be loaded first (`await initKernels()`).
 */
import { withKernels } from './with-kernels.ts';
import { channelView, checkKeepBitset, checkKeepIndices, viewSize } from '../channels.ts';
import { checkF32 } from '../validate.ts';

/**
 * A copy of x with every slice whose channel along `axis` is not kept set to +0 (bit-identical
 * to maskChannelsReference). keep: Uint32Array bitset over shape[axis] channels, LSB first.
 * E.g. pruned output channels of an HWIO filter: axis −1; of a BN vector: axis 0.
 */
export function maskChannels(x: Float32Array, shape: readonly number[], axis: number, keep: Uint32Array): Float32Array {
  const op = 'maskChannels';
  const v = channelView(shape, axis, op);
  checkF32(op, 'x', x, viewSize(v));
  checkKeepBitset(op, keep, v.axisLen);
  return withKernels((k) => {
    const xp = k.arena.put(x);
    const kp = k.arena.put(keep);
    k.exports.mask_channels_f32(xp, v.outer, v.axisLen, v.inner, kp);
    return k.arena.copyF32(xp, x.length);
  });
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
  const op = 'gatherChannels';
  const v = channelView(shape, axis, op);
  checkF32(op, 'x', x, viewSize(v));
  const idx = checkKeepIndices(op, keep, v.axisLen);
  return withKernels((k) => {
    const xp = k.arena.put(x);
    const ip = k.arena.put(idx);
    const n = viewSize(v, idx.length);
    const yp = k.arena.alloc(n * 4);
    k.exports.gather_channels_f32(xp, v.outer, v.axisLen, v.inner, ip, idx.length, yp);
    return k.arena.copyF32(yp, n);
  });
}
