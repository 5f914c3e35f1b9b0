/**
 * Typed wrappers over assembly/depthwise_conv2d.ts (NHWC input, filter [kh, kw, inC, multiplier],
 * geometry from depthwiseConv2dGeometry; arguments: src/kernels/spec/depthwise-conv2d.ts; the
 * call: ./call.ts). The kernels must be loaded first (`await initKernels()`).
 *
 * tfjs-backend-wasm 4.22 has no DepthwiseConv2dNativeBackpropFilter/Input kernels; these are the
 * functions to register for them (the registration itself lives with the tfjs backend glue).
 */
import { callKernel } from './call.ts';
import type { Conv2DGeometry } from '../geometry.ts';
import {
  depthwiseConv2dSpec, depthwiseConv2dBackpropInputSpec, depthwiseConv2dBackpropFilterSpec,
} from '../spec/depthwise-conv2d.ts';

/** y = depthwiseConv2d(x, filter): y[b, oy, ox, ci·M + m] = Σ_taps x[b, iy, ix, ci] · f[ky, kx, ci, m]. */
export function depthwiseConv2d(g: Conv2DGeometry, x: Float32Array, filter: Float32Array, out?: Float32Array): Float32Array {
  const n = depthwiseConv2dSpec.check(g, x, filter, out);
  return callKernel({
    geometry: g,
    inputs: [x, filter],
    outputs: [n],
    into: [out],
    scratch: (k, gp) => k.exports.depthwise_conv2d_scratch_bytes(gp),
    run: (k, { geometry, inputs: [xp, fp], outputs: [yp], scratch }) =>
      k.exports.depthwise_conv2d_f32(geometry, xp!, fp!, yp!, scratch),
  })[0]!;
}

/** dx = the gradient of depthwiseConv2d's output with respect to its input, given dy. */
export function depthwiseConv2dBackpropInput(g: Conv2DGeometry, dy: Float32Array, filter: Float32Array, out?: Float32Array): Float32Array {
  const n = depthwiseConv2dBackpropInputSpec.check(g, dy, filter, out);
  return callKernel({
    geometry: g,
    inputs: [dy, filter],
    outputs: [n],
    into: [out],
    scratch: (k, gp) => k.exports.depthwise_conv2d_backprop_input_scratch_bytes(gp),
    run: (k, { geometry, inputs: [dyp, fp], outputs: [dxp], scratch }) =>
      k.exports.depthwise_conv2d_backprop_input_f32(geometry, dyp!, fp!, dxp!, scratch),
  })[0]!;
}

/** dfilter = the gradient of depthwiseConv2d's output with respect to the filter, given x and dy. */
export function depthwiseConv2dBackpropFilter(g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): Float32Array {
  const n = depthwiseConv2dBackpropFilterSpec.check(g, x, dy, out);
  return callKernel({
    geometry: g,
    inputs: [x, dy],
    outputs: [n],
    into: [out],
    scratch: (k, gp) => k.exports.depthwise_conv2d_backprop_filter_scratch_bytes(gp),
    run: (k, { geometry, inputs: [xp, dyp], outputs: [dfp], scratch }) =>
      k.exports.depthwise_conv2d_backprop_filter_f32(geometry, xp!, dyp!, dfp!, scratch),
  })[0]!;
}
