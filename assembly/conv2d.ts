// 2-D convolution, forward and both gradients, for NHWC activations and HWIO filters (tfjs's
// layouts), as indirect GEMMs in the style of XNNPACK: an indirection buffer holds, for every
// output pixel and filter tap, the address of the input row (all channels of one input pixel) it
// reads, or of a zero row where the tap falls into the padding. One register-blocked micro-kernel
// (4 pixels x 8 channels, 8 f32x4 accumulators) then serves every kernel size, stride, dilation
// and padding mode.
//
// Geometry: a struct of 16 i32 at `g` (see GEOMETRY_FIELDS in src/kernels/geometry.ts):
//   0 batch, 1 inH, 2 inW, 3 inC, 4 outH, 5 outW, 6 outC, 7 filterH, 8 filterW,
//   9 strideH, 10 strideW, 11 padTop, 12 padLeft, 13 dilationH, 14 dilationW, 15 flags
// flags: bit 0 = apply bias, bit 1 = fused ReLU.
// Preconditions (checked by the TypeScript wrapper, not here): all sizes >= 1, the output size
// consistent with the padding, every buffer 16-byte aligned and followed by >= 32 readable bytes
// (vector loads of a channel tail read past the last element and discard the extra lanes).

import { madd } from "./simd";
import { field, build_forward_indirection } from "./geometry";

// Output pixels per micro-tile of the forward GEMM. 4x8 keeps 8 accumulators + 2 weight vectors +
// 1 broadcast in registers; 6x8 (15 live vectors) spills under V8's allocator and ran at half
// the speed (32x32x32x64->64 3x3, Node 20: 4x8 22 GFLOP/s, 5x8 11, 6x8 13, 7x8 11; 4x8 with k
// unrolled by two 14).
const MR: i32 = 4;
// Input channels per micro-tile of the filter gradient, for the same reason (dW GFLOP/s on
// 32x32x32x64->64 3x3 / lenet conv2 / 8x8x128->128: 4x8 25.5/21.1/32.7, 5x8 23.5/25.3/33.5,
// 6x8 21.7/18.5/24.3).
const MR_GRAD: i32 = 4;
const NR: i32 = 8; // output channels per micro-tile (two f32x4)
// Output rows per cache chunk: the chunk's input rows stay in cache while every 8-channel block
// of the output is swept over them.
const ROW_CHUNK: i32 = 96;
// Pixels per chunk of the filter-gradient reduction: bounds the slice of dy and of the input
// rows that must stay in cache while every (tap, channel block) accumulates over it.
const PIXEL_CHUNK: i32 = 256;

const FLAG_BIAS: i32 = 1;
const FLAG_RELU: i32 = 2;
const FLAG_ACCUMULATE: i32 = 4; // igemm only: add into the existing output
// igemm only: add the residual, rows laid out as the output's, before the ReLU (a residual Add
// fused into the convolution that feeds it: slimprune/infer). Its pointer is at args 48.
const FLAG_RESIDUAL: i32 = 8;
const RESIDUAL_OFFSET: i32 = 48;

import { threadScratch } from "./thread_scratch";
import {
  THIN_KIND_OFFSET, conv2d_thin_chosen, conv2d_thin_scratch_bytes, conv2d_thin_prepare_f32,
  conv2d_thin_refresh_input_f32, conv2d_thin_rows_f32, conv2d_thin_set_residual,
} from "./conv2d_thin";

@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

// ---------------------------------------------------------------------------------------------
// The indirect GEMM.
//   out[r][j] (+)= bias[j] + sum over taps t and k < kc of A_t(r)[k] * W[t][k][j]
// where A_t(r) is the row whose address is ind[r*ks + t] (u32 byte offsets, kc floats each).
// w is packed as [ceil(n/8)][ks][kc][8] with zero padding in the channel tail.
// `skip` is the address of the zero row that padding taps point to: a tap that reads it in every
// row of a micro-tile is skipped. That changes no bit: the accumulators start at +0, never become
// −0, and adding the ±0 products of a zero row leaves them as they are. It saves the work of the
// taps that fall outside the input, e.g. 42% of LeNet conv2's input gradient.
// `out` rows are `ldOut` floats apart; only the first n columns are written.

@inline function store8(dst: usize, v0: v128, v1: v128, nv: i32): void {
  if (nv == NR) {
    v128.store(dst, v0);
    v128.store(dst, v1, 16);
  } else if (nv == 4) {
    v128.store(dst, v0);
  } else {
    // The partial last block of a channel tail goes through this thread's scratch.
    const tail = threadScratch;
    v128.store(tail, v0);
    v128.store(tail, v1, 16);
    for (let j = 0; j < nv; j++) store<f32>(dst + (<usize>j << 2), load<f32>(tail + (<usize>j << 2)));
  }
}

