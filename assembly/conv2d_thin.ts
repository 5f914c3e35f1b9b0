// Forward convolution for thin layers: stride 1 and few output channels, the shapes pruning
// leaves (a pruned ResNet-20's stage 1 keeps 3-9 channels). The indirect GEMM of conv2d.ts
// broadcasts one input value to a vector of output channels, so with 3 or 5 outputs its vectors
// are half empty and every multiply-add waits on a broadcast load. This path turns the product
// around: each vector holds 8 adjacent output pixels of one channel, read from a planar
// (channel-major) copy of the input padded with zeros on every side, and one weight broadcast
// serves 8 pixels; one vector load of the input serves every channel of a group (up to 5).
//
// The sum runs over (ky, kx, ci) in the order the indirect GEMM uses, from +0, with the same
// multiply-add, so both paths give the same bits (the padding's ±0 products change no sum: see
// conv2d.ts). Which path a shape takes: conv2d_thin_chosen below.
//
// Scratch: the packed filter, then the planar input [batch][inC][planeH][planeW] where
// planeH = outH + (kh-1)*dh and planeW = outW rounded up to 8 + (kw-1)*dw, so a tile of 8
// pixels never reads outside it (the columns past outW are computed and not stored).

import { madd } from "./simd";
import { field } from "./geometry";

const PIXELS: i32 = 8; // output pixels per tile: two f32x4 per channel
const MAX_GROUP: i32 = 5; // channels per group: 10 accumulators + 2 inputs + 1 weight in registers

const FLAG_BIAS: i32 = 1;
const FLAG_RELU: i32 = 2;
/** Geometry flags that choose the path (tests and benchmarks; the default is the shape rule). */
const FLAG_FORCE_IGEMM: i32 = 8;
const FLAG_FORCE_THIN: i32 = 16;

/** The args word (offset 44) that tells igemm_rows_f32 the args are this path's. */
export const THIN_KIND_OFFSET: i32 = 44;
const KIND_THIN: i32 = 1;
const KIND_RELU: i32 = 2;
const KIND_RESIDUAL: i32 = 4;
const RESIDUAL_OFFSET: i32 = 20;

/**
 * The shape rule, from bench/conv-forward.mjs's per-shape table: this path wins where the GEMM's
 * last 8-channel block is part empty (3, 5, 9, 12, 13, 20 outputs: 1.02-1.47x) and loses where
 * the blocks are full (8, 16, 32 outputs: 0.87-0.97x); above 20 outputs the part-empty block is
 * a small share of the GEMM's work. It loses too on outputs narrower than its 8-pixel tile (a 4x4
 * layer: 0.49x) and on 1x1 filters, where the planar copy costs as much as the products (a dense
 * layer of 500 inputs and 10 units: 0.27x).
 */
const THIN_MAX_OUT: i32 = 20;

@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

@inline function plane_h(g: usize): i32 {
  return field(g, 4) + (field(g, 7) - 1) * field(g, 13);
}

@inline function plane_w(g: usize): i32 {
  return ((field(g, 5) + PIXELS - 1) / PIXELS) * PIXELS + (field(g, 8) - 1) * field(g, 14);
}

/** Channels in the group that starts with `left` channels still to cover. */
@inline function group_size(left: i32): i32 {
  // 6 as 3 + 3 and 7 as 4 + 3 keep every group at 3 or more, where a broadcast serves 8 pixels
  // and an input load serves 3 channels or more.
  if (left <= MAX_GROUP) return left;
  return left == 6 ? 3 : 4;
}

/** Whether this path can run g at all: unit strides. */
@inline function thin_possible(g: usize): bool {
  return field(g, 9) == 1 && field(g, 10) == 1;
}

