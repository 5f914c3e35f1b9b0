/**
 * Typed wrappers over assembly/conv2d.ts: validate, place the buffers in the kernels' memory,
 * call, copy the result out. The kernels must be loaded first (`await initKernels()`).
 */
import type { KernelInstance } from '../../wasm/loader.ts';
import { withKernels, checkOut } from './with-kernels.ts';
import {
  GEOMETRY_FIELDS, filterSize, inputSize, outputSize, conv2dMacs, type Conv2DGeometry,
} from '../geometry.ts';
import { checkF32 } from '../validate.ts';
import { runRows } from '../../wasm/threads.ts';

const FLAG_BIAS = 1;
const FLAG_RELU = 2;

/** Writes the 16-i32 geometry struct into the arena and returns its pointer. */
export function putGeometry(k: KernelInstance, g: Conv2DGeometry, flags = 0): number {
  const ptr = k.arena.alloc(64, 16, 0);
  const view = k.arena.i32(ptr, 16);
  GEOMETRY_FIELDS.forEach((name, i) => (view[i] = g[name]));
  view[15] = flags;
  return ptr;
}


export interface Conv2DEpilogue {
  bias?: Float32Array;
  relu?: boolean;
}

/** y = act(conv2d(x, filter) + bias): x NHWC, filter HWIO, y NHWC. */
export function conv2d(g: Conv2DGeometry, x: Float32Array, filter: Float32Array, epilogue: Conv2DEpilogue = {}, out?: Float32Array): Float32Array {
  checkF32('conv2d', 'x', x, inputSize(g));
  checkF32('conv2d', 'filter', filter, filterSize(g));
  if (epilogue.bias !== undefined) checkF32('conv2d', 'bias', epilogue.bias, g.outC);
  checkOut('conv2d', out, outputSize(g));
  return withKernels((k) => {
    const flags = (epilogue.bias ? FLAG_BIAS : 0) | (epilogue.relu ? FLAG_RELU : 0);
    const gp = putGeometry(k, g, flags);
    const xp = k.arena.put(x);
    const fp = k.arena.put(filter);
    const bp = epilogue.bias ? k.arena.put(epilogue.bias) : 0;
    const n = outputSize(g);
    const yp = k.arena.alloc(n * 4);
    const sp = k.arena.alloc(k.exports.conv2d_scratch_bytes(gp));
    const ap = k.arena.alloc(64);
    k.exports.conv2d_prepare_f32(gp, xp, fp, bp, yp, sp, ap);
    runRows(k, 'igemm_rows_f32', ap, k.arena.i32(ap, 1)[0]!, 4, conv2dMacs(g));
    return k.arena.copyF32(yp, n, out);
  });
}

/** dx = the gradient of conv2d's output with respect to its input, given dy. */
export function conv2dBackpropInput(g: Conv2DGeometry, dy: Float32Array, filter: Float32Array, out?: Float32Array): Float32Array {
  checkF32('conv2dBackpropInput', 'dy', dy, outputSize(g));
  checkF32('conv2dBackpropInput', 'filter', filter, filterSize(g));
  checkOut('conv2dBackpropInput', out, inputSize(g));
  return withKernels((k) => {
    const gp = putGeometry(k, g);
    const dyp = k.arena.put(dy);
    const fp = k.arena.put(filter);
    const n = inputSize(g);
    const dxp = k.arena.alloc(n * 4);
    const sp = k.arena.alloc(k.exports.conv2d_backprop_input_scratch_bytes(gp));
    const ap = k.arena.alloc(64);
    k.exports.conv2d_backprop_input_prepare_f32(gp, dyp, fp, dxp, sp, ap);
    runRows(k, 'igemm_rows_f32', ap, k.arena.i32(ap, 1)[0]!, 4, conv2dMacs(g));
    return k.arena.copyF32(dxp, n, out);
  });
}

/** dfilter = the gradient of conv2d's output with respect to the filter, given x and dy. */
export function conv2dBackpropFilter(g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): Float32Array {
  checkF32('conv2dBackpropFilter', 'x', x, inputSize(g));
  checkF32('conv2dBackpropFilter', 'dy', dy, outputSize(g));
  checkOut('conv2dBackpropFilter', out, filterSize(g));
  return withKernels((k) => {
    const gp = putGeometry(k, g);
    const xp = k.arena.put(x);
    const dyp = k.arena.put(dy);
    const n = filterSize(g);
    const dfp = k.arena.alloc(n * 4);
    const sp = k.arena.alloc(k.exports.conv2d_backprop_filter_scratch_bytes(gp));
    const ap = k.arena.alloc(64);
    k.exports.conv2d_backprop_filter_prepare_f32(gp, xp, dyp, dfp, sp, ap);
    // Accumulator rows: taps × input channels (args 8 and 12, see assembly/conv2d.ts).
    const [taps, channels] = k.arena.i32(ap + 8, 2) as unknown as [number, number];
    runRows(k, 'filter_grad_rows_f32', ap, taps * channels, 4, conv2dMacs(g));
    k.exports.conv2d_backprop_filter_finish_f32(ap);
    return k.arena.copyF32(dfp, n, out);
  });
}