@inline function load8lo(src: usize, nv: i32): v128 {
  if (nv >= 4) return v128.load(src);
  let v = f32x4.splat(0);
  if (nv > 0) v = f32x4.replace_lane(v, 0, load<f32>(src));
  if (nv > 1) v = f32x4.replace_lane(v, 1, load<f32>(src, 4));
  if (nv > 2) v = f32x4.replace_lane(v, 2, load<f32>(src, 8));
  return v;
}

@inline function load8hi(src: usize, nv: i32): v128 {
  if (nv >= 8) return v128.load(src, 16);
  let v = f32x4.splat(0);
  if (nv > 4) v = f32x4.replace_lane(v, 0, load<f32>(src, 16));
  if (nv > 5) v = f32x4.replace_lane(v, 1, load<f32>(src, 20));
  if (nv > 6) v = f32x4.replace_lane(v, 2, load<f32>(src, 24));
  return v;
}

@inline function epilogue(
  dst: usize, c0: v128, c1: v128, b0: v128, b1: v128, nv: i32, flags: i32, resDelta: usize,
): void {
  let v0 = f32x4.add(c0, b0);
  let v1 = f32x4.add(c1, b1);
  if (flags & FLAG_ACCUMULATE) {
    v0 = f32x4.add(v0, load8lo(dst, nv));
    v1 = f32x4.add(v1, load8hi(dst, nv));
  }
  if (flags & FLAG_RESIDUAL) {
    v0 = f32x4.add(v0, load8lo(dst + resDelta, nv));
    v1 = f32x4.add(v1, load8hi(dst + resDelta, nv));
  }
  if (flags & FLAG_RELU) {
    const zero = f32x4.splat(0);
    v0 = f32x4.max(v0, zero);
    v1 = f32x4.max(v1, zero);
  }
  store8(dst, v0, v1, nv);
}

function igemm_4x8(
  row: i32, ks: i32, kc: i32, ind: usize, wb: usize, skip: usize,
  b0: v128, b1: v128, out: usize, ldOut: i32, col: i32, nv: i32, flags: i32, resDelta: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const rowStride = <usize>ks << 2;
  let ip = ind + <usize>row * rowStride;
  let wp = wb;
  for (let t = 0; t < ks; t++) {
    let a0 = <usize>load<u32>(ip + 0 * rowStride);
    let a1 = <usize>load<u32>(ip + 1 * rowStride);
    let a2 = <usize>load<u32>(ip + 2 * rowStride);
    let a3 = <usize>load<u32>(ip + 3 * rowStride);
    ip += 4;
    if (a0 == skip && a1 == skip && a2 == skip && a3 == skip) {
      wp += <usize>kc << 5;
      continue;
    }
    for (let k = 0; k < kc; k++) {
      const w0 = v128.load(wp);
      const w1 = v128.load(wp, 16);
      wp += 32;
      let x: v128;
      x = v128.load32_splat(a0); c00 = madd(x, w0, c00); c01 = madd(x, w1, c01); a0 += 4;
      x = v128.load32_splat(a1); c10 = madd(x, w0, c10); c11 = madd(x, w1, c11); a1 += 4;
      x = v128.load32_splat(a2); c20 = madd(x, w0, c20); c21 = madd(x, w1, c21); a2 += 4;
      x = v128.load32_splat(a3); c30 = madd(x, w0, c30); c31 = madd(x, w1, c31); a3 += 4;
    }
  }
  const ldBytes = <usize>ldOut << 2;
  let dst = out + <usize>row * ldBytes + (<usize>col << 2);
  epilogue(dst, c00, c01, b0, b1, nv, flags, resDelta); dst += ldBytes;
  epilogue(dst, c10, c11, b0, b1, nv, flags, resDelta); dst += ldBytes;
  epilogue(dst, c20, c21, b0, b1, nv, flags, resDelta); dst += ldBytes;
  epilogue(dst, c30, c31, b0, b1, nv, flags, resDelta); dst += ldBytes;
}
function igemm_1x8(
  row: i32, ks: i32, kc: i32, ind: usize, wb: usize, skip: usize,
  b0: v128, b1: v128, out: usize, ldOut: i32, col: i32, nv: i32, flags: i32, resDelta: usize,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let ip = ind + ((<usize>row * ks) << 2);
  let wp = wb;
  for (let t = 0; t < ks; t++) {
    let a = <usize>load<u32>(ip);
    ip += 4;
    if (a == skip) {
      wp += <usize>kc << 5;
      continue;
    }
    for (let k = 0; k < kc; k++) {
      const x = v128.load32_splat(a);
      c0 = madd(x, v128.load(wp), c0);
      c1 = madd(x, v128.load(wp, 16), c1);
      wp += 32;
      a += 4;
    }
  }
  epilogue(out + (<usize>row * ldOut + col << 2), c0, c1, b0, b1, nv, flags, resDelta);
}

