/**
 * Depthwise conv2d and its two gradients (NHWC input, filter [kh, kw, inC, multiplier], geometry
 * from depthwiseConv2dGeometry): their arguments and the size of what each returns, checked once
 * for the reference (src/kernels/reference/depthwise-conv2d.ts) and the WASM wrappers
 * (src/kernels/wasm/depthwise-conv2d.ts).
 */
import { depthwiseFilterSize, depthwiseMultiplier, inputSize, outputSize, type Conv2DGeometry } from '../geometry.ts';
import { geometrySpec } from './conv2d.ts';

const geometry = (kernel: string, g: Conv2DGeometry): void => void depthwiseMultiplier(kernel, g);

/** Returns y's length. */
export const depthwiseConv2dSpec = geometrySpec(
  'depthwiseConv2d', geometry, ['x', inputSize], ['filter', depthwiseFilterSize], outputSize,
);

/** Returns dx's length. */
export const depthwiseConv2dBackpropInputSpec = geometrySpec(
  'depthwiseConv2dBackpropInput', geometry, ['dy', outputSize], ['filter', depthwiseFilterSize], inputSize,
);

/** Returns dfilter's length. */
export const depthwiseConv2dBackpropFilterSpec = geometrySpec(
  'depthwiseConv2dBackpropFilter', geometry, ['x', inputSize], ['dy', outputSize], depthwiseFilterSize,
);