/** Whether conv2d_prepare_f32 runs g on this path. */
export function conv2d_thin_chosen(g: usize): bool {
  if (!thin_possible(g)) return false;
  const flags = field(g, 15);
  if (flags & FLAG_FORCE_IGEMM) return false;
  if (flags & FLAG_FORCE_THIN) return true;
  const outC = field(g, 6);
  return outC <= THIN_MAX_OUT && outC % 8 != 0 && field(g, 5) >= PIXELS && field(g, 7) * field(g, 8) > 1;
}

@inline function packed_bytes(g: usize): usize {
  return <usize>field(g, 6) * field(g, 7) * field(g, 8) * field(g, 3) << 2;
}

/** Bytes of the step table: one u32 offset into the planar copy per (ky, kx, ci). */
@inline function steps_bytes(g: usize): usize {
  return <usize>field(g, 7) * field(g, 8) * field(g, 3) << 2;
}

@inline function planar_bytes(g: usize): usize {
  return <usize>field(g, 0) * field(g, 3) * plane_h(g) * plane_w(g) << 2;
}

/** Bytes of scratch the thin path needs (with room to align both parts and read 32 bytes past). */
export function conv2d_thin_scratch_bytes(g: usize): usize {
  return align16(packed_bytes(g)) + align16(steps_bytes(g)) + planar_bytes(g) + 64;
}

/** f HWIO [kh][kw][ci][co] → per group of nj channels from j0: [ky][kx][ci][nj], groups in order. */
function pack_thin_filter(g: usize, f: usize, packed: usize): void {
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  let p = packed;
  for (let j0 = 0; j0 < outC; ) {
    const nj = group_size(outC - j0);
    for (let t = 0; t < taps; t++) {
      for (let ci = 0; ci < inC; ci++) {
        const src = f + (((<usize>t * inC + ci) * outC + j0) << 2);
        for (let j = 0; j < nj; j++) store<f32>(p + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
        p += <usize>nj << 2;
      }
    }
    j0 += nj;
  }
}

/** Stores 4 pixels × 4 channels read as 4 channel vectors, one per pixel, as 4 pixel vectors. */
@inline function transpose_store4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, planeBytes: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + planeBytes, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * planeBytes, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * planeBytes, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * x NHWC → the planar copy's interior (its padding stays as prepare zeroed it): 4 pixels × 4
 * channels at a time through a register transpose, the channel and pixel tails one by one.
 */
function copy_planar(g: usize, x: usize, planar: usize): void {
  const batch = field(g, 0), inH = field(g, 1), inW = field(g, 2), inC = field(g, 3);
  const pt = field(g, 11), pl = field(g, 12);
  const ph = plane_h(g), pw = plane_w(g);
  const planeBytes = <usize>ph * pw << 2;
  const pixelBytes = <usize>inC << 2;
  // Rows and columns of the input that some tap reads: the rest never reach the output.
  const rows = min(inH, ph - pt), cols = max(0, min(inW, pw - pl));
  const c4 = inC & ~3, x4 = cols & ~3;
  for (let b = 0; b < batch; b++) {
    const dstImage = planar + <usize>b * inC * planeBytes;
    for (let iy = 0; iy < rows; iy++) {
      const srcRow = x + <usize>(b * inH + iy) * inW * pixelBytes;
      const dstRow = dstImage + ((<usize>(iy + pt) * pw + pl) << 2);
      if (inC == 1) {
        memory.copy(dstRow, srcRow, <usize>cols << 2);
        continue;
      }
      for (let ix = 0; ix < x4; ix += 4) {
        const src = srcRow + <usize>ix * pixelBytes;
        const dst = dstRow + (<usize>ix << 2);
        for (let ci = 0; ci < c4; ci += 4) {
          const s = src + (<usize>ci << 2);
          transpose_store4(v128.load(s), v128.load(s + pixelBytes), v128.load(s + 2 * pixelBytes), v128.load(s + 3 * pixelBytes), dst + <usize>ci * planeBytes, planeBytes);
        }
        for (let ci = c4; ci < inC; ci++) {
          const s = src + (<usize>ci << 2);
          const d = dst + <usize>ci * planeBytes;
          store<f32>(d, load<f32>(s));
          store<f32>(d, load<f32>(s + pixelBytes), 4);
          store<f32>(d, load<f32>(s + 2 * pixelBytes), 8);
          store<f32>(d, load<f32>(s + 3 * pixelBytes), 12);
        }
      }
      for (let ix = x4; ix < cols; ix++) {
        const src = srcRow + <usize>ix * pixelBytes;
        let dst = dstRow + (<usize>ix << 2);
        for (let ci = 0; ci < inC; ci++) {
          store<f32>(dst, load<f32>(src + (<usize>ci << 2)));
          dst += planeBytes;
        }
      }
    }
  }
}

/**
 * steps[(ky*kw + kx)*inC + ci] = the byte offset in the planar copy of the input that tap
 * (ky, kx) of channel ci reads for output pixel (0, 0): one loop over this table walks the taps
 * in the GEMM's order without three nested loops' overhead at 3-9 channels.
 */
function build_steps(g: usize, steps: usize): void {
  const inC = field(g, 3), kh = field(g, 7), kw = field(g, 8), dh = field(g, 13), dw = field(g, 14);
  const pw = plane_w(g);
  const planeFloats = plane_h(g) * pw;
  let p = steps;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let ci = 0; ci < inC; ci++) {
        store<u32>(p, <u32>((ci * planeFloats + ky * dh * pw + kx * dw) << 2));
        p += 4;
      }
    }
  }
}

