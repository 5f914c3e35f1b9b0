// Channel masks and compaction (METHOD.md §1, §8) over a tensor viewed as [outer, axisLen, inner]
// (row-major): slice (o, c) is the `inner` contiguous f32 at x + ((o*axisLen + c)*inner)*4.
// Examples: a conv filter HWIO pruned on its out channels is [kh*kw*inC, outC, 1]; on its in
// channels (the next layer) [kh*kw, inC, outC]; a BN vector [1, C, 1]; a dense weight [in, out]
// pruned on its rows [1, in, out]; the dense rows a channels-last flatten maps from C channels
// [H*W, C, out].
//
// Keep masks are u32 bitsets, LSB first, the format pruning decisions use everywhere: channel c
// is kept iff bit (c & 31) of word (c >> 5) is set; ceil(axisLen/32) words, spare bits zero.
// Kept indices (for the gather) are i32, strictly ascending, in [0, axisLen).
//
// Preconditions (checked by the TypeScript wrapper, src/kernels/wasm/channel-mask.ts, not here):
// outer, axisLen, inner >= 1; 0 <= keepCount <= axisLen; buffers need no alignment (v128 loads
// and stores are unaligned-safe; every vector access stays inside its buffer) and x and y do not
// overlap. Nothing here allocates.

// Lane i tests bit i of a 4-bit group: lane masks for 4 consecutive channels.
const LANE_BITS: v128 = i32x4(1, 2, 4, 8);

@inline function kept(keep: usize, c: i32): bool {
  return ((load<u32>(keep + (<usize>(c >>> 5) << 2)) >>> (c & 31)) & 1) != 0;
}

/** Zeroes n f32 at p: f32x4 stores, then a scalar tail. */
@inline function zero_f32(p: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), 0);
}

/** Copies n f32 from src to dst (not overlapping): f32x4 loads/stores, then a scalar tail. */
@inline function copy_f32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    v128.store(dst + o, v128.load(src + o));
    v128.store(dst + o, v128.load(src + o, 16), 16);
    v128.store(dst + o, v128.load(src + o, 32), 32);
    v128.store(dst + o, v128.load(src + o, 48), 48);
  }
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

// ---------------------------------------------------------------------------------------------
// Masking.

/**
 * inner == 1 (the channel axis is the last one): four channels at a time, the four mask bits
 * expanded into lane masks and ANDed in (so a pruned element becomes +0 whatever it held, NaN
 * included); groups whose four bits are all set are skipped. c is a multiple of 4, so a group
 * never straddles two bitset words.
 */
function mask_last_axis(x: usize, outer: i32, axisLen: i32, keep: usize): void {
  const zero = i32x4.splat(0);
  let row = x;
  const rowBytes = <usize>axisLen << 2;
  for (let o = 0; o < outer; o++) {
    let c = 0;
    for (; c + 4 <= axisLen; c += 4) {
      const bits = (load<u32>(keep + (<usize>(c >>> 5) << 2)) >>> (c & 31)) & 0xf;
      if (bits == 0xf) continue;
      const lanes = i32x4.ne(v128.and(i32x4.splat(bits), LANE_BITS), zero);
      const p = row + (<usize>c << 2);
      v128.store(p, v128.and(v128.load(p), lanes));
    }
    for (; c < axisLen; c++) {
      if (!kept(keep, c)) store<f32>(row + (<usize>c << 2), 0);
    }
    row += rowBytes;
  }
}

/**
 * x[o, c, :] = 0 for every channel c whose keep bit is clear; kept slices are left untouched.
 * x: f32 [outer, axisLen, inner], modified in place; keep: u32[ceil(axisLen/32)] bitset.
 */
