/**
 * Channel masks, readably: one byte per channel, 1 = kept. The specification of
 * assembly/bitset_core.ts (which stores the same masks as bitsets).
 */
import { maskHammingSpec, maskPopcountSpec, thresholdMaskSpec } from '../spec/bitset.ts';

/**
 * m = [|γ_i| > θ] (strict, compared in f64: METHOD.md §4–§5), then the minChannels guard of
 * METHOD.md §1, in our reading: if fewer than `minChannels` channels survive, keep exactly the
 * `minChannels` channels of largest |γ|, ties broken by the lower index. (The threshold's
 * survivors are among those, since they have the largest |γ|.)
 */
export function thresholdMaskReference(gamma: Float32Array, theta: number, minChannels: number): Uint8Array {
  thresholdMaskSpec.checkReference(gamma, theta, minChannels);
  const mask = new Uint8Array(gamma.length);
  let kept = 0;
  for (let i = 0; i < gamma.length; i++) {
    if (Math.abs(gamma[i]!) > theta) {
      mask[i] = 1;
      kept++;
    }
  }
  if (kept >= minChannels) return mask;
  const order = Array.from(gamma.keys()).sort(
    (i, j) => Math.abs(gamma[j]!) - Math.abs(gamma[i]!) || i - j,
  );
  mask.fill(0);
  for (const i of order.slice(0, minChannels)) mask[i] = 1;
  return mask;
}

/** Kept channels of a 0/1 mask. */
export function popcountReference(mask: Uint8Array): number {
  maskPopcountSpec.checkReference(mask);
  let n = 0;
  for (const bit of mask) n += bit;
  return n;
}

/** Channels kept by exactly one of two 0/1 masks of the same length. */
export function hammingReference(a: Uint8Array, b: Uint8Array): number {
  maskHammingSpec.checkReference(a, b);
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i] !== b[i] ? 1 : 0;
  return n;
}
