/**
 * The max-pool gradient (NHWC; a conv geometry with inC = outC and the pooling window as the
 * filter): its arguments and the size of dx, checked once for the reference
 * (src/kernels/reference/max-pool.ts) and the WASM wrapper (src/kernels/wasm/max-pool.ts).
 */
import { checkGeometry, inputSize, outputSize, type Conv2DGeometry } from '../geometry.ts';
import { checkF32, checkOut, kernelSpec } from '../validate.ts';

/** Returns dx's length. */
export const maxPoolBackpropSpec = kernelSpec(
  'maxPoolBackprop',
  (kernel, g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): number => {
    checkGeometry(kernel, g, 'conv2dGeometry', 0);
    if (g.inC !== g.outC) {
      throw new RangeError(`${kernel}: pooling keeps the channels, but the geometry has ${g.inC} in and ${g.outC} out`);
    }
    checkF32(kernel, 'x', x, inputSize(g));
    checkF32(kernel, 'dy', dy, outputSize(g));
    checkOut(kernel, out, inputSize(g));
    return inputSize(g);
  },
);
