/**
 * Depthwise conv2d and its two gradients (NHWC input, filter [kh, kw, inC, multiplier], geometry
 * from depthwiseConv2dGeometry): their arguments and the size of what each returns, checked once
 * for the reference (src/kernels/reference/depthwise-conv2d.ts) and the WASM wrappers
 * (src/kernels/wasm/depthwise-conv2d.ts).
 */
import { depthwiseFilterSize, depthwiseMultiplier, inputSize, outputSize, type Conv2DGeometry } from '../geometry.ts';
import { checkF32, checkOut, kernelSpec } from '../validate.ts';

/** Returns y's length. */
export const depthwiseConv2dSpec = kernelSpec(
  'depthwiseConv2d',
  (kernel, g: Conv2DGeometry, x: Float32Array, filter: Float32Array, out?: Float32Array): number => {
    depthwiseMultiplier(kernel, g);
    checkF32(kernel, 'x', x, inputSize(g));
    checkF32(kernel, 'filter', filter, depthwiseFilterSize(g));
    checkOut(kernel, out, outputSize(g));
    return outputSize(g);
  },
);

/** Returns dx's length. */
export const depthwiseConv2dBackpropInputSpec = kernelSpec(
  'depthwiseConv2dBackpropInput',
  (kernel, g: Conv2DGeometry, dy: Float32Array, filter: Float32Array, out?: Float32Array): number => {
    depthwiseMultiplier(kernel, g);
    checkF32(kernel, 'dy', dy, outputSize(g));
    checkF32(kernel, 'filter', filter, depthwiseFilterSize(g));
    checkOut(kernel, out, inputSize(g));
    return inputSize(g);
  },
);

/** Returns dfilter's length. */
export const depthwiseConv2dBackpropFilterSpec = kernelSpec(
  'depthwiseConv2dBackpropFilter',
  (kernel, g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): number => {
    depthwiseMultiplier(kernel, g);
    checkF32(kernel, 'x', x, inputSize(g));
    checkF32(kernel, 'dy', dy, outputSize(g));
    checkOut(kernel, out, depthwiseFilterSize(g));
    return depthwiseFilterSize(g);
  },
);