// The args of a prepared thin convolution, 16 i32 at `args`:
//   0 rows (batch*outH), 4 outH, 8 outW, 12 inC, 16 outC, 20 residual (0: none), 24 unused, 28 steps, 32 step count,
//   36 planeH, 40 planeW, 44 kind, 48 planar, 52 packed, 56 bias (0: none), 60 y.

/** Packs the filter, zeroes and fills the planar copy, and writes the args. */
export function conv2d_thin_prepare_f32(g: usize, x: usize, f: usize, bias: usize, y: usize, scratch: usize, args: usize): void {
  const packed = align16(scratch);
  const steps = align16(packed + packed_bytes(g));
  const planar = align16(steps + steps_bytes(g));
  pack_thin_filter(g, f, packed);
  build_steps(g, steps);
  memory.fill(planar, 0, planar_bytes(g));
  copy_planar(g, x, planar);
  const flags = field(g, 15);
  store<i32>(args, field(g, 0) * field(g, 4));
  store<i32>(args, field(g, 4), 4);
  store<i32>(args, field(g, 5), 8);
  store<i32>(args, field(g, 3), 12);
  store<i32>(args, field(g, 6), 16);
  store<u32>(args, 0, RESIDUAL_OFFSET);
  store<i32>(args, 0, 24);
  store<u32>(args, <u32>steps, 28);
  store<i32>(args, field(g, 7) * field(g, 8) * field(g, 3), 32);
  store<i32>(args, plane_h(g), 36);
  store<i32>(args, plane_w(g), 40);
  store<i32>(args, KIND_THIN | (flags & FLAG_RELU ? KIND_RELU : 0), THIN_KIND_OFFSET);
  store<u32>(args, <u32>planar, 48);
  store<u32>(args, <u32>packed, 52);
  store<u32>(args, flags & FLAG_BIAS ? <u32>bias : 0, 56);
  store<u32>(args, <u32>y, 60);
}

/** y = act(conv + bias + residual) from now on (conv2d.ts, conv2d_set_residual_f32). */
export function conv2d_thin_set_residual(args: usize, residual: usize): void {
  store<u32>(args, <u32>residual, RESIDUAL_OFFSET);
  store<i32>(args, load<i32>(args, THIN_KIND_OFFSET) | KIND_RESIDUAL, THIN_KIND_OFFSET);
}

/** New input values for a prepared thin convolution: only the planar copy's interior changes. */
export function conv2d_thin_refresh_input_f32(g: usize, x: usize, scratch: usize): void {
  copy_planar(g, x, align16(align16(align16(scratch) + packed_bytes(g)) + steps_bytes(g)));
}

