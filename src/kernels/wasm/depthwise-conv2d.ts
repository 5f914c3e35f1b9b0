/**
 * Typed wrappers over assembly/depthwise_conv2d.ts (NHWC input, filter [kh, kw, inC, multiplier],
 * geometry from depthwiseConv2dGeometry): validate, place the buffers in the kernels' memory,
 * call, copy the result out. The kernels must be loaded first (`await initKernels()`).
 *
 * tfjs-backend-wasm 4.22 has no DepthwiseConv2dNativeBackpropFilter/Input kernels; these are the
 * functions to register for them (the registration itself lives with the tfjs backend glue).
 */
import type { KernelInstance } from '../../wasm/loader.ts';
import { withKernels, checkOut } from './with-kernels.ts';
import {
  depthwiseFilterSize, depthwiseMultiplier, inputSize, outputSize, type Conv2DGeometry,
} from '../geometry.ts';
import { checkF32 } from '../validate.ts';
import { putGeometry } from './conv2d.ts';


/** y = depthwiseConv2d(x, filter): y[b, oy, ox, ci·M + m] = Σ_taps x[b, iy, ix, ci] · f[ky, kx, ci, m]. */
export function depthwiseConv2d(g: Conv2DGeometry, x: Float32Array, filter: Float32Array, out?: Float32Array): Float32Array {
  const op = 'depthwiseConv2d';
  depthwiseMultiplier(op, g);
  checkF32(op, 'x', x, inputSize(g));
  checkF32(op, 'filter', filter, depthwiseFilterSize(g));
  checkOut('depthwiseConv2d', out, outputSize(g));
  return withKernels((k) => {
    const gp = putGeometry(k, g);
    const xp = k.arena.put(x);
    const fp = k.arena.put(filter);
    const n = outputSize(g);
    const yp = k.arena.alloc(n * 4);
    const sp = k.arena.alloc(k.exports.depthwise_conv2d_scratch_bytes(gp));
    k.exports.depthwise_conv2d_f32(gp, xp, fp, yp, sp);
    return k.arena.copyF32(yp, n, out);
  });
}

/** dx = the gradient of depthwiseConv2d's output with respect to its input, given dy. */
export function depthwiseConv2dBackpropInput(g: Conv2DGeometry, dy: Float32Array, filter: Float32Array, out?: Float32Array): Float32Array {
  const op = 'depthwiseConv2dBackpropInput';
  depthwiseMultiplier(op, g);
  checkF32(op, 'dy', dy, outputSize(g));
  checkF32(op, 'filter', filter, depthwiseFilterSize(g));
  checkOut('depthwiseConv2dBackpropInput', out, inputSize(g));
  return withKernels((k) => {
    const gp = putGeometry(k, g);
    const dyp = k.arena.put(dy);
    const fp = k.arena.put(filter);
    const n = inputSize(g);
    const dxp = k.arena.alloc(n * 4);
    const sp = k.arena.alloc(k.exports.depthwise_conv2d_backprop_input_scratch_bytes(gp));
    k.exports.depthwise_conv2d_backprop_input_f32(gp, dyp, fp, dxp, sp);
    return k.arena.copyF32(dxp, n, out);
  });
}

/** dfilter = the gradient of depthwiseConv2d's output with respect to the filter, given x and dy. */
export function depthwiseConv2dBackpropFilter(g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): Float32Array {
  const op = 'depthwiseConv2dBackpropFilter';
  depthwiseMultiplier(op, g);
  checkF32(op, 'x', x, inputSize(g));
  checkF32(op, 'dy', dy, outputSize(g));
  checkOut('depthwiseConv2dBackpropFilter', out, depthwiseFilterSize(g));
  return withKernels((k) => {
    const gp = putGeometry(k, g);
    const xp = k.arena.put(x);
    const dyp = k.arena.put(dy);
    const n = depthwiseFilterSize(g);
    const dfp = k.arena.alloc(n * 4);
    const sp = k.arena.alloc(k.exports.depthwise_conv2d_backprop_filter_scratch_bytes(gp));
    k.exports.depthwise_conv2d_backprop_filter_f32(gp, xp, dyp, dfp, sp);
    return k.arena.copyF32(dfp, n, out);
  });
}
