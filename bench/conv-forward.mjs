// Convolutions at inference, one thread, bias and ReLU fused as in a deployed model
// (fuseBatchNorm). Two tables from one run:
// 1. tfjs-backend-wasm's FusedConv2D (XNNPACK) against our replacement (src/tfjs/kernels/Conv2D.ts),
//    both called as tfjs kernels on tensors in tfjs's heap, so ours includes its copies in and
//    out. Where ours declines a shape, tfjs's kernel is timed alone.
// 2. Our kernel alone, prepared once as slimprune/infer runs it (each call: the input refresh and
//    the rows): the indirect GEMM against the thin-layer path (assembly/conv2d_thin.ts), and the
//    path the shape rule chooses; GFLOP/s, the thin layers' target being >= 20.
// Rounds alternate the sides; medians.
//   npm run build && node bench/conv-forward.mjs
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import {
  initKernels, kernels, fusedConv2DReplacement, conv2dGeometry, conv2dTakesThinPath, GEOMETRY_FIELDS,
} from '../dist/internal.js';
import { table, seededArray } from './util.mjs';

// [label, x NHWC, filter HWIO, padding]
const SHAPES = [
  ['mnist-lenet conv1, b64', [64, 28, 28, 1], [5, 5, 1, 20], 'valid'],
  ['mnist-lenet conv1 pruned to 12, b64', [64, 28, 28, 1], [5, 5, 1, 12], 'valid'],
  ['mnist-lenet conv1, b1', [1, 28, 28, 1], [5, 5, 1, 20], 'valid'],
  ['mnist-lenet conv2, b64', [64, 12, 12, 20], [5, 5, 20, 50], 'valid'],
  ['mnist-lenet conv2 pruned 12→20, b64', [64, 12, 12, 12], [5, 5, 12, 20], 'valid'],
  ['cifar-vgg conv1, b64', [64, 32, 32, 3], [3, 3, 3, 32], 'same'],
  ['cifar-vgg conv2, b64', [64, 16, 16, 32], [3, 3, 32, 64], 'same'],
  ['cifar-vgg conv2 pruned 17→28, b64', [64, 16, 16, 17], [3, 3, 17, 28], 'same'],
  ['cifar-vgg conv4, b64', [64, 8, 8, 128], [3, 3, 128, 128], 'same'],
  ['cifar-vgg conv6, b64', [64, 4, 4, 256], [3, 3, 256, 256], 'same'],
  ['cifar-resnet stage1, b64', [64, 32, 32, 16], [3, 3, 16, 16], 'same'],
  // The default's pruned ResNet-20 (RESULTS.md, cifar-resnet): its thin stage-1 layers.
  ['cifar-resnet stem pruned 3→9, b64', [64, 32, 32, 3], [3, 3, 3, 9], 'same'],
  ['cifar-resnet stage1 pruned 9→5, b64', [64, 32, 32, 9], [3, 3, 9, 5], 'same'],
  ['cifar-resnet stage1 pruned 5→9, b64', [64, 32, 32, 5], [3, 3, 5, 9], 'same'],
  ['cifar-resnet stage1 pruned 9→3, b64', [64, 32, 32, 9], [3, 3, 9, 3], 'same'],
  ['cifar-resnet stage2 pruned 24→13, b64', [64, 16, 16, 24], [3, 3, 24, 13], 'same'],
  // Polarization's pruned ResNet-20 (RESULTS.md, cifar-resnet) and the rule's edges.
  ['cifar-resnet stage1 pruned 3→4, b64', [64, 32, 32, 3], [3, 3, 3, 4], 'same'],
  ['cifar-resnet stage1 pruned 4→10, b64', [64, 32, 32, 4], [3, 3, 4, 10], 'same'],
  ['3×3 9→12 at 32×32, b64', [64, 32, 32, 9], [3, 3, 9, 12], 'same'],
  ['3×3 12→8 at 32×32, b64', [64, 32, 32, 12], [3, 3, 12, 8], 'same'],
  ['cifar-vgg conv1, b1', [1, 32, 32, 3], [3, 3, 3, 32], 'same'],
  ['cifar-resnet stem pruned 3→9, b1', [1, 32, 32, 3], [3, 3, 3, 9], 'same'],
];
const ROUNDS = 9;
const REPS = 15;

await tf.setBackend('wasm');
await tf.ready();
await initKernels();
const backend = tf.backend();
const original = tf.getKernel('FusedConv2D', 'wasm');
/** 2 × multiply-adds of a stride-1 convolution. */
const convFlops = ([n, h, w], [fh, fw, inC, outC], pad) =>
  2 * n * (pad === 'same' ? h * w : (h - fh + 1) * (w - fw + 1)) * fh * fw * inC * outC;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
