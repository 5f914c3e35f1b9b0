/**
 * Pooling (NHWC; a conv geometry with inC = outC and the pooling window as the filter): the
 * max-pool gradient and the forward max / average pooling, their arguments and output sizes,
 * checked once for the references (src/kernels/reference/max-pool.ts, pool.ts) and the WASM
 * wrappers (src/kernels/wasm/max-pool.ts, pool.ts).
 */
import { checkGeometry, inputSize, outputSize, type Conv2DGeometry } from '../geometry.ts';
import { checkF32, checkOut, kernelSpec } from '../validate.ts';
import { geometrySpec } from './conv2d.ts';

export type PoolMode = 'max' | 'average';

export function poolGeometry(kernel: string, g: Conv2DGeometry): void {
  checkGeometry(kernel, g, 'conv2dGeometry', 0);
  if (g.inC !== g.outC) {
    throw new RangeError(`${kernel}: pooling keeps the channels, but the geometry has ${g.inC} in and ${g.outC} out`);
  }
}

/** Returns dx's length. */
export const maxPoolBackpropSpec = geometrySpec('maxPoolBackprop', poolGeometry, ['x', inputSize], ['dy', outputSize], inputSize);

/** y = the window's max or mean (the taps inside the image only); returns y's length. */
export const pool2dSpec = kernelSpec('pool2d', (kernel, g: Conv2DGeometry, x: Float32Array, mode: PoolMode, out?: Float32Array): number => {
  poolGeometry(kernel, g);
  if (g.dilationH !== 1 || g.dilationW !== 1) throw new RangeError(`${kernel}: pooling windows are not dilated, got dilations ${g.dilationH}×${g.dilationW}`);
  checkF32(kernel, 'x', x, inputSize(g));
  if (mode !== 'max' && mode !== 'average') throw new TypeError(`${kernel}: mode must be 'max' or 'average', got ${String(mode)}`);
  checkOut(kernel, out, outputSize(g));
  return outputSize(g);
});
