// Depthwise 2-D convolution, forward and both gradients, for NHWC activations and a filter
// [kh, kw, inC, mult] (tfjs's layout): output channel co = ci*mult + m reads input channel
// ci = co / mult only. tfjs-backend-wasm 4.22 registers no DepthwiseConv2dNativeBackpropFilter /
// DepthwiseConv2dNativeBackpropInput, so training a depthwise net on 'wasm' fails without these.
//
// Viewed per output channel the filter is f[tap][co] (tap = ky*kw + kx, outC = inC*mult values
// per tap, contiguous), and every product pairs channel co of an output pixel with channel co of
// the input pixel *expanded* to outC channels (xe[pixel][co] = x[pixel][co / mult]). With that
// view all three passes are elementwise over co, so they vectorise over the contiguous channels
// of NHWC whatever the multiplier:
//   forward         y[p][co]   = sum over taps t of   xe[in(p, t)][co] * f[t][co]
//   input gradient  dxe[q][co] = sum over taps t of   dy[out(q, t)][co] * f[t][co],
//                   dx[q][ci]  = sum over m of dxe[q][ci*mult + m]
//   filter gradient df[t][co]  = sum over pixels p of xe[in(p, t)][co] * dy[p][co]
// where in(p, t) is the input pixel that tap t of output pixel p reads and out(q, t) the output
// pixel whose tap t reads input pixel q (absent in the padding / off the stride grid). These
// pairs are precomputed into an indirection buffer of u32 row addresses, 0 meaning "absent"
// (address 0 is static data, never a buffer). With mult = 1 x and dx are used directly; with
// mult > 1 the expansion xe (or dxe) lives in the scratch.
//
// Geometry: the 16-i32 struct of assembly/conv2d.ts (GEOMETRY_FIELDS in src/kernels/geometry.ts)
// with outC = inC * mult: 0 batch, 1 inH, 2 inW, 3 inC, 4 outH, 5 outW, 6 outC, 7 filterH,
// 8 filterW, 9 strideH, 10 strideW, 11 padTop, 12 padLeft, 13 dilationH, 14 dilationW, 15 flags
// (unused here).
// Preconditions (checked by the TypeScript wrapper, not here): all sizes >= 1, outC a multiple of
// inC, padding >= 0, every buffer sized for the geometry, scratch as large as the matching
// *_scratch_bytes(g) and 16-byte aligned. Other buffers need no alignment and are never read past
// their end (channel tails are scalar). Nothing here allocates.

import { madd } from "./simd";
import { field, build_forward_indirection } from "./geometry";

// Output pixels per chunk of the filter-gradient reduction: the chunk's rows of dy and of the
// (expanded) input are reused by every (tap, channel block), so they should stay in cache.
const CHUNK_FLOATS: i32 = 16384; // 64 KiB of dy per chunk

// Layout results are kept in a static array: the stub runtime allocates nothing at run time.
const LAYOUT = memory.data(16, 16);


@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

// ---------------------------------------------------------------------------------------------
// Scratch layout: [expanded x or dx: inPixels*outC f32, only when mult > 1][indirection: u32]
// [input gradient only: the per-axis tap tables of build_backprop_input_indirection, i32].

const OP_FORWARD: i32 = 0;
const OP_INPUT: i32 = 1;
const OP_FILTER: i32 = 2;

function layout(g: usize, scratch: usize, op: i32): usize {
  const inC = field(g, 3), outC = field(g, 6), kh = field(g, 7), kw = field(g, 8);
  const taps = kh * kw;
  const inPixels = <usize>field(g, 0) * field(g, 1) * field(g, 2);
  const outPixels = <usize>field(g, 0) * field(g, 4) * field(g, 5);
  const expanded = align16(scratch);
  const expandedBytes: usize = outC == inC ? 0 : inPixels * outC * 4;
  const ind = align16(expanded + expandedBytes);
  const rows = op == OP_INPUT ? inPixels : outPixels;
  const tables = align16(ind + rows * taps * 4);
  const tableBytes: usize = op == OP_INPUT ? (<usize>field(g, 1) * kh + <usize>field(g, 2) * kw) * 4 : 0;
  const end = tables + tableBytes;
  store<usize>(LAYOUT, expanded);
  store<usize>(LAYOUT, ind, 4);
  store<usize>(LAYOUT, tables, 8);
  return end - scratch + 16;
}

