/**
 * Channel masking and compaction over the [outer, axisLen, inner] view of a tensor: their
 * arguments and the view, checked once for the reference (src/kernels/reference/channel-mask.ts)
 * and the WASM wrappers (src/kernels/wasm/channel-mask.ts), with the checks of the view and
 * keep-set formats of src/kernels/channels.ts.
 */
import { channelView, checkKeepBitset, checkKeepIndices, viewSize, type ChannelView } from '../channels.ts';
import { checkF32, kernelSpec } from '../validate.ts';

/** Returns the view (the result has x's length). */
export const maskChannelsSpec = kernelSpec(
  'maskChannels',
  (kernel, x: Float32Array, shape: readonly number[], axis: number, keep: Uint32Array): ChannelView => {
    const v = channelView(shape, axis, kernel);
    checkF32(kernel, 'x', x, viewSize(v));
    checkKeepBitset(kernel, keep, v.axisLen);
    return v;
  },
);

/** Returns the view and the kept indices as an Int32Array (the result has viewSize(v, idx.length)). */
export const gatherChannelsSpec = kernelSpec(
  'gatherChannels',
  (
    kernel, x: Float32Array, shape: readonly number[], axis: number, keep: Int32Array | readonly number[],
  ): { readonly v: ChannelView; readonly idx: Int32Array } => {
    const v = channelView(shape, axis, kernel);
    checkF32(kernel, 'x', x, viewSize(v));
    return { v, idx: checkKeepIndices(kernel, keep, v.axisLen) };
  },
);
