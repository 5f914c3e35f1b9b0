// Channel masks as bitsets: bit i (channel i) is bit (i & 31) of u32 word i >> 5, little-endian,
// so the same bytes read as u8/u32/u64/v128 agree. The annealer pads every mask to whole v128s
// (a multiple of 4 words, padding bits zero) so that XOR/popcount run on full vectors; the
// functions below accept any word count and finish with a scalar tail.
//
// Reference: src/kernels/reference/bitset.ts (masks as 0/1 bytes). The ABI (snake_case exports)
// is assembly/bitset.ts; the functions here serve the other kernels.

/** Words of a mask over n channels, padded to whole v128s (a multiple of 4 u32 words). */
@inline export function wordsPadded(n: i32): i32 {
  return ((n + 127) >> 7) << 2;
}

/**
 * The mask of one group under one threshold (METHOD.md §4–§5): channel i is kept iff
 * |g[i]| > theta (strict, in f64). The minChannels guard (METHOD.md §1): if fewer than
 * `minChannels` channels survive, the mask becomes exactly the `minChannels` channels of largest
 * |g|, ties broken by the lower index (our reading of "never drops below minChannels"; it keeps
 * every channel the threshold kept, since those have the largest |g|).
 * g: f32[n], no NaN; mask: u32[words], words >= ceil(n/32), fully overwritten (padding zero);
 * 0 <= minChannels <= n. Returns the mask's popcount (the group's kept width).
 * The guard costs O(minChannels · n) by repeated scans: it runs once per candidate, not per move.
 */
export function maskThreshold(g: usize, n: i32, theta: f64, minChannels: i32, mask: usize, words: i32): i32 {
  const bytes = <usize>words << 2;
  memory.fill(mask, 0, bytes);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (<f64>abs<f32>(load<f32>(g + (<usize>i << 2))) > theta) {
      const w = mask + (<usize>(i >> 5) << 2);
      store<u32>(w, load<u32>(w) | (<u32>1 << (i & 31)));
      count++;
    }
  }
  if (count >= minChannels) return count;
  memory.fill(mask, 0, bytes);
  for (let r = 0; r < minChannels; r++) {
    let best = -1;
    let bestValue: f32 = -1;
    for (let i = 0; i < n; i++) {
      const w = mask + (<usize>(i >> 5) << 2);
      if (load<u32>(w) & (<u32>1 << (i & 31))) continue;
      const a = abs<f32>(load<f32>(g + (<usize>i << 2)));
      if (a > bestValue) { // strict: the lower index wins a tie
        bestValue = a;
        best = i;
      }
    }
    const w = mask + (<usize>(best >> 5) << 2);
    store<u32>(w, load<u32>(w) | (<u32>1 << (best & 31)));
  }
  return minChannels;
}

// Byte popcounts of up to 31 vectors fit in an i8 lane (31 · 8 = 248), so the vector loops sum
// in i8x16 and widen once per chunk of 31.
const CHUNK: i32 = 31;

@inline function sumBytes(acc: v128): i32 {
  const s = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(acc));
  return i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
}

/** popcount(a XOR b) over `words` u32 words: SIMD over whole v128s, then a scalar tail. */
@inline export function hammingWords(a: usize, b: usize, words: i32): i32 {
  const vectors = words >> 2;
  let total = 0;
  let v = 0;
  while (v < vectors) {
    const end = min(v + CHUNK, vectors);
    let acc = i8x16.splat(0);
    for (; v < end; v++) {
      const off = <usize>v << 4;
      acc = i8x16.add(acc, i8x16.popcnt(v128.xor(v128.load(a + off), v128.load(b + off))));
    }
    total += sumBytes(acc);
  }
  for (let w = vectors << 2; w < words; w++) {
    const off = <usize>w << 2;
    total += <i32>popcnt<u32>(load<u32>(a + off) ^ load<u32>(b + off));
  }
  return total;
}

/** popcount(a) over `words` u32 words. */
@inline export function popcountWords(a: usize, words: i32): i32 {
  const vectors = words >> 2;
  let total = 0;
  let v = 0;
  while (v < vectors) {
    const end = min(v + CHUNK, vectors);
    let acc = i8x16.splat(0);
    for (; v < end; v++) acc = i8x16.add(acc, i8x16.popcnt(v128.load(a + (<usize>v << 4))));
    total += sumBytes(acc);
  }
  for (let w = vectors << 2; w < words; w++) total += <i32>popcnt<u32>(load<u32>(a + (<usize>w << 2)));
  return total;
}