/** xe[q][ci*mult + m] = x[q][ci]. */
function expand_channels(x: usize, pixels: i32, inC: i32, mult: i32, xe: usize): void {
  let src = x;
  let dst = xe;
  for (let q = 0; q < pixels; q++) {
    for (let ci = 0; ci < inC; ci++) {
      const v = load<f32>(src);
      src += 4;
      for (let m = 0; m < mult; m++) {
        store<f32>(dst, v);
        dst += 4;
      }
    }
  }
}

/** dx[q][ci] = sum over m of dxe[q][ci*mult + m] (in increasing m). */
function reduce_channels(dxe: usize, pixels: i32, inC: i32, mult: i32, dx: usize): void {
  let src = dxe;
  let dst = dx;
  const n = pixels * inC;
  for (let i = 0; i < n; i++) {
    let s = load<f32>(src);
    for (let m = 1; m < mult; m++) s += load<f32>(src + (<usize>m << 2));
    store<f32>(dst, s);
    src += <usize>mult << 2;
    dst += 4;
  }
}


/**
 * tab[i*k + j] = the output coordinate o with o*stride - pad + j*dilation = i along one axis, or
 * -1 when there is none (i + pad - j*dilation negative, not a multiple of the stride, or o out of
 * range). Tabulated once per axis so that the indirection below needs no division per entry.
 */
function tap_table(inLen: i32, k: i32, outLen: i32, stride: i32, pad: i32, dilation: i32, tab: usize): void {
  let p = tab;
  for (let i = 0; i < inLen; i++) {
    for (let j = 0; j < k; j++) {
      const n = i + pad - j * dilation;
      const o = n / stride;
      store<i32>(p, n >= 0 && o * stride == n && o < outLen ? o : -1);
      p += 4;
    }
  }
}

/**
 * ind[q*taps + t] = address of row out(q, t) of dy or 0: the output pixel that read input pixel
 * q = (b, iy, ix) through tap (ky, kx) is oy = (iy + pt - ky*dh) / sh when that divides exactly
 * and lies in range (likewise ox). tables: scratch for inH*kh + inW*kw i32.
 */