// The same for a last block of at most 4 channels: one vector per row instead of two, so a
// width of 8k + 4 (e.g. a pruned 12) wastes no multiply-adds on zero-padded channels.
function igemm_4x4(
  row: i32, ks: i32, kc: i32, ind: usize, wb: usize, skip: usize,
  b0: v128, out: usize, ldOut: i32, col: i32, nv: i32, flags: i32, resDelta: usize,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const rowStride = <usize>ks << 2;
  let ip = ind + <usize>row * rowStride;
  let wp = wb;
  for (let t = 0; t < ks; t++) {
    let a0 = <usize>load<u32>(ip + 0 * rowStride);
    let a1 = <usize>load<u32>(ip + 1 * rowStride);
    let a2 = <usize>load<u32>(ip + 2 * rowStride);
    let a3 = <usize>load<u32>(ip + 3 * rowStride);
    ip += 4;
    if (a0 == skip && a1 == skip && a2 == skip && a3 == skip) {
      wp += <usize>kc << 5;
      continue;
    }
    for (let k = 0; k < kc; k++) {
      const w0 = v128.load(wp);
      wp += 32;
      c0 = madd(v128.load32_splat(a0), w0, c0); a0 += 4;
      c1 = madd(v128.load32_splat(a1), w0, c1); a1 += 4;
      c2 = madd(v128.load32_splat(a2), w0, c2); a2 += 4;
      c3 = madd(v128.load32_splat(a3), w0, c3); a3 += 4;
    }
  }
  const ldBytes = <usize>ldOut << 2;
  let dst = out + <usize>row * ldBytes + (<usize>col << 2);
  const zero = f32x4.splat(0);
  epilogue(dst, c0, zero, b0, zero, nv, flags, resDelta); dst += ldBytes;
  epilogue(dst, c1, zero, b0, zero, nv, flags, resDelta); dst += ldBytes;
  epilogue(dst, c2, zero, b0, zero, nv, flags, resDelta); dst += ldBytes;
  epilogue(dst, c3, zero, b0, zero, nv, flags, resDelta);
}

/**
 * Indirect GEMM over `m` output rows and `n` output columns (see the comment above).
 * ind: u32[m*ks]; w: packed f32[ceil(n/8)*ks*kc*8]; bias: f32[n] or 0; out: f32 rows of ldOut.
 * flags: 1 bias, 2 ReLU, 4 accumulate into out, 8 add the residual at out + resDelta (bytes).
 */
export function igemm_f32(
  m: i32, n: i32, ks: i32, kc: i32, ind: usize, w: usize, skip: usize, bias: usize, out: usize, ldOut: i32, flags: i32,
  resDelta: usize,
): void {
  const blocks = (n + NR - 1) / NR;
  const blockBytes = <usize>ks * <usize>kc * (<usize>NR << 2);
  for (let m0 = 0; m0 < m; m0 += ROW_CHUNK) {
    const m1 = min(m0 + ROW_CHUNK, m);
    for (let nb = 0; nb < blocks; nb++) {
      const col = nb * NR;
      const nv = min(NR, n - col);
      const wb = w + <usize>nb * blockBytes;
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0);
      if ((flags & FLAG_BIAS) && bias != 0) {
        b0 = load8lo(bias + (<usize>col << 2), nv);
        b1 = load8hi(bias + (<usize>col << 2), nv);
      }
      let r = m0;
      if (nv <= 4) {
        for (; r + MR <= m1; r += MR) igemm_4x4(r, ks, kc, ind, wb, skip, b0, out, ldOut, col, nv, flags, resDelta);
      } else {
        for (; r + MR <= m1; r += MR) igemm_4x8(r, ks, kc, ind, wb, skip, b0, b1, out, ldOut, col, nv, flags, resDelta);
      }
      for (; r < m1; r++) igemm_1x8(r, ks, kc, ind, wb, skip, b0, b1, out, ldOut, col, nv, flags, resDelta);
    }
  }
}

// The arguments of one igemm_f32 call as a struct of 11 i32 (m, n, ks, kc, ind, w, skip, bias,
// out, ldOut, flags), so that threads can each run a range of its rows (igemm_rows_f32).
@inline function put_igemm_args(
  args: usize, m: i32, n: i32, ks: i32, kc: i32, ind: usize, w: usize, skip: usize, bias: usize, out: usize, ldOut: i32, flags: i32,
): void {
  store<i32>(args, m); store<i32>(args, n, 4); store<i32>(args, ks, 8); store<i32>(args, kc, 12);
  store<u32>(args, <u32>ind, 16); store<u32>(args, <u32>w, 20); store<u32>(args, <u32>skip, 24);
  store<u32>(args, <u32>bias, 28); store<u32>(args, <u32>out, 32); store<i32>(args, ldOut, 36);
  store<i32>(args, flags, 40);
  store<i32>(args, 0, THIN_KIND_OFFSET);
}

/**
 * Rows [r0, r1) of the igemm described at `args` (put there by a *_prepare_f32 function). Every
 * output row is computed by the same operations whichever range holds it, so splitting the rows
 * between threads gives the bits of one call; r0 should be a multiple of 4 (the micro-tile) to
 * keep the tiles of the whole call.
 */