const kernelRows = [];
const k = kernels();
const PATH_FLAGS = { gemm: 8, thin: 16 };
/** Our convolution prepared once in the kernels' memory on one path; returns one call. */
function preparedConv(g, x, filter, bias, path) {
  const a = k.arena;
  const gp = a.alloc(64);
  const v = a.i32(gp, 16);
  GEOMETRY_FIELDS.forEach((name, i) => (v[i] = g[name]));
  v[15] = 1 | 2 | PATH_FLAGS[path];
  const xp = a.put(x), fp = a.put(filter), bp = a.put(bias);
  const yp = a.alloc(g.batch * g.outH * g.outW * g.outC * 4);
  const scratch = a.alloc(k.exports.conv2d_scratch_bytes(gp));
  const args = a.alloc(64);
  k.exports.conv2d_prepare_f32(gp, xp, fp, bp, yp, scratch, args);
  const total = a.i32(args, 1)[0];
  return () => {
    k.exports.conv2d_refresh_input_f32(gp, xp, scratch);
    k.exports.igemm_rows_f32(args, 0, total);
  };
}
function timeKernelPaths(label, xs, fs, pad, flops) {
  const g = conv2dGeometry(xs, fs, { padding: pad });
  const mark = k.arena.mark();
  const x = seededArray(xs.reduce((a, b) => a * b), 1), filter = seededArray(fs.reduce((a, b) => a * b), 2), bias = seededArray(fs[3], 3);
  const calls = { gemm: preparedConv(g, x, filter, bias, 'gemm'), thin: preparedConv(g, x, filter, bias, 'thin') };
  const reps = Math.max(REPS, Math.round(1e8 / flops));
  const times = { gemm: [], thin: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of ['gemm', 'thin']) {
      calls[side]();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) calls[side]();
      times[side].push((performance.now() - t0) / reps);
    }
  }
  k.arena.release(mark);
  const [a, b] = [median(times.gemm), median(times.thin)];
  const thin = conv2dTakesThinPath(g);
  const chosen = thin ? b : a;
  const gf = (ms) => (flops / ms / 1e6).toFixed(1);
  kernelRows.push([label, a.toFixed(3), gf(a), b.toFixed(3), gf(b), `${(a / b).toFixed(2)}×`, thin ? 'thin' : 'GEMM', `**${gf(chosen)}**`]);
}
for (const [label, xs, fs, pad] of SHAPES) {
  const x = tf.tensor4d(seededArray(xs.reduce((a, b) => a * b), 1), xs);
  const filter = tf.tensor4d(seededArray(fs.reduce((a, b) => a * b), 2), fs);
  const bias = tf.tensor1d(seededArray(fs[3], 3));
  const args = {
    inputs: { x, filter, bias }, backend,
    attrs: { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' },
  };
  const sides = { tfjs: (a) => original.kernelFunc(a), ours: (a) => fusedConv2DReplacement.run(a) };
  const probe = sides.ours(args);
  if (probe !== undefined) backend.disposeData(probe.dataId);
  const times = { tfjs: [], ours: [] };
  const timeSide = (side) => {
    const f = sides[side];
    for (let i = 0; i < 2; i++) backend.disposeData(f(args).dataId);
    const t0 = performance.now();
    for (let i = 0; i < REPS; i++) backend.disposeData(f(args).dataId);
    times[side].push((performance.now() - t0) / REPS);
  };
  const gflops = (ms) => (convFlops(xs, fs, pad) / ms / 1e6).toFixed(1);
  timeKernelPaths(label, xs, fs, pad, convFlops(xs, fs, pad));
  if (probe === undefined) {
    // Below MIN_OUTPUT_PIXELS (or another case ours does not take): tfjs's kernel runs.
    for (let r = 0; r < ROUNDS; r++) timeSide('tfjs');
    const a = median(times.tfjs);
    rows.push([label, a.toFixed(3), gflops(a), 'not taken: tfjs runs', '', '', '']);
    tf.dispose([x, filter, bias]);
    continue;
  }
  // Same result (up to summation order).
  const outs = Object.values(sides).map((f) => { const info = f(args); const v = backend.typedArrayFromHeap(info).slice(); backend.disposeData(info.dataId); return v; });
  let maxDiff = 0;
  for (let i = 0; i < outs[0].length; i++) maxDiff = Math.max(maxDiff, Math.abs(outs[0][i] - outs[1][i]));
  for (let r = 0; r < ROUNDS; r++) for (const side of Object.keys(sides)) timeSide(side);
  const [a, b] = [median(times.tfjs), median(times.ours)];
  rows.push([label, a.toFixed(3), gflops(a), b.toFixed(3), gflops(b), `**${(a / b).toFixed(2)}×**`, maxDiff.toExponential(1)]);
  tf.dispose([x, filter, bias]);
}
console.log(table(['shape (bias + ReLU fused)', 'tfjs-wasm (ms)', 'GFLOP/s', 'ours (ms)', 'GFLOP/s', 'speedup', 'max |diff|'], rows));
console.log('\nOur kernel alone, prepared once (as slimprune/infer runs it):\n');
console.log(table(['shape (bias + ReLU fused)', 'GEMM (ms)', 'GFLOP/s', 'thin path (ms)', 'GFLOP/s', 'GEMM / thin', 'rule takes', 'GFLOP/s taken'], kernelRows));
