// The conv geometry struct shared by conv2d, depthwise conv and max-pool (16 i32 at `g`; field
// order in src/kernels/geometry.ts, GEOMETRY_FIELDS), and the forward indirection buffer they
// all read their input rows through.

@inline export function field(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/**
 * ind[((b*outH + oy)*outW + ox)*kh*kw + ky*kw + kx] = address of the input row (rowBytes apart,
 * starting at `src`) that tap (ky, kx) of output pixel (b, oy, ox) reads, or `outside` where the
 * tap falls into the padding (a zero row, or 0 for callers that test for it).
 */
export function build_forward_indirection(g: usize, src: usize, rowBytes: usize, outside: usize, ind: usize): void {
  const batch = field(g, 0), inH = field(g, 1), inW = field(g, 2);
  const outH = field(g, 4), outW = field(g, 5), kh = field(g, 7), kw = field(g, 8);
  const sh = field(g, 9), sw = field(g, 10), pt = field(g, 11), pl = field(g, 12);
  const dh = field(g, 13), dw = field(g, 14);
  let p = ind;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            const inside = <u32>iy < <u32>inH && <u32>ix < <u32>inW;
            store<u32>(p, <u32>(inside ? src + <usize>((b * inH + iy) * inW + ix) * rowBytes : outside));
            p += 4;
          }
        }
      }
    }
  }
}
