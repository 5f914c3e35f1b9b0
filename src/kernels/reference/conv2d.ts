/**
 * The readable scalar specification of 2-D convolution and its two gradients (NHWC input,
 * HWIO filter). Accumulates in float64; the WASM kernels (assembly/conv2d.ts) are tested
 * against these on swept shapes, and these against tfjs's conv2d and its gradients.
 */
import type { Conv2DGeometry } from '../geometry.ts';
import {
  conv2dSpec, conv2dBackpropInputSpec, conv2dBackpropFilterSpec, type Conv2DEpilogue,
} from '../spec/conv2d.ts';
import { into } from '../validate.ts';

/** Calls visit(inIndex, outIndexBase, filterIndexBase) for every (output pixel, tap, in channel). */
function forEachTap(
  g: Conv2DGeometry,
  visit: (xRow: number, yRow: number, fRow: number) => void,
): void {
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const yRow = ((b * g.outH + oy) * g.outW + ox) * g.outC;
        for (let ky = 0; ky < g.filterH; ky++) {
          const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.filterW; kx++) {
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            if (ix < 0 || ix >= g.inW) continue;
            const xRow = ((b * g.inH + iy) * g.inW + ix) * g.inC;
            const fRow = (ky * g.filterW + kx) * g.inC * g.outC;
            visit(xRow, yRow, fRow);
          }
        }
      }
    }
  }
}

/** y = act(conv2d(x, filter) + bias + residual), with conv2d's arguments (src/kernels/spec/conv2d.ts). */
export function conv2dReference(
  g: Conv2DGeometry,
  x: Float32Array,
  filter: Float32Array,
  epilogue: Conv2DEpilogue = {},
  out?: Float32Array,
): Float32Array {
  const { bias, residual, relu = false } = epilogue;
  const acc = new Float64Array(conv2dSpec.checkReference(g, x, filter, epilogue, out));
  forEachTap(g, (xRow, yRow, fRow) => {
    for (let ci = 0; ci < g.inC; ci++) {
      const xv = x[xRow + ci]!;
      const f = fRow + ci * g.outC;
      for (let co = 0; co < g.outC; co++) acc[yRow + co]! += xv * filter[f + co]!;
    }
  });
  const y = new Float32Array(acc.length);
  for (let i = 0; i < y.length; i++) {
    const v = acc[i]! + (bias ? bias[i % g.outC]! : 0) + (residual ? residual[i]! : 0);
    y[i] = relu ? Math.max(0, v) : v;
  }
  return into(out, y);
}

export function conv2dBackpropInputReference(g: Conv2DGeometry, dy: Float32Array, filter: Float32Array, out?: Float32Array): Float32Array {
  const acc = new Float64Array(conv2dBackpropInputSpec.checkReference(g, dy, filter, out));
  forEachTap(g, (xRow, yRow, fRow) => {
    for (let ci = 0; ci < g.inC; ci++) {
      const f = fRow + ci * g.outC;
      let s = 0;
      for (let co = 0; co < g.outC; co++) s += dy[yRow + co]! * filter[f + co]!;
      acc[xRow + ci]! += s;
    }
  });
  return into(out, Float32Array.from(acc));
}

export function conv2dBackpropFilterReference(g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): Float32Array {
  const acc = new Float64Array(conv2dBackpropFilterSpec.checkReference(g, x, dy, out));
  forEachTap(g, (xRow, yRow, fRow) => {
    for (let ci = 0; ci < g.inC; ci++) {
      const xv = x[xRow + ci]!;
      const f = fRow + ci * g.outC;
      for (let co = 0; co < g.outC; co++) acc[f + co]! += xv * dy[yRow + co]!;
    }
  });
  return into(out, Float32Array.from(acc));
}
