// Max-pool gradient (NHWC): dx[argmax of each window] += dy. tfjs-backend-wasm's MaxPoolGrad took
// 18 ms of a ~125 ms LeNet-5 training step (batch 64, tf.profile). Semantics as tfjs-backend-cpu's
// maxPoolPositions: the first strictly greatest value of a window wins (row-major order), taps
// outside the input are skipped, a window with no value above -Infinity passes no gradient.
//
// Geometry: the conv struct of assembly/conv2d.ts with inC = outC = channels and the pooling
// window as the filter (fields 7, 8), strides 9, 10, pads 11, 12, dilations 13, 14.

import { field } from "./geometry";

const LANE_IDX = memory.data(16, 16);

/**
 * x: f32 [batch, inH, inW, C] (the pooling input); dy: f32 [batch, outH, outW, C];
 * dx: f32 [batch, inH, inW, C], overwritten.
 */
export function max_pool_backprop_f32(g: usize, x: usize, dy: usize, dx: usize): void {
  const batch = field(g, 0), inH = field(g, 1), inW = field(g, 2), C = field(g, 3);
  const outH = field(g, 4), outW = field(g, 5), kh = field(g, 7), kw = field(g, 8);
  const sh = field(g, 9), sw = field(g, 10), pt = field(g, 11), pl = field(g, 12);
  const dh = field(g, 13), dw = field(g, 14);
  memory.fill(dx, 0, <usize>batch * inH * inW * C << 2);
  const rowBytes = <usize>C << 2;
  const c4 = C & ~3;
  const minusInf = f32x4.splat(-Infinity);
  for (let b = 0; b < batch; b++) {
    const xImage = x + <usize>b * inH * inW * rowBytes;
    const dxImage = dx + <usize>b * inH * inW * rowBytes;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyRow = dy + (<usize>((b * outH + oy) * outW + ox)) * rowBytes;
        // Channels in blocks of 4: track the max and the byte offset of its pixel row.
        for (let c = 0; c < c4; c += 4) {
          const cOff = <usize>c << 2;
          let vmax = minusInf;
          let vpos = i32x4.splat(-1);
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (<u32>iy >= <u32>inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - pl + kx * dw;
              if (<u32>ix >= <u32>inW) continue;
              const pos = (iy * inW + ix) * C * 4;
              const v = v128.load(xImage + <usize>pos + cOff);
              const gt = f32x4.gt(v, vmax);
              vmax = v128.bitselect(v, vmax, gt);
              vpos = v128.bitselect(i32x4.splat(pos), vpos, gt);
            }
          }
          v128.store(LANE_IDX, vpos);
          for (let lane = 0; lane < 4; lane++) {
            const pos = load<i32>(LANE_IDX + (<usize>lane << 2));
            if (pos < 0) continue;
            const dst = dxImage + <usize>pos + cOff + (<usize>lane << 2);
            store<f32>(dst, load<f32>(dst) + load<f32>(dyRow + cOff + (<usize>lane << 2)));
          }
        }
        for (let c = c4; c < C; c++) {
          const cOff = <usize>c << 2;
          let max: f32 = -Infinity;
          let best: i32 = -1;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (<u32>iy >= <u32>inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - pl + kx * dw;
              if (<u32>ix >= <u32>inW) continue;
              const pos = (iy * inW + ix) * C * 4;
              const v = load<f32>(xImage + <usize>pos + cOff);
              if (v > max) {
                max = v;
                best = pos;
              }
            }
          }
          if (best >= 0) {
            const dst = dxImage + <usize>best + cOff;
            store<f32>(dst, load<f32>(dst) + load<f32>(dyRow + cOff));
          }
        }
      }
    }
  }
}
