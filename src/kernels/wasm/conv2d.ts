/**
 * Typed wrappers over assembly/conv2d.ts (arguments: src/kernels/spec/conv2d.ts; the call:
 * ./call.ts). The kernels must be loaded first (`await initKernels()`).
 */
import { callKernel, putGeometry, withKernels } from './call.ts';
import { conv2dMacs, type Conv2DGeometry } from '../geometry.ts';
import {
  conv2dSpec, conv2dBackpropInputSpec, conv2dBackpropFilterSpec, type Conv2DEpilogue,
} from '../spec/conv2d.ts';
import { runRows } from '../../wasm/threads.ts';

export type { Conv2DEpilogue } from '../spec/conv2d.ts';

const FLAG_BIAS = 1;
const FLAG_RELU = 2;

/** y = act(conv2d(x, filter) + bias + residual): x NHWC, filter HWIO, y and residual NHWC. */
export function conv2d(g: Conv2DGeometry, x: Float32Array, filter: Float32Array, epilogue: Conv2DEpilogue = {}, out?: Float32Array): Float32Array {
  return conv2dOnPath('auto', g, x, filter, epilogue, out);
}

/**
 * The forward kernel's two paths (assembly/conv2d.ts): the indirect GEMM, and the thin-layer
 * path (assembly/conv2d_thin.ts: pixels in the vectors, unit strides only). 'auto' takes the
 * one the kernel's shape rule chooses; both give the same bits.
 */
export type Conv2DPath = 'auto' | 'gemm' | 'thin';

const PATH_FLAGS: Record<Conv2DPath, number> = { auto: 0, gemm: 8, thin: 16 };

/** Whether conv2d runs g on the thin-layer path (the kernel's own shape rule). */
export function conv2dTakesThinPath(g: Conv2DGeometry): boolean {
  return withKernels((k) => k.exports.conv2d_thin_chosen(putGeometry(k, g)) !== 0);
}

/** conv2d on a chosen path (tests and benchmarks compare the two). */
export function conv2dOnPath(path: Conv2DPath, g: Conv2DGeometry, x: Float32Array, filter: Float32Array, epilogue: Conv2DEpilogue = {}, out?: Float32Array): Float32Array {
  const n = conv2dSpec.check(g, x, filter, epilogue, out);
  if (!(path in PATH_FLAGS)) throw new TypeError(`conv2dOnPath: path must be 'auto', 'gemm' or 'thin', got ${JSON.stringify(path)}`);
  if (path === 'thin' && (g.strideH !== 1 || g.strideW !== 1)) {
    throw new RangeError(`conv2dOnPath: the thin path takes unit strides only, got [${g.strideH}, ${g.strideW}]`);
  }
  const { bias, residual, relu } = epilogue;
  return callKernel({
    geometry: g,
    flags: (bias ? FLAG_BIAS : 0) | (relu ? FLAG_RELU : 0) | PATH_FLAGS[path],
    // A placeholder where there is no bias, so the residual keeps its place.
    inputs: residual ? [x, filter, bias ?? new Float32Array(1), residual] : bias ? [x, filter, bias] : [x, filter],
    outputs: [n],
    into: [out],
    scratch: (k, gp) => k.exports.conv2d_scratch_bytes(gp),
    args: 64,
    run(k, { geometry, inputs: [xp, fp, bp = 0, rp], outputs: [yp], scratch, args }) {
      k.exports.conv2d_prepare_f32(geometry, xp!, fp!, bias ? bp : 0, yp!, scratch, args);
      if (rp !== undefined) k.exports.conv2d_set_residual_f32(args, rp);
      runRows(k, 'igemm_rows_f32', args, k.arena.i32(args, 1)[0]!, 4, conv2dMacs(g));
    },
  })[0]!;
}

/** dx = the gradient of conv2d's output with respect to its input, given dy. */
export function conv2dBackpropInput(g: Conv2DGeometry, dy: Float32Array, filter: Float32Array, out?: Float32Array): Float32Array {
  const n = conv2dBackpropInputSpec.check(g, dy, filter, out);
  return callKernel({
    geometry: g,
    inputs: [dy, filter],
    outputs: [n],
    into: [out],
    scratch: (k, gp) => k.exports.conv2d_backprop_input_scratch_bytes(gp),
    args: 64,
    run(k, { geometry, inputs: [dyp, fp], outputs: [dxp], scratch, args }) {
      k.exports.conv2d_backprop_input_prepare_f32(geometry, dyp!, fp!, dxp!, scratch, args);
      runRows(k, 'igemm_rows_f32', args, k.arena.i32(args, 1)[0]!, 4, conv2dMacs(g));
    },
  })[0]!;
}

/** dfilter = the gradient of conv2d's output with respect to the filter, given x and dy. */
export function conv2dBackpropFilter(g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): Float32Array {
  const n = conv2dBackpropFilterSpec.check(g, x, dy, out);
  return callKernel({
    geometry: g,
    inputs: [x, dy],
    outputs: [n],
    into: [out],
    scratch: (k, gp) => k.exports.conv2d_backprop_filter_scratch_bytes(gp),
    args: 64,
    run(k, { geometry, inputs: [xp, dyp], outputs: [dfp], scratch, args }) {
      k.exports.conv2d_backprop_filter_prepare_f32(geometry, xp!, dyp!, dfp!, scratch, args);
      // Accumulator rows: taps × input channels (args 8 and 12, see assembly/conv2d.ts).
      const [taps, channels] = k.arena.i32(args + 8, 2) as unknown as [number, number];
      runRows(k, 'filter_grad_rows_f32', args, taps * channels, 4, conv2dMacs(g));
      k.exports.conv2d_backprop_filter_finish_f32(args);
    },
  })[0]!;
}
