/**
 * The scalar specification of forward pooling (NHWC): each output is the max, or the mean, of
 * the window's taps that fall inside the image ('same' windows at the border read fewer pixels,
 * and an average divides by how many it read, as TensorFlow's does). Sums and the division are in
 * float32, in the order the WASM kernel (assembly/pool.ts) takes them: rows, then columns.
 */
import type { Conv2DGeometry } from '../geometry.ts';
import { pool2dSpec, type PoolMode } from '../spec/max-pool.ts';

export function pool2dReference(g: Conv2DGeometry, x: Float32Array, mode: PoolMode, out?: Float32Array): Float32Array {
  const n = pool2dSpec.checkReference(g, x, mode, out);
  const y = out ?? new Float32Array(n);
  const f = Math.fround;
  const C = g.inC;
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      const y0 = Math.max(0, oy * g.strideH - g.padTop);
      const y1 = Math.min(g.inH, oy * g.strideH - g.padTop + g.filterH);
      for (let ox = 0; ox < g.outW; ox++) {
        const x0 = Math.max(0, ox * g.strideW - g.padLeft);
        const x1 = Math.min(g.inW, ox * g.strideW - g.padLeft + g.filterW);
        const count = (y1 - y0) * (x1 - x0);
        for (let c = 0; c < C; c++) {
          let acc = mode === 'max' ? -Infinity : 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const v = x[((b * g.inH + iy) * g.inW + ix) * C + c]!;
              acc = mode === 'max' ? Math.max(acc, v) : f(acc + v);
            }
          }
          y[o++] = mode === 'max' ? acc : f(acc / count);
        }
      }
    }
  }
  return y;
}