function build_backprop_input_indirection(g: usize, dy: usize, ind: usize, tables: usize): void {
  const batch = field(g, 0), inH = field(g, 1), inW = field(g, 2);
  const outH = field(g, 4), outW = field(g, 5), outC = field(g, 6), kh = field(g, 7), kw = field(g, 8);
  const rowTab = tables;
  const colTab = tables + (<usize>(inH * kh) << 2);
  tap_table(inH, kh, outH, field(g, 9), field(g, 11), field(g, 13), rowTab);
  tap_table(inW, kw, outW, field(g, 10), field(g, 12), field(g, 14), colTab);
  const rowBytes = <usize>outC << 2;
  let p = ind;
  for (let b = 0; b < batch; b++) {
    for (let iy = 0; iy < inH; iy++) {
      for (let ix = 0; ix < inW; ix++) {
        for (let ky = 0; ky < kh; ky++) {
          const oy = load<i32>(rowTab + (<usize>(iy * kh + ky) << 2));
          const rowBase = (b * outH + oy) * outW;
          for (let kx = 0; kx < kw; kx++) {
            const ox = load<i32>(colTab + (<usize>(ix * kw + kx) << 2));
            store<u32>(p, (oy | ox) >= 0 ? <u32>(dy + <usize>(rowBase + ox) * rowBytes) : 0);
            p += 4;
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The shared inner loop of the forward pass and of the input gradient:
//   out[r][c] = sum over t with ind[r*taps + t] != 0 of A(r, t)[c] * f[t][c],   c < C,
// where A(r, t) is the row at address ind[r*taps + t]. Sixteen channels (four f32x4
// accumulators) per pass over the taps, then single f32x4, then a scalar tail.

function depthwise_rows(rows: i32, taps: i32, C: i32, ind: usize, f: usize, out: usize): void {
  const fTap = <usize>C << 2;
  let ip = ind;
  let o = out;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c + 16 <= C; c += 16) {
      const off = <usize>c << 2;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let fp = f + off;
      for (let t = 0; t < taps; t++) {
        const a = <usize>load<u32>(ip + (<usize>t << 2));
        if (a != 0) {
          const s = a + off;
          a0 = madd(v128.load(s), v128.load(fp), a0);
          a1 = madd(v128.load(s, 16), v128.load(fp, 16), a1);
          a2 = madd(v128.load(s, 32), v128.load(fp, 32), a2);
          a3 = madd(v128.load(s, 48), v128.load(fp, 48), a3);
        }
        fp += fTap;
      }
      v128.store(o + off, a0);
      v128.store(o + off, a1, 16);
      v128.store(o + off, a2, 32);
      v128.store(o + off, a3, 48);
    }
    for (; c + 4 <= C; c += 4) {
      const off = <usize>c << 2;
      let a0 = f32x4.splat(0);
      let fp = f + off;
      for (let t = 0; t < taps; t++) {
        const a = <usize>load<u32>(ip + (<usize>t << 2));
        if (a != 0) a0 = madd(v128.load(a + off), v128.load(fp), a0);
        fp += fTap;
      }
      v128.store(o + off, a0);
    }
    for (; c < C; c++) {
      const off = <usize>c << 2;
      let s: f32 = 0;
      let fp = f + off;
      for (let t = 0; t < taps; t++) {
        const a = <usize>load<u32>(ip + (<usize>t << 2));
        if (a != 0) s += load<f32>(a + off) * load<f32>(fp);
        fp += fTap;
      }
      store<f32>(o + off, s);
    }
    ip += <usize>taps << 2;
    o += fTap;
  }
}

// ---------------------------------------------------------------------------------------------
// Forward.

/** Bytes of scratch that depthwise_conv2d_f32 needs for geometry g. */
export function depthwise_conv2d_scratch_bytes(g: usize): usize {
  return layout(g, 0, OP_FORWARD);
}

/**
 * y[b, oy, ox, ci*mult + m] = sum over (ky, kx) of
 *   x[b, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw, ci] * f[ky, kx, ci, m]   (zero outside the input).
 * x: f32 NHWC [batch, inH, inW, inC]; f: f32 [kh, kw, inC, mult]; y: f32 [batch, outH, outW, outC]
 * (overwritten); scratch: depthwise_conv2d_scratch_bytes(g) bytes.
 */
export function depthwise_conv2d_f32(g: usize, x: usize, f: usize, y: usize, scratch: usize): void {
  layout(g, scratch, OP_FORWARD);
  const xe0 = load<usize>(LAYOUT), ind = load<usize>(LAYOUT, 4);
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  const inPixels = field(g, 0) * field(g, 1) * field(g, 2);
  const outPixels = field(g, 0) * field(g, 4) * field(g, 5);
  let xe = x;
  if (outC != inC) {
    xe = xe0;
    expand_channels(x, inPixels, inC, outC / inC, xe);
  }
  build_forward_indirection(g, xe, <usize>outC << 2, 0, ind);
  depthwise_rows(outPixels, taps, outC, ind, f, y);
}

// ---------------------------------------------------------------------------------------------
// Input gradient.

export function depthwise_conv2d_backprop_input_scratch_bytes(g: usize): usize {
  return layout(g, 0, OP_INPUT);
}

/**
 * dx[b, iy, ix, ci] = sum over (ky, kx, m) with iy = oy*sh - pt + ky*dh, ix = ox*sw - pl + kx*dw
 * of dy[b, oy, ox, ci*mult + m] * f[ky, kx, ci, m].
 * dy: f32 [batch, outH, outW, outC]; f: f32 [kh, kw, inC, mult]; dx: f32 NHWC (overwritten);
 * scratch: depthwise_conv2d_backprop_input_scratch_bytes(g) bytes.
 */
export function depthwise_conv2d_backprop_input_f32(g: usize, dy: usize, f: usize, dx: usize, scratch: usize): void {
  layout(g, scratch, OP_INPUT);
  const dxe = load<usize>(LAYOUT), ind = load<usize>(LAYOUT, 4), tables = load<usize>(LAYOUT, 8);
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  const inPixels = field(g, 0) * field(g, 1) * field(g, 2);
  build_backprop_input_indirection(g, dy, ind, tables);
  if (outC == inC) {
    depthwise_rows(inPixels, taps, outC, ind, f, dx);
  } else {
    depthwise_rows(inPixels, taps, outC, ind, f, dxe);
    reduce_channels(dxe, inPixels, inC, outC / inC, dx);
  }
}

// ---------------------------------------------------------------------------------------------
// Filter gradient: df[t][co] accumulates over output pixels in chunks; within a chunk, for every
// (tap, 16-channel block) the accumulators stay in registers while the chunk's pixels stream by.

export function depthwise_conv2d_backprop_filter_scratch_bytes(g: usize): usize {
  return layout(g, 0, OP_FILTER);
}

/**
 * df[ky, kx, ci, m] = sum over b, oy, ox of
 *   x[b, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw, ci] * dy[b, oy, ox, ci*mult + m]  (zero outside).
 * x: f32 NHWC; dy: f32 [batch, outH, outW, outC]; df: f32 [kh, kw, inC, mult] (overwritten);
 * scratch: depthwise_conv2d_backprop_filter_scratch_bytes(g) bytes.
 */
export function depthwise_conv2d_backprop_filter_f32(g: usize, x: usize, dy: usize, df: usize, scratch: usize): void {
  layout(g, scratch, OP_FILTER);
  const xe0 = load<usize>(LAYOUT), ind = load<usize>(LAYOUT, 4);
  const inC = field(g, 3), outC = field(g, 6), taps = field(g, 7) * field(g, 8);
  const inPixels = field(g, 0) * field(g, 1) * field(g, 2);
  const outPixels = field(g, 0) * field(g, 4) * field(g, 5);
  let xe = x;
  if (outC != inC) {
    xe = xe0;
    expand_channels(x, inPixels, inC, outC / inC, xe);
  }
  const rowBytes = <usize>outC << 2;
  build_forward_indirection(g, xe, rowBytes, 0, ind);
  memory.fill(df, 0, <usize>taps * rowBytes);
  const chunk = max(16, CHUNK_FLOATS / outC);
  const indStride = <usize>taps << 2;
  for (let p0 = 0; p0 < outPixels; p0 += chunk) {
    const p1 = min(p0 + chunk, outPixels);
    for (let t = 0; t < taps; t++) {
      const acc = df + <usize>t * rowBytes;
      const ind0 = ind + <usize>p0 * indStride + (<usize>t << 2);
      const dy0 = dy + <usize>p0 * rowBytes;
      let c = 0;
      for (; c + 16 <= outC; c += 16) {
        const off = <usize>c << 2;
        let a0 = v128.load(acc + off), a1 = v128.load(acc + off, 16);
        let a2 = v128.load(acc + off, 32), a3 = v128.load(acc + off, 48);
        let ip = ind0;
        let d = dy0 + off;
        for (let p = p0; p < p1; p++) {
          const a = <usize>load<u32>(ip);
          if (a != 0) {
            const s = a + off;
            a0 = madd(v128.load(s), v128.load(d), a0);
            a1 = madd(v128.load(s, 16), v128.load(d, 16), a1);
            a2 = madd(v128.load(s, 32), v128.load(d, 32), a2);
            a3 = madd(v128.load(s, 48), v128.load(d, 48), a3);
          }
          ip += indStride;
          d += rowBytes;
        }
        v128.store(acc + off, a0);
        v128.store(acc + off, a1, 16);
        v128.store(acc + off, a2, 32);
        v128.store(acc + off, a3, 48);
      }
      for (; c + 4 <= outC; c += 4) {
        const off = <usize>c << 2;
        let a0 = v128.load(acc + off);
        let ip = ind0;
        let d = dy0 + off;
        for (let p = p0; p < p1; p++) {
          const a = <usize>load<u32>(ip);
          if (a != 0) a0 = madd(v128.load(a + off), v128.load(d), a0);
          ip += indStride;
          d += rowBytes;
        }
        v128.store(acc + off, a0);
      }
      for (; c < outC; c++) {
        const off = <usize>c << 2;
        let s = load<f32>(acc + off);
        let ip = ind0;
        let d = dy0 + off;
        for (let p = p0; p < p1; p++) {
          const a = <usize>load<u32>(ip);
          if (a != 0) s += load<f32>(a + off) * load<f32>(d);
          ip += indStride;
          d += rowBytes;
        }
        store<f32>(acc + off, s);
      }
    }
  }
}
