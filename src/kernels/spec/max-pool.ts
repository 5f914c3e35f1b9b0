/**
 * The max-pool gradient (NHWC; a conv geometry with inC = outC and the pooling window as the
 * filter): its arguments and the size of dx, checked once for the reference
 * (src/kernels/reference/max-pool.ts) and the WASM wrapper (src/kernels/wasm/max-pool.ts).
 */
import { checkGeometry, inputSize, outputSize, type Conv2DGeometry } from '../geometry.ts';
import { geometrySpec } from './conv2d.ts';

function poolGeometry(kernel: string, g: Conv2DGeometry): void {
  checkGeometry(kernel, g, 'conv2dGeometry', 0);
  if (g.inC !== g.outC) {
    throw new RangeError(`${kernel}: pooling keeps the channels, but the geometry has ${g.inC} in and ${g.outC} out`);
  }
}

/** Returns dx's length. */
export const maxPoolBackpropSpec = geometrySpec('maxPoolBackprop', poolGeometry, ['x', inputSize], ['dy', outputSize], inputSize);
