/**
 * conv2d and its two gradients (NHWC input, HWIO filter): their arguments and the size of what
 * each returns, checked once for the reference (src/kernels/reference/conv2d.ts) and the WASM
 * wrappers (src/kernels/wasm/conv2d.ts).
 */
import { checkGeometry, filterSize, inputSize, outputSize, type Conv2DGeometry } from '../geometry.ts';
import { checkBoolean, checkF32, checkObject, checkOut, kernelSpec, type KernelSpec } from '../validate.ts';

export interface Conv2DEpilogue {
  bias?: Float32Array;
  /** Added after the bias and before the ReLU, shaped as the output (a residual block's sum). */
  residual?: Float32Array;
  relu?: boolean;
}

type Size = (g: Conv2DGeometry) => number;

/**
 * The spec of a kernel over a convolution geometry and two f32 operands, each given as its
 * argument name and length, with an optional `out`; it returns the result's length.
 */
export function geometrySpec(
  name: string,
  geometry: (kernel: string, g: Conv2DGeometry) => void,
  [aName, aSize]: readonly [string, Size],
  [bName, bSize]: readonly [string, Size],
  result: Size,
): KernelSpec<[g: Conv2DGeometry, a: Float32Array, b: Float32Array, out?: Float32Array], number> {
  return kernelSpec(name, (kernel, g: Conv2DGeometry, a: Float32Array, b: Float32Array, out?: Float32Array): number => {
    geometry(kernel, g);
    checkF32(kernel, aName, a, aSize(g));
    checkF32(kernel, bName, b, bSize(g));
    checkOut(kernel, out, result(g));
    return result(g);
  });
}

// Zero-sized geometries are allowed (a matrix product with an empty side runs on these kernels).
const geometry = (kernel: string, g: Conv2DGeometry): void => void checkGeometry(kernel, g, 'conv2dGeometry', 0);

/** y = act(conv2d(x, filter) + bias + residual); returns y's length. */
export const conv2dSpec = kernelSpec(
  'conv2d',
  (kernel, g: Conv2DGeometry, x: Float32Array, filter: Float32Array, epilogue: Conv2DEpilogue = {}, out?: Float32Array): number => {
    geometry(kernel, g);
    checkF32(kernel, 'x', x, inputSize(g));
    checkF32(kernel, 'filter', filter, filterSize(g));
    checkObject(kernel, 'epilogue', epilogue, '{ bias?: Float32Array, residual?: Float32Array, relu?: boolean }');
    if (epilogue.bias !== undefined) checkF32(kernel, 'epilogue.bias', epilogue.bias, g.outC);
    if (epilogue.residual !== undefined) checkF32(kernel, 'epilogue.residual', epilogue.residual, outputSize(g));
    if (epilogue.relu !== undefined) checkBoolean(kernel, 'epilogue.relu', epilogue.relu);
    checkOut(kernel, out, outputSize(g));
    return outputSize(g);
  },
);

/** dx given dy and the filter; returns dx's length. */
export const conv2dBackpropInputSpec = geometrySpec(
  'conv2dBackpropInput', geometry, ['dy', outputSize], ['filter', filterSize], inputSize,
);

/** dfilter given x and dy; returns dfilter's length. */
export const conv2dBackpropFilterSpec = geometrySpec(
  'conv2dBackpropFilter', geometry, ['x', inputSize], ['dy', outputSize], filterSize,
);
