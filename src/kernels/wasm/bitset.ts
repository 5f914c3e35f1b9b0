/**
 * Typed wrappers over assembly/bitset.ts, with masks as one 0/1 byte per channel (the form of
 * src/kernels/reference/bitset.ts; arguments: src/kernels/spec/bitset.ts); the kernels' bitsets
 * stay inside linear memory. Not on ./call.ts's callKernel: the results are bitsets read back
 * as bytes, or counts, not f32 buffers.
 * The kernels must be loaded first (`await initKernels()`).
 */
import type { KernelInstance } from '../../wasm/loader.ts';
import { withKernels } from './call.ts';
import { maskHammingSpec, maskPopcountSpec, thresholdMaskSpec } from '../spec/bitset.ts';

/** Packs a 0/1 mask into the arena as a bitset (bit i of word i >> 5); returns [pointer, words]. */
function putBits(k: KernelInstance, mask: Uint8Array): [number, number] {
  const words = k.exports.bitset_words_padded(mask.length);
  const bits = new Uint32Array(words);
  for (let i = 0; i < mask.length; i++) if (mask[i]) bits[i >>> 5]! |= 1 << (i & 31);
  return [k.arena.put(bits), words];
}

/**
 * [|γ_i| > θ] with the minChannels guard (keep the minChannels largest |γ|, ties by the lower
 * index), as 0/1 bytes: the kernel behind every candidate mask of the annealer.
 */
export function thresholdMask(gamma: Float32Array, theta: number, minChannels: number): Uint8Array {
  thresholdMaskSpec.check(gamma, theta, minChannels);
  return withKernels((k) => {
    const g = k.arena.put(gamma);
    const words = k.exports.bitset_words_padded(gamma.length);
    const m = k.arena.alloc(4 * words);
    k.exports.mask_threshold_f32(g, gamma.length, theta, minChannels, m, words);
    const bits = k.arena.u32(m, words);
    const out = new Uint8Array(gamma.length);
    for (let i = 0; i < gamma.length; i++) out[i] = (bits[i >>> 5]! >>> (i & 31)) & 1;
    return out;
  });
}

/** Kept channels of a 0/1 mask, counted on its bitset. */
export function maskPopcount(mask: Uint8Array): number {
  maskPopcountSpec.check(mask);
  return withKernels((k) => {
    const [ptr, words] = putBits(k, mask);
    return k.exports.bitset_popcount_u32(ptr, words);
  });
}

/** Channels kept by exactly one of two 0/1 masks of the same length, counted on their bitsets. */
export function maskHamming(a: Uint8Array, b: Uint8Array): number {
  maskHammingSpec.check(a, b);
  return withKernels((k) => {
    const [pa, words] = putBits(k, a);
    const [pb] = putBits(k, b);
    return k.exports.bitset_hamming_u32(pa, pb, words);
  });
}
