// Channel-mask bitsets' ABI. Layout, the threshold rule and the minChannels guard are defined in
// assembly/bitset_core.ts: bit i (channel i) is bit (i & 31) of u32 word i >> 5.

import { wordsPadded, maskThreshold, popcountWords, hammingWords } from "./bitset_core";

/** Words of a mask over n channels, padded to whole v128s (a multiple of 4 u32 words). */
export function bitset_words_padded(n: i32): i32 {
  return wordsPadded(n);
}

/**
 * mask (u32[words], fully overwritten) = [|g[i]| > theta] over g: f32[n], then the minChannels
 * guard (keep the minChannels largest |g|, ties by the lower index). Returns the popcount.
 */
export function mask_threshold_f32(g: usize, n: i32, theta: f64, minChannels: i32, mask: usize, words: i32): i32 {
  return maskThreshold(g, n, theta, minChannels, mask, words);
}

/** Number of set bits of the mask a (u32[words]). */
export function bitset_popcount_u32(a: usize, words: i32): i32 {
  return popcountWords(a, words);
}

/** Hamming distance of the masks a and b (u32[words] each): the channels kept by exactly one. */
export function bitset_hamming_u32(a: usize, b: usize, words: i32): i32 {
  return hammingWords(a, b, words);
}
