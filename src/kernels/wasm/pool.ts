/**
 * The typed wrapper over assembly/pool.ts (arguments: src/kernels/spec/max-pool.ts; the call:
 * ./call.ts). The kernels must be loaded first (`await initKernels()`).
 */
import { callKernel } from './call.ts';
import type { Conv2DGeometry } from '../geometry.ts';
import { pool2dSpec, type PoolMode } from '../spec/max-pool.ts';

export type { PoolMode } from '../spec/max-pool.ts';

/** y = max or mean pooling of x (NHWC; geometry: a conv's with inC = outC and the window as the filter). */
export function pool2d(g: Conv2DGeometry, x: Float32Array, mode: PoolMode, out?: Float32Array): Float32Array {
  const n = pool2dSpec.check(g, x, mode, out);
  return callKernel({
    geometry: g,
    inputs: [x],
    outputs: [n],
    into: [out],
    run: (k, { geometry, inputs: [xp], outputs: [yp] }) => k.exports.pool2d_f32(geometry, xp!, yp!, mode === 'average' ? 1 : 0),
  })[0]!;
}