export function igemm_rows_f32(args: usize, r0: i32, r1: i32): void {
  // A forward convolution prepared for the thin-layer path (conv2d_thin.ts) runs there.
  if (load<i32>(args, THIN_KIND_OFFSET) != 0) {
    conv2d_thin_rows_f32(args, r0, r1);
    return;
  }
  const ks = load<i32>(args, 8), ldOut = load<i32>(args, 36);
  igemm_f32(
    r1 - r0, load<i32>(args, 4), ks, load<i32>(args, 12),
    <usize>load<u32>(args, 16) + (<usize>r0 * ks << 2), <usize>load<u32>(args, 20), <usize>load<u32>(args, 24),
    <usize>load<u32>(args, 28), <usize>load<u32>(args, 32) + (<usize>r0 * ldOut << 2), ldOut, load<i32>(args, 40),
    <usize>load<u32>(args, RESIDUAL_OFFSET) - <usize>load<u32>(args, 32),
  );
}

/**
 * Makes a prepared forward convolution (conv2d_prepare_f32) add `residual`, a tensor of the
 * output's shape, after the bias and before the ReLU: y = act(conv(x) + bias + residual), the
 * sum of a residual block with its Add fused in, added in the Add's order.
 */
export function conv2d_set_residual_f32(args: usize, residual: usize): void {
  if (load<i32>(args, THIN_KIND_OFFSET) != 0) {
    conv2d_thin_set_residual(args, residual);
    return;
  }
  store<u32>(args, <u32>residual, RESIDUAL_OFFSET);
  store<i32>(args, load<i32>(args, 40) | FLAG_RESIDUAL, 40);
}

// ---------------------------------------------------------------------------------------------
// Indirection buffers.

/**
 * Input gradient as a gather: for input pixel (b, iy, ix) and tap (ky, kx), the output pixel
 * that read it is oy = (iy + pt - ky*dh) / sh when that divides exactly and lies in range.
 * ind[((b*inH + iy)*inW + ix)*kh*kw + ky*kw + kx] = address of dy[b, oy, ox, :] or zero.
 */
