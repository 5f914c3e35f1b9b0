// Max-pool gradient (NHWC): dx[argmax of each window] += dy. tfjs-backend-wasm's MaxPoolGrad took
// 18 ms of a ~125 ms LeNet-5 training step (batch 64, tf.profile). Semantics as tfjs-backend-cpu's
// maxPoolPositions: the first strictly greatest value of a window wins (row-major order), taps
// outside the input are skipped, a window with no value above -Infinity passes no gradient.
//
// Geometry: the conv struct of assembly/conv2d.ts with inC = outC = channels and the pooling
// window as the filter (fields 7, 8), strides 9, 10, pads 11, 12, dilations 13, 14.

import { field } from "./geometry";
import { threadScratch } from "./thread_scratch";

/**
 * x: f32 [batch, inH, inW, C] (the pooling input); dy: f32 [batch, outH, outW, C];
 * dx: f32 [batch, inH, inW, C], overwritten.
 *
 * This writes the arguments at `args` (16 bytes); max_pool_backprop_batch_f32 over images
 * [0, batch) then computes dx.
 */
export function max_pool_backprop_args(g: usize, x: usize, dy: usize, dx: usize, args: usize): void {
  store<u32>(args, <u32>g); store<u32>(args, <u32>x, 4); store<u32>(args, <u32>dy, 8); store<u32>(args, <u32>dx, 12);
}

/** Images [b0, b1) of the max-pool gradient: images are independent, so threads can split them. */
export function max_pool_backprop_batch_f32(args: usize, b0: i32, b1: i32): void {
  const g = <usize>load<u32>(args), x = <usize>load<u32>(args, 4), dy = <usize>load<u32>(args, 8), dx = <usize>load<u32>(args, 12);
  const LANE_IDX = threadScratch + 32;
  const inH = field(g, 1), inW = field(g, 2), C = field(g, 3);
  const outH = field(g, 4), outW = field(g, 5), kh = field(g, 7), kw = field(g, 8);
  const sh = field(g, 9), sw = field(g, 10), pt = field(g, 11), pl = field(g, 12);
  const dh = field(g, 13), dw = field(g, 14);
  const rowBytes = <usize>C << 2;
  const imageBytes = <usize>inH * inW * rowBytes;
  memory.fill(dx + <usize>b0 * imageBytes, 0, <usize>(b1 - b0) * imageBytes);
  const c4 = C & ~3;
  const minusInf = f32x4.splat(-Infinity);
  for (let b = b0; b < b1; b++) {
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
