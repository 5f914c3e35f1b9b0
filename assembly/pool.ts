// Max and average pooling forward (NHWC), for inference (src/infer): channels in blocks of 4 lanes,
// the window's taps clipped to the image, so a 'same' window at the border reads only pixels
// inside it and an average divides by the number it read (TensorFlow's count_include_pad=false).
// The semantics are those of src/kernels/reference/pool.ts, the spec.
//
// Geometry: the conv struct of assembly/conv2d.ts with inC = outC = channels and the pooling
// window as the filter (fields 7, 8), strides 9, 10, pads 11, 12 (dilations 1).

import { field } from "./geometry";

/** y[b, oy, ox, c] = max (average = 0) or mean (average = 1) of x over the window; x, y f32 NHWC. */
export function pool2d_f32(g: usize, x: usize, y: usize, average: i32): void {
  const batch = field(g, 0), inH = field(g, 1), inW = field(g, 2), C = field(g, 3);
  const outH = field(g, 4), outW = field(g, 5), kh = field(g, 7), kw = field(g, 8);
  const sh = field(g, 9), sw = field(g, 10), pt = field(g, 11), pl = field(g, 12);
  const rowBytes = <usize>C << 2;
  const c4 = C & ~3;
  let out = y;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * inH * inW * rowBytes;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = max(0, oy * sh - pt), y1 = min(inH, oy * sh - pt + kh);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = max(0, ox * sw - pl), x1 = min(inW, ox * sw - pl + kw);
        const count = <f32>((y1 - y0) * (x1 - x0));
        for (let c = 0; c < c4; c += 4) {
          const cOff = <usize>c << 2;
          let acc = average ? f32x4.splat(0) : f32x4.splat(-Infinity);
          for (let iy = y0; iy < y1; iy++) {
            let p = image + <usize>(iy * inW + x0) * rowBytes + cOff;
            for (let ix = x0; ix < x1; ix++) {
              const v = v128.load(p);
              acc = average ? f32x4.add(acc, v) : f32x4.max(acc, v);
              p += rowBytes;
            }
          }
          v128.store(out, average ? f32x4.div(acc, f32x4.splat(count)) : acc);
          out += 16;
        }
        for (let c = c4; c < C; c++) {
          let acc: f32 = average ? 0 : -Infinity;
          for (let iy = y0; iy < y1; iy++) {
            let p = image + <usize>(iy * inW + x0) * rowBytes + (<usize>c << 2);
            for (let ix = x0; ix < x1; ix++) {
              const v = load<f32>(p);
              acc = average ? acc + v : max(acc, v);
              p += rowBytes;
            }
          }
          store<f32>(out, average ? acc / count : acc);
          out += 4;
        }
      }
    }
  }
}