function build_backprop_input_indirection(g: usize, dy: usize, zero: usize, ind: usize): void {
  const batch = field(g, 0), inH = field(g, 1), inW = field(g, 2);
  const outH = field(g, 4), outW = field(g, 5), outC = field(g, 6), kh = field(g, 7), kw = field(g, 8);
  const sh = field(g, 9), sw = field(g, 10), pt = field(g, 11), pl = field(g, 12);
  const dh = field(g, 13), dw = field(g, 14);
  const rowBytes = <usize>outC << 2;
  let p = ind;
  for (let b = 0; b < batch; b++) {
    for (let iy = 0; iy < inH; iy++) {
      for (let ix = 0; ix < inW; ix++) {
        for (let ky = 0; ky < kh; ky++) {
          const ny = iy + pt - ky * dh;
          const oy = ny / sh;
          const rowOk = ny >= 0 && oy * sh == ny && oy < outH;
          for (let kx = 0; kx < kw; kx++) {
            const nx = ix + pl - kx * dw;
            const ox = nx / sw;
            const ok = rowOk && nx >= 0 && ox * sw == nx && ox < outW;
            const addr = ok ? dy + <usize>((b * outH + oy) * outW + ox) * rowBytes : zero;
            store<u32>(p, <u32>addr);
            p += 4;
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Width-merged rows. With unit dilation in width, the kw taps of one filter row read kw adjacent
// input pixels, i.e. kw*inC contiguous floats: one indirection entry can cover them all, so the
// GEMM runs kh taps of kw*inC channels instead of kh*kw taps of inC. This matters where inC is
// small: with LeNet's 1-channel input every tap was a pointer load for one multiply-add per lane,
// and conv1 ran at about a seventh of conv2's GFLOP/s. Where a tap can fall outside the input in
// width (padding, or a stride that overruns the right edge), the rows are read from a copy of the
// input padded with zero columns, which costs one pass over the input.

/** Whether the kw taps of a filter row merge into one contiguous input row. */
@inline function merges_width(g: usize): bool {
  return field(g, 8) > 1 && field(g, 14) == 1;
}

/** Columns a merged row may reach: padded column j is input column j - padLeft. */
@inline function merged_columns(g: usize): i32 {
  return (field(g, 5) - 1) * field(g, 10) + field(g, 8);
}

@inline function needs_width_padding(g: usize): bool {
  return merges_width(g) && (field(g, 12) > 0 || merged_columns(g) - field(g, 12) > field(g, 2));
}

/** Bytes of the zero row read where a (merged) row falls outside the input. */
@inline function zero_row_bytes(g: usize): usize {
  const floats = merges_width(g) ? field(g, 8) * field(g, 3) : field(g, 3);
  return (<usize>floats << 2) + 32;
}

/** Bytes of the width-padded copy of the input (0 when none is needed). */
@inline function width_padded_bytes(g: usize): usize {
  if (!needs_width_padding(g)) return 0;
  return <usize>field(g, 0) * field(g, 1) * merged_columns(g) * field(g, 3) * 4;
}

/**
 * ind[((b*outH + oy)*outW + ox)*kh + ky] = address of the kw*inC floats that filter row ky of
 * output pixel (b, oy, ox) reads, or `zero` where that row falls outside the input in height.
 * Reads x itself when no tap leaves it in width, else a zero-padded copy written to `padded`.
 * Not build_forward_indirection over a 1-tap-wide geometry, though that writes the same entries:
 * its per-tap bounds arithmetic made LeNet's conv1 about 0.1 ms (8%) slower per call
 * (bench/conv-forward.mjs), and this loop runs once per call on every output pixel.
 */
/** The input with its width padded to the merged rows' reach (zero columns left and right). */
function copy_width_padded(g: usize, x: usize, padded: usize): void {
  const inH = field(g, 1), inW = field(g, 2), pl = field(g, 12);
  const pixelBytes = <usize>field(g, 3) << 2;
  const srcW = merged_columns(g);
  const rowBytes = <usize>srcW * pixelBytes;
  const copyCols = min(inW, srcW - pl);
  // Only the padding columns are zeroed: every other byte is copied over.
  const leftBytes = <usize>min(pl, srcW) * pixelBytes;
  const copyBytes = <usize>max(copyCols, 0) * pixelBytes;
  const rightBytes = rowBytes - leftBytes - copyBytes;
  for (let r = 0; r < field(g, 0) * inH; r++) {
    const dst = padded + <usize>r * rowBytes;
    if (leftBytes > 0) memory.fill(dst, 0, leftBytes);
    if (copyBytes > 0) memory.copy(dst + leftBytes, x + <usize>r * inW * pixelBytes, copyBytes);
    if (rightBytes > 0) memory.fill(dst + leftBytes + copyBytes, 0, rightBytes);
  }
}

function build_merged_indirection(g: usize, x: usize, padded: usize, zero: usize, ind: usize): void {
  const batch = field(g, 0), inH = field(g, 1), inW = field(g, 2), inC = field(g, 3);
  const outH = field(g, 4), outW = field(g, 5), kh = field(g, 7);
  const sh = field(g, 9), sw = field(g, 10), pt = field(g, 11), pl = field(g, 12), dh = field(g, 13);
  const pixelBytes = <usize>inC << 2;
  let src = x;
  let srcW = inW;
  if (needs_width_padding(g)) {
    srcW = merged_columns(g);
    copy_width_padded(g, x, padded);
    src = padded;
  }
  let p = ind;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          const addr = <u32>iy < <u32>inH ? src + <usize>((b * inH + iy) * srcW + ox * sw) * pixelBytes : zero;
          store<u32>(p, <u32>addr);
          p += 4;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Filter packing.

/** HWIO f[tap][ci][co] -> [co/8][tap][ci][8], zero-padded. */
function pack_filter_forward(g: usize, f: usize, w: usize): void {
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  const blocks = (outC + NR - 1) / NR;
  let p = w;
  for (let nb = 0; nb < blocks; nb++) {
    for (let t = 0; t < taps; t++) {
      for (let ci = 0; ci < inC; ci++) {
        const src = f + (<usize>(t * inC + ci) * outC << 2);
        for (let j = 0; j < NR; j++) {
          const co = nb * NR + j;
          store<f32>(p, co < outC ? load<f32>(src + (<usize>co << 2)) : 0);
          p += 4;
        }
      }
    }
  }
}

/** HWIO f[tap][ci][co] -> [ci/8][tap][co][8] (the transpose the input gradient multiplies by). */
function pack_filter_backprop_input(g: usize, f: usize, w: usize): void {
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  const blocks = (inC + NR - 1) / NR;
  let p = w;
  for (let cb = 0; cb < blocks; cb++) {
    for (let t = 0; t < taps; t++) {
      for (let co = 0; co < outC; co++) {
        for (let j = 0; j < NR; j++) {
          const ci = cb * NR + j;
          store<f32>(p, ci < inC ? load<f32>(f + (<usize>((t * inC + ci) * outC + co) << 2)) : 0);
          p += 4;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Forward.

// Layout results are kept in a static array: the stub runtime allocates nothing at run time.
const LAYOUT = memory.data(32, 16);

@inline function layout_get(i: i32): usize {
  return load<usize>(LAYOUT + (<usize>i << 2));
}

function forward_layout_raw(g: usize, scratch: usize): usize {
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  const rows = field(g, 0) * field(g, 4) * field(g, 5);
  const packed = align16(scratch);
  const zero = align16(packed + <usize>((outC + NR - 1) / NR) * taps * inC * (NR << 2));
  const padded = align16(zero + zero_row_bytes(g));
  const ind = align16(padded + width_padded_bytes(g));
  const end = ind + (<usize>rows * taps << 2);
  store<usize>(LAYOUT, packed);
  store<usize>(LAYOUT, zero, 4);
  store<usize>(LAYOUT, ind, 8);
  store<usize>(LAYOUT, padded, 12);
  return end - scratch + 16;
}

/** Bytes of scratch that conv2d_prepare_f32 needs for geometry g. */
export function conv2d_scratch_bytes(g: usize): usize {
  if (conv2d_thin_chosen(g)) return conv2d_thin_scratch_bytes(g);
  return forward_layout_raw(g, 0);
}

/**
 * y[b, oy, ox, co] = act(bias[co] + sum x[b, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw, ci] *
 *                     f[ky, kx, ci, co]), zero outside the input.
 * x: f32 NHWC [batch, inH, inW, inC]; f: f32 HWIO [kh, kw, inC, outC]; bias: f32[outC] (used when
 * flags bit 0 is set); y: f32 NHWC [batch, outH, outW, outC];
 * scratch: conv2d_scratch_bytes(g) bytes, 16-byte aligned.
 *
 * This prepares the GEMM (or, for thin layers, conv2d_thin.ts's planar path) and writes its
 * arguments at `args` (64 bytes); igemm_rows_f32 over rows [0, load<i32>(args)) then computes y.
 * Geometry flags 8 / 16 force the GEMM / the thin path (tests and benchmarks).
 */
export function conv2d_prepare_f32(g: usize, x: usize, f: usize, bias: usize, y: usize, scratch: usize, args: usize): void {
  if (conv2d_thin_chosen(g)) {
    conv2d_thin_prepare_f32(g, x, f, bias, y, scratch, args);
    return;
  }
  forward_layout_raw(g, scratch);
  const packed = layout_get(0), zero = layout_get(1), ind = layout_get(2), padded = layout_get(3);
  const inC = field(g, 3), outC = field(g, 6), kh = field(g, 7), kw = field(g, 8);
  const rows = field(g, 0) * field(g, 4) * field(g, 5);
  const flags = field(g, 15) & (FLAG_BIAS | FLAG_RELU);
  memory.fill(zero, 0, zero_row_bytes(g));
  // The packed order [co/8][ky][kx][ci][8] is the same whether a row holds one tap's channels or a
  // whole filter row's (kx, ci): only the indirection changes.
  pack_filter_forward(g, f, packed);
  if (merges_width(g)) {
    build_merged_indirection(g, x, padded, zero, ind);
    put_igemm_args(args, rows, outC, kh, kw * inC, ind, packed, zero, bias, y, outC, flags);
  } else {
    build_forward_indirection(g, x, <usize>inC << 2, zero, ind);
    put_igemm_args(args, rows, outC, kh * kw, inC, ind, packed, zero, bias, y, outC, flags);
  }
}

/**
 * A convolution prepared once (conv2d_prepare_f32) on buffers that stay where they are, run
 * again on new input values (slimprune/infer): the packed filter, the zero row, the indirection
 * and the args do not depend on x's values, only the width-padded copy of x does, so this redoes
 * that copy where the geometry has one, and nothing else; igemm_rows_f32 then computes y.
 */
export function conv2d_refresh_input_f32(g: usize, x: usize, scratch: usize): void {
  if (conv2d_thin_chosen(g)) {
    conv2d_thin_refresh_input_f32(g, x, scratch);
    return;
  }
  if (!needs_width_padding(g)) return;
  forward_layout_raw(g, scratch);
  copy_width_padded(g, x, layout_get(3));
}

// ---------------------------------------------------------------------------------------------
// Input gradient.

function backprop_input_layout(g: usize, scratch: usize): usize {
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  const rows = field(g, 0) * field(g, 1) * field(g, 2);
  const packed = align16(scratch);
  const zero = align16(packed + <usize>((inC + NR - 1) / NR) * taps * outC * (NR << 2));
  const ind = align16(zero + (<usize>outC << 2) + 32);
  const end = ind + (<usize>rows * taps << 2);
  store<usize>(LAYOUT, packed);
  store<usize>(LAYOUT, zero, 4);
  store<usize>(LAYOUT, ind, 8);
  return end - scratch + 16;
}

export function conv2d_backprop_input_scratch_bytes(g: usize): usize {
  return backprop_input_layout(g, 0);
}

/**
 * dx[b, iy, ix, ci] = sum over (ky, kx, co) with iy = oy*sh - pt + ky*dh, ix = ox*sw - pl + kx*dw
 * of dy[b, oy, ox, co] * f[ky, kx, ci, co].
 * dy: f32 [batch, outH, outW, outC]; f: HWIO; dx: f32 [batch, inH, inW, inC] (overwritten).
 *
 * This prepares the GEMM and writes its arguments at `args` (64 bytes); igemm_rows_f32 over rows
 * [0, load<i32>(args)) then computes dx.
 */
export function conv2d_backprop_input_prepare_f32(g: usize, dy: usize, f: usize, dx: usize, scratch: usize, args: usize): void {
  backprop_input_layout(g, scratch);
  const packed = layout_get(0), zero = layout_get(1), ind = layout_get(2);
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  const rows = field(g, 0) * field(g, 1) * field(g, 2);
  memory.fill(zero, 0, (<usize>outC << 2) + 32);
  pack_filter_backprop_input(g, f, packed);
  build_backprop_input_indirection(g, dy, zero, ind);
  put_igemm_args(args, rows, inC, taps, outC, ind, packed, zero, 0, dx, inC, 0);
}

// ---------------------------------------------------------------------------------------------
// Filter gradient: df[t][ci][co] = sum over output pixels p of A_t(p)[ci] * dy[p][co], where
// A_t(p) is the input row tap t of pixel p reads (the forward indirection). Accumulated in a
// channel-padded buffer acc[t][ci][ceil(outC/8)*8] so that every load and store is a full vector,
// over chunks of PIXEL_CHUNK pixels so that the chunk's dy and input rows stay in cache.

function backprop_filter_layout(g: usize, scratch: usize): usize {
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  const rows = field(g, 0) * field(g, 4) * field(g, 5);
  const padded = ((outC + NR - 1) / NR) * NR;
  const acc = align16(scratch);
  const zero = align16(acc + <usize>taps * inC * padded * 4);
  const widthPadded = align16(zero + zero_row_bytes(g));
  const ind = align16(widthPadded + width_padded_bytes(g));
  const end = ind + (<usize>rows * taps << 2);
  store<usize>(LAYOUT, acc);
  store<usize>(LAYOUT, zero, 4);
  store<usize>(LAYOUT, ind, 8);
  store<usize>(LAYOUT, widthPadded, 12);
  return end - scratch + 16;
}

export function conv2d_backprop_filter_scratch_bytes(g: usize): usize {
  return backprop_filter_layout(g, 0);
}

function filter_grad_4x8(
  p0: i32, p1: i32, t: i32, ks: i32, ci: i32, dy: usize, ldDy: usize, ind: usize, acc: usize, ldAcc: usize,
): void {
  let c00 = v128.load(acc + 0 * ldAcc), c01 = v128.load(acc + 0 * ldAcc, 16);
  let c10 = v128.load(acc + 1 * ldAcc), c11 = v128.load(acc + 1 * ldAcc, 16);
  let c20 = v128.load(acc + 2 * ldAcc), c21 = v128.load(acc + 2 * ldAcc, 16);
  let c30 = v128.load(acc + 3 * ldAcc), c31 = v128.load(acc + 3 * ldAcc, 16);
  const ciOff = <usize>ci << 2;
  let ip = ind + ((<usize>p0 * ks + t) << 2);
  const ipStride = <usize>ks << 2;
  let d = dy + <usize>p0 * ldDy;
  for (let p = p0; p < p1; p++) {
    const a = <usize>load<u32>(ip) + ciOff;
    ip += ipStride;
    const d0 = v128.load(d);
    const d1 = v128.load(d, 16);
    d += ldDy;
    let x: v128;
    x = v128.load32_splat(a, 0); c00 = madd(x, d0, c00); c01 = madd(x, d1, c01);
    x = v128.load32_splat(a, 4); c10 = madd(x, d0, c10); c11 = madd(x, d1, c11);
    x = v128.load32_splat(a, 8); c20 = madd(x, d0, c20); c21 = madd(x, d1, c21);
    x = v128.load32_splat(a, 12); c30 = madd(x, d0, c30); c31 = madd(x, d1, c31);
  }
  v128.store(acc + 0 * ldAcc, c00); v128.store(acc + 0 * ldAcc, c01, 16);
  v128.store(acc + 1 * ldAcc, c10); v128.store(acc + 1 * ldAcc, c11, 16);
  v128.store(acc + 2 * ldAcc, c20); v128.store(acc + 2 * ldAcc, c21, 16);
  v128.store(acc + 3 * ldAcc, c30); v128.store(acc + 3 * ldAcc, c31, 16);
}
function filter_grad_1x8(
  p0: i32, p1: i32, t: i32, ks: i32, ci: i32, dy: usize, ldDy: usize, ind: usize, acc: usize,
): void {
  let c0 = v128.load(acc), c1 = v128.load(acc, 16);
  const ciOff = <usize>ci << 2;
  let ip = ind + ((<usize>p0 * ks + t) << 2);
  const ipStride = <usize>ks << 2;
  let d = dy + <usize>p0 * ldDy;
  for (let p = p0; p < p1; p++) {
    const x = v128.load32_splat(<usize>load<u32>(ip) + ciOff);
    ip += ipStride;
    c0 = madd(x, v128.load(d), c0);
    c1 = madd(x, v128.load(d, 16), c1);
    d += ldDy;
  }
  v128.store(acc, c0);
  v128.store(acc, c1, 16);
}

// The filter gradient's arguments at `args` (64 bytes): 0 pixels, 4 blocks, 8 taps, 12 inC
// (both as the GEMM sees them: merged rows count kw·inC channels), 16 acc, 20 ind, 24 dy,
// 28 outC, 32 df.

/**
 * df[ky, kx, ci, co] = sum over b, oy, ox of x[b, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw, ci] *
 *                      dy[b, oy, ox, co] (zero outside the input).
 * x: f32 NHWC; dy: f32 [batch, outH, outW, outC]; df: f32 HWIO (overwritten).
 *
 * This builds the indirection and zeroes the accumulator, writing the arguments at `args`;
 * filter_grad_rows_f32 over rows [0, taps·inC) then accumulates, and
 * conv2d_backprop_filter_finish_f32 copies the result into df.
 */
export function conv2d_backprop_filter_prepare_f32(g: usize, x: usize, dy: usize, df: usize, scratch: usize, args: usize): void {
  backprop_filter_layout(g, scratch);
  const acc = layout_get(0), zero = layout_get(1), ind = layout_get(2), widthPadded = layout_get(3);
  const outC = field(g, 6);
  const rows = field(g, 0) * field(g, 4) * field(g, 5);
  const blocks = (outC + NR - 1) / NR;
  const ldAcc = <usize>(blocks * NR) << 2;
  // With merged rows (see above) a "tap" is a filter row and its channels are (kx, ci): the
  // accumulator's [ky][kx][ci] order is the same either way.
  const merged = merges_width(g);
  const taps = merged ? field(g, 7) : field(g, 7) * field(g, 8);
  const inC = merged ? field(g, 8) * field(g, 3) : field(g, 3);
  memory.fill(zero, 0, zero_row_bytes(g));
  memory.fill(acc, 0, <usize>taps * inC * ldAcc);
  if (merged) build_merged_indirection(g, x, widthPadded, zero, ind);
  else build_forward_indirection(g, x, <usize>inC << 2, zero, ind);
  store<i32>(args, rows); store<i32>(args, blocks, 4); store<i32>(args, taps, 8); store<i32>(args, inC, 12);
  store<u32>(args, <u32>acc, 16); store<u32>(args, <u32>ind, 20); store<u32>(args, <u32>dy, 24);
  store<i32>(args, outC, 28); store<u32>(args, <u32>df, 32);
}

/**
 * Accumulator rows [r0, r1) of the filter gradient, a row being one (tap, input channel): each
 * row's sum runs over the pixels in the same order whichever range holds it, so splitting the
 * rows between threads gives the bits of one call.
 */
export function filter_grad_rows_f32(args: usize, r0: i32, r1: i32): void {
  const rows = load<i32>(args), blocks = load<i32>(args, 4), taps = load<i32>(args, 8), inC = load<i32>(args, 12);
  const acc = <usize>load<u32>(args, 16), ind = <usize>load<u32>(args, 20), dy = <usize>load<u32>(args, 24);
  const outC = load<i32>(args, 28);
  const ldAcc = <usize>(blocks * NR) << 2;
  const ldDy = <usize>outC << 2;
  const t0 = r0 / inC, t1 = (r1 + inC - 1) / inC;
  for (let p0 = 0; p0 < rows; p0 += PIXEL_CHUNK) {
    const p1 = min(p0 + PIXEL_CHUNK, rows);
    for (let t = t0; t < t1; t++) {
      const accTap = acc + <usize>t * inC * ldAcc;
      const c0 = max(0, r0 - t * inC), c1 = min(inC, r1 - t * inC);
      for (let nb = 0; nb < blocks; nb++) {
        const col = <usize>(nb * NR) << 2;
        let ci = c0;
        for (; ci + MR_GRAD <= c1; ci += MR_GRAD) {
          filter_grad_4x8(p0, p1, t, taps, ci, dy + col, ldDy, ind, accTap + <usize>ci * ldAcc + col, ldAcc);
        }
        for (; ci < c1; ci++) {
          filter_grad_1x8(p0, p1, t, taps, ci, dy + col, ldDy, ind, accTap + <usize>ci * ldAcc + col);
        }
      }
    }
  }
}

/** Copies the channel-padded accumulator acc[t][ci][padded] into df[t][ci][outC]. */
export function conv2d_backprop_filter_finish_f32(args: usize): void {
  const blocks = load<i32>(args, 4), taps = load<i32>(args, 8), inC = load<i32>(args, 12);
  const acc = <usize>load<u32>(args, 16), outC = load<i32>(args, 28), df = <usize>load<u32>(args, 32);
  const ldAcc = <usize>(blocks * NR) << 2;
  const rowsOut = taps * inC;
  for (let r = 0; r < rowsOut; r++) {
    memory.copy(df + (<usize>r * outC << 2), acc + <usize>r * ldAcc, <usize>outC << 2);
  }
}