/** Lanes of 4 pixels of one channel (src, src + stride, …; the first `count`) as one vector. */
@inline function load_pixels(src: usize, stride: usize, count: i32): v128 {
  let v = f32x4.splat(0);
  if (count > 0) v = v128.load32_lane(src, v, 0);
  if (count > 1) v = v128.load32_lane(src + stride, v, 1);
  if (count > 2) v = v128.load32_lane(src + 2 * stride, v, 2);
  if (count > 3) v = v128.load32_lane(src + 3 * stride, v, 3);
  return v;
}

/** (acc + bias) + the residual's pixels where there is one (at dst + resDelta), then the ReLU. */
@inline function finish(acc: v128, b: v128, resDelta: usize, dst: usize, stride: usize, count: i32, relu: bool): v128 {
  let v = f32x4.add(acc, b);
  if (resDelta != 0) v = f32x4.add(v, load_pixels(dst + resDelta, stride, count));
  return relu ? f32x4.max(v, f32x4.splat(0)) : v;
}

/** Lanes of v as 4 pixels of one channel: y at dst, dst + stride, … (the first `count`). */
@inline function store_pixels(dst: usize, stride: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store32_lane(dst, v, 0);
    v128.store32_lane(dst + stride, v, 1);
    v128.store32_lane(dst + 2 * stride, v, 2);
    v128.store32_lane(dst + 3 * stride, v, 3);
    return;
  }
  if (count > 0) v128.store32_lane(dst, v, 0);
  if (count > 1) v128.store32_lane(dst + stride, v, 1);
  if (count > 2) v128.store32_lane(dst + 2 * stride, v, 2);
}

/** One channel's 8 pixels of the tile, finished and stored. */
@inline function store_channel(dst: usize, stride: usize, a0: v128, a1: v128, b: v128, resDelta: usize, relu: bool, count: i32): void {
  const hi = dst + 4 * stride;
  store_pixels(dst, stride, finish(a0, b, resDelta, dst, stride, count, relu), count);
  store_pixels(hi, stride, finish(a1, b, resDelta, hi, stride, count - 4, relu), count - 4);
}

/**
 * One tile: NJ channels (a constant where this is inlined, so the unused accumulators vanish) of
 * 8 output pixels whose first tap reads `src` in the planar copy; weights from `w`.
 */
@inline function thin_tile(
  NJ: i32, src: usize, w: usize, steps: usize, count_steps: i32,
  bias: usize, relu: bool, resDelta: usize, dst: usize, pixelStride: usize, count: i32,
): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0);
  let e0 = f32x4.splat(0), e1 = f32x4.splat(0);
  let wp = w;
  const end = steps + (<usize>count_steps << 2);
  for (let sp = steps; sp < end; sp += 4) {
    const p = src + <usize>load<u32>(sp);
    const x0 = v128.load(p);
    const x1 = v128.load(p, 16);
    let s = v128.load32_splat(wp);
    a0 = madd(x0, s, a0); a1 = madd(x1, s, a1);
    if (NJ > 1) { s = v128.load32_splat(wp, 4); b0 = madd(x0, s, b0); b1 = madd(x1, s, b1); }
    if (NJ > 2) { s = v128.load32_splat(wp, 8); c0 = madd(x0, s, c0); c1 = madd(x1, s, c1); }
    if (NJ > 3) { s = v128.load32_splat(wp, 12); d0 = madd(x0, s, d0); d1 = madd(x1, s, d1); }
    if (NJ > 4) { s = v128.load32_splat(wp, 16); e0 = madd(x0, s, e0); e1 = madd(x1, s, e1); }
    wp += <usize>NJ << 2;
  }
  let bv = f32x4.splat(0);
  if (bias != 0) bv = v128.load32_splat(bias);
  store_channel(dst, pixelStride, a0, a1, bv, resDelta, relu, count);
  if (NJ > 1) {
    if (bias != 0) bv = v128.load32_splat(bias, 4);
    store_channel(dst + 4, pixelStride, b0, b1, bv, resDelta, relu, count);
  }
  if (NJ > 2) {
    if (bias != 0) bv = v128.load32_splat(bias, 8);
    store_channel(dst + 8, pixelStride, c0, c1, bv, resDelta, relu, count);
  }
  if (NJ > 3) {
    if (bias != 0) bv = v128.load32_splat(bias, 12);
    store_channel(dst + 12, pixelStride, d0, d1, bv, resDelta, relu, count);
  }
  if (NJ > 4) {
    if (bias != 0) bv = v128.load32_splat(bias, 16);
    store_channel(dst + 16, pixelStride, e0, e1, bv, resDelta, relu, count);
  }
}

