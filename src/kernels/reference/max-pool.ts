/**
 * The scalar specification of the max-pool gradient (NHWC), with tfjs-backend-cpu's semantics:
 * the first strictly greatest value of each window (row-major) receives the window's dy; taps
 * outside the input are skipped. The geometry is a conv geometry with inC = outC = channels and
 * the pooling window as the filter.
 */
import type { Conv2DGeometry } from '../geometry.ts';
import { maxPoolBackpropSpec } from '../spec/max-pool.ts';
import { into } from '../validate.ts';

export function maxPoolBackpropReference(g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): Float32Array {
  const dx = new Float32Array(maxPoolBackpropSpec.checkReference(g, x, dy, out));
  const C = g.inC;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let c = 0; c < C; c++) {
          let max = -Infinity;
          let best = -1;
          for (let ky = 0; ky < g.filterH; ky++) {
            const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
            if (iy < 0 || iy >= g.inH) continue;
            for (let kx = 0; kx < g.filterW; kx++) {
              const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
              if (ix < 0 || ix >= g.inW) continue;
              const at = ((b * g.inH + iy) * g.inW + ix) * C + c;
              if (x[at]! > max) {
                max = x[at]!;
                best = at;
              }
            }
          }
          if (best >= 0) dx[best]! += dy[((b * g.outH + oy) * g.outW + ox) * C + c]!;
        }
      }
    }
  }
  return into(out, dx);
}
