/**
 * The readable scalar specification of channel masking and compaction (METHOD.md §1, §8) over
 * the [outer, axisLen, inner] view of a tensor (src/kernels/channels.ts: formats, validation,
 * and why an empty keep set is an error). The WASM kernels (assembly/channel_mask.ts) are tested
 * against these, and these against tfjs's `gather` and a broadcast multiply.
 */
import { viewSize } from '../channels.ts';
import { gatherChannelsSpec, maskChannelsSpec } from '../spec/channel-mask.ts';

/**
 * A copy of x with every slice whose channel along `axis` is not kept set to +0 (exactly: a
 * pruned element holding NaN or −0 becomes +0 too); kept elements are copied bit for bit.
 * keep: Uint32Array bitset, LSB first.
 */
export function maskChannelsReference(
  x: Float32Array,
  shape: readonly number[],
  axis: number,
  keep: Uint32Array,
): Float32Array {
  const v = maskChannelsSpec.checkReference(x, shape, axis, keep);
  const y = x.slice();
  for (let o = 0; o < v.outer; o++) {
    for (let c = 0; c < v.axisLen; c++) {
      const kept = (keep[c >>> 5]! >>> (c & 31)) & 1;
      if (kept) continue;
      const base = (o * v.axisLen + c) * v.inner;
      for (let i = 0; i < v.inner; i++) y[base + i] = 0;
    }
  }
  return y;
}

/**
 * The compact tensor that keeps only the channels `keep` (ascending indices) along `axis`:
 * shape[axis] becomes keep.length, everything else is unchanged.
 */
export function gatherChannelsReference(
  x: Float32Array,
  shape: readonly number[],
  axis: number,
  keep: Int32Array | readonly number[],
): Float32Array {
  const { v, idx } = gatherChannelsSpec.checkReference(x, shape, axis, keep);
  const k = idx.length;
  const y = new Float32Array(viewSize(v, k));
  for (let o = 0; o < v.outer; o++) {
    for (let j = 0; j < k; j++) {
      const src = (o * v.axisLen + idx[j]!) * v.inner;
      const dst = (o * k + j) * v.inner;
      for (let i = 0; i < v.inner; i++) y[dst + i] = x[src + i]!;
    }
  }
  return y;
}