/** Every tile of one group of nj channels along one output row. */
function thin_row_group(
  nj: i32, src: usize, w: usize, steps: usize, count_steps: i32, bias: usize, relu: bool, resDelta: usize, dst: usize, outC: i32, outW: i32,
): void {
  const pixelStride = <usize>outC << 2;
  for (let x0 = 0; x0 < outW; x0 += PIXELS) {
    const s = src + (<usize>x0 << 2);
    const d = dst + <usize>x0 * pixelStride;
    const count = min(PIXELS, outW - x0);
    if (nj == 4) thin_tile(4, s, w, steps, count_steps, bias, relu, resDelta, d, pixelStride, count);
    else if (nj == 3) thin_tile(3, s, w, steps, count_steps, bias, relu, resDelta, d, pixelStride, count);
    else if (nj == 5) thin_tile(5, s, w, steps, count_steps, bias, relu, resDelta, d, pixelStride, count);
    else if (nj == 2) thin_tile(2, s, w, steps, count_steps, bias, relu, resDelta, d, pixelStride, count);
    else thin_tile(1, s, w, steps, count_steps, bias, relu, resDelta, d, pixelStride, count);
  }
}

/**
 * Output rows [r0, r1) (row = one (b, oy)) of the thin convolution prepared at `args`. Each
 * output is computed by the same operations whichever range holds it, so threads may split rows.
 */
export function conv2d_thin_rows_f32(args: usize, r0: i32, r1: i32): void {
  const outH = load<i32>(args, 4), outW = load<i32>(args, 8), inC = load<i32>(args, 12), outC = load<i32>(args, 16);
  const pw = load<i32>(args, 40);
  const steps = <usize>load<u32>(args, 28), countSteps = load<i32>(args, 32);
  const relu = (load<i32>(args, THIN_KIND_OFFSET) & KIND_RELU) != 0;
  const planar = <usize>load<u32>(args, 48), packed = <usize>load<u32>(args, 52);
  const bias = <usize>load<u32>(args, 56), y = <usize>load<u32>(args, 60);
  const residual = <usize>load<u32>(args, RESIDUAL_OFFSET);
  // The residual's address relative to the output's (0: none; it is never the output itself).
  const resDelta = (load<i32>(args, THIN_KIND_OFFSET) & KIND_RESIDUAL) != 0 ? residual - y : 0;
  const imageBytes = <usize>inC * load<i32>(args, 36) * pw << 2;
  for (let r = r0; r < r1; r++) {
    const b = r / outH, oy = r - b * outH;
    const src = planar + <usize>b * imageBytes + (<usize>oy * pw << 2);
    const dst = y + (<usize>r * outW * outC << 2);
    let w = packed;
    for (let j0 = 0; j0 < outC; ) {
      const nj = group_size(outC - j0);
      thin_row_group(nj, src, w, steps, countSteps, bias == 0 ? 0 : bias + (<usize>j0 << 2), relu, resDelta, dst + (<usize>j0 << 2), outC, outW);
      w += <usize>nj * countSteps << 2;
      j0 += nj;
    }
  }
}