export function mask_channels_f32(x: usize, outer: i32, axisLen: i32, inner: i32, keep: usize): void {
  if (inner == 1) {
    mask_last_axis(x, outer, axisLen, keep);
    return;
  }
  // Pruned channels that are adjacent are adjacent in memory too: zero each run at once.
  const slice = <usize>inner << 2;
  let row = x;
  for (let o = 0; o < outer; o++) {
    let c = 0;
    while (c < axisLen) {
      if (kept(keep, c)) {
        c++;
        continue;
      }
      let c1 = c + 1;
      while (c1 < axisLen && !kept(keep, c1)) c1++;
      zero_f32(row + <usize>c * slice, (c1 - c) * inner);
      c = c1;
    }
    row += <usize>axisLen * slice;
  }
}

// ---------------------------------------------------------------------------------------------
// Gathering (compaction).

/**
 * inner == 1: four kept indices are loaded as one i32x4, their four elements gathered into the
 * lanes of one f32x4 and stored at once; a scalar tail finishes the row. When the kept indices
 * form a single run (e.g. every channel kept) each row is one contiguous copy instead.
 */
function gather_last_axis(x: usize, outer: i32, axisLen: i32, keep: usize, keepCount: i32, y: usize): void {
  const first = load<i32>(keep);
  const last = load<i32>(keep + (<usize>(keepCount - 1) << 2));
  const srcRow = <usize>axisLen << 2;
  const dstRow = <usize>keepCount << 2;
  if (last - first == keepCount - 1) {
    let src = x + (<usize>first << 2);
    let dst = y;
    for (let o = 0; o < outer; o++) {
      copy_f32(dst, src, keepCount);
      src += srcRow;
      dst += dstRow;
    }
    return;
  }
  let src = x;
  let dst = y;
  for (let o = 0; o < outer; o++) {
    let j = 0;
    for (; j + 4 <= keepCount; j += 4) {
      const idx = v128.load(keep + (<usize>j << 2));
      let v = f32x4.splat(load<f32>(src + (<usize>i32x4.extract_lane(idx, 0) << 2)));
      v = f32x4.replace_lane(v, 1, load<f32>(src + (<usize>i32x4.extract_lane(idx, 1) << 2)));
      v = f32x4.replace_lane(v, 2, load<f32>(src + (<usize>i32x4.extract_lane(idx, 2) << 2)));
      v = f32x4.replace_lane(v, 3, load<f32>(src + (<usize>i32x4.extract_lane(idx, 3) << 2)));
      v128.store(dst + (<usize>j << 2), v);
    }
    for (; j < keepCount; j++) {
      store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>load<i32>(keep + (<usize>j << 2)) << 2)));
    }
    src += srcRow;
    dst += dstRow;
  }
}

/**
 * y[o, j, :] = x[o, keep[j], :] for j < keepCount: the compact [outer, keepCount, inner] tensor.
 * x: f32 [outer, axisLen, inner]; keep: i32[keepCount], strictly ascending, in [0, axisLen);
 * y: f32 [outer, keepCount, inner] (overwritten). keepCount 0 writes nothing (the TypeScript
 * wrapper rejects an empty keep set: a layer keeps at least one channel, METHOD.md §1).
 */
export function gather_channels_f32(
  x: usize, outer: i32, axisLen: i32, inner: i32, keep: usize, keepCount: i32, y: usize,
): void {
  if (keepCount <= 0) return;
  if (inner == 1) {
    gather_last_axis(x, outer, axisLen, keep, keepCount, y);
    return;
  }
  // Consecutive kept indices are contiguous in x and in y: copy each run of them at once.
  const slice = <usize>inner << 2;
  let src = x;
  let dst = y;
  for (let o = 0; o < outer; o++) {
    let j = 0;
    while (j < keepCount) {
      const c0 = load<i32>(keep + (<usize>j << 2));
      let j1 = j + 1;
      while (j1 < keepCount && load<i32>(keep + (<usize>j1 << 2)) == c0 + (j1 - j)) j1++;
      copy_f32(dst, src + <usize>c0 * slice, (j1 - j) * inner);
      dst += <usize>(j1 - j) * slice;
      j = j1;
    }
    src += <usize>axisLen * slice;
  }
}
