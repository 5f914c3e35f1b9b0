/**
 * The readable scalar specification of depthwise 2-D convolution and its two gradients: NHWC
 * input, filter [kh, kw, inC, multiplier] (tfjs's layout), output channel co = ci·multiplier + m,
 * geometry from depthwiseConv2dGeometry (outC = inC·multiplier). Accumulates in float64; the
 * WASM kernels (assembly/depthwise_conv2d.ts) are tested against these, and these against tfjs's
 * depthwiseConv2d and its gradients.
 */
import type { Conv2DGeometry } from '../geometry.ts';
import {
  depthwiseConv2dSpec, depthwiseConv2dBackpropInputSpec, depthwiseConv2dBackpropFilterSpec,
} from '../spec/depthwise-conv2d.ts';
import { into } from '../validate.ts';

/**
 * Calls visit(xPixel, yPixel, tap) for every output pixel and every filter tap that falls inside
 * the input; pixels are flat NHWC pixel indices, tap = ky·kw + kx.
 */
function forEachTap(g: Conv2DGeometry, visit: (xPixel: number, yPixel: number, tap: number) => void): void {
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const yPixel = (b * g.outH + oy) * g.outW + ox;
        for (let ky = 0; ky < g.filterH; ky++) {
          const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.filterW; kx++) {
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            if (ix < 0 || ix >= g.inW) continue;
            visit((b * g.inH + iy) * g.inW + ix, yPixel, ky * g.filterW + kx);
          }
        }
      }
    }
  }
}

/** y[b, oy, ox, ci·M + m] = Σ_{ky,kx} x[b, iy, ix, ci] · f[ky, kx, ci, m]. */
export function depthwiseConv2dReference(g: Conv2DGeometry, x: Float32Array, filter: Float32Array, out?: Float32Array): Float32Array {
  const acc = new Float64Array(depthwiseConv2dSpec.checkReference(g, x, filter, out));
  const mult = g.outC / g.inC;
  forEachTap(g, (xPixel, yPixel, tap) => {
    for (let co = 0; co < g.outC; co++) {
      const ci = Math.floor(co / mult);
      acc[yPixel * g.outC + co]! += x[xPixel * g.inC + ci]! * filter[tap * g.outC + co]!;
    }
  });
  return into(out, Float32Array.from(acc));
}

/** dx[b, iy, ix, ci] = Σ over (oy, ox, tap) reading it and m < M of dy[b, oy, ox, ci·M + m] · f[tap, ci, m]. */
export function depthwiseConv2dBackpropInputReference(
  g: Conv2DGeometry, dy: Float32Array, filter: Float32Array, out?: Float32Array,
): Float32Array {
  const acc = new Float64Array(depthwiseConv2dBackpropInputSpec.checkReference(g, dy, filter, out));
  const mult = g.outC / g.inC;
  forEachTap(g, (xPixel, yPixel, tap) => {
    for (let ci = 0; ci < g.inC; ci++) {
      for (let m = 0; m < mult; m++) {
        const co = ci * mult + m;
        acc[xPixel * g.inC + ci]! += dy[yPixel * g.outC + co]! * filter[tap * g.outC + co]!;
      }
    }
  });
  return into(out, Float32Array.from(acc));
}

/** df[ky, kx, ci, m] = Σ over b, oy, ox of x[b, iy, ix, ci] · dy[b, oy, ox, ci·M + m]. */
export function depthwiseConv2dBackpropFilterReference(
  g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array,
): Float32Array {
  const acc = new Float64Array(depthwiseConv2dBackpropFilterSpec.checkReference(g, x, dy, out));
  const mult = g.outC / g.inC;
  forEachTap(g, (xPixel, yPixel, tap) => {
    for (let co = 0; co < g.outC; co++) {
      const ci = Math.floor(co / mult);
      acc[tap * g.outC + co]! += x[xPixel * g.inC + ci]! * dy[yPixel * g.outC + co]!;
    }
  });
  return into(out, Float32Array.from(acc));
}
