/**
 * conv2d and its two gradients (NHWC input, HWIO filter): their arguments and the size of what
 * each returns, checked once for the reference (src/kernels/reference/conv2d.ts) and the WASM
 * wrappers (src/kernels/wasm/conv2d.ts).
 */
import { checkGeometry, filterSize, inputSize, outputSize, type Conv2DGeometry } from '../geometry.ts';
import { checkBoolean, checkF32, checkObject, checkOut, kernelSpec } from '../validate.ts';

export interface Conv2DEpilogue {
  bias?: Float32Array;
  relu?: boolean;
}

// Zero-sized geometries are allowed (a matrix product with an empty side runs on these kernels).
const geometry = (kernel: string, g: Conv2DGeometry) => checkGeometry(kernel, g, 'conv2dGeometry', 0);

/** y = act(conv2d(x, filter) + bias); returns y's length. */
export const conv2dSpec = kernelSpec(
  'conv2d',
  (kernel, g: Conv2DGeometry, x: Float32Array, filter: Float32Array, epilogue: Conv2DEpilogue = {}, out?: Float32Array): number => {
    geometry(kernel, g);
    checkF32(kernel, 'x', x, inputSize(g));
    checkF32(kernel, 'filter', filter, filterSize(g));
    checkObject(kernel, 'epilogue', epilogue, '{ bias?: Float32Array, relu?: boolean }');
    if (epilogue.bias !== undefined) checkF32(kernel, 'epilogue.bias', epilogue.bias, g.outC);
    if (epilogue.relu !== undefined) checkBoolean(kernel, 'epilogue.relu', epilogue.relu);
    checkOut(kernel, out, outputSize(g));
    return outputSize(g);
  },
);

/** dx given dy; returns dx's length. */
export const conv2dBackpropInputSpec = kernelSpec(
  'conv2dBackpropInput',
  (kernel, g: Conv2DGeometry, dy: Float32Array, filter: Float32Array, out?: Float32Array): number => {
    geometry(kernel, g);
    checkF32(kernel, 'dy', dy, outputSize(g));
    checkF32(kernel, 'filter', filter, filterSize(g));
    checkOut(kernel, out, inputSize(g));
    return inputSize(g);
  },
);

/** dfilter given x and dy; returns dfilter's length. */
export const conv2dBackpropFilterSpec = kernelSpec(
  'conv2dBackpropFilter',
  (kernel, g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): number => {
    geometry(kernel, g);
    checkF32(kernel, 'x', x, inputSize(g));
    checkF32(kernel, 'dy', dy, outputSize(g));
    checkOut(kernel, out, filterSize(g));
    return filterSize(g);
  },
);
