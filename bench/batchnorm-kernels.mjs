// BatchNorm's kernels in a training step: tfjs-backend-wasm's own Sum, Mean and FusedBatchNorm
// against ours (src/tfjs/kernels/Reduce.ts, FusedBatchNorm.ts), both called as tfjs kernels on
// tensors in tfjs's heap, so ours includes its copies in and out. Ours give the same bits (the
// training suite checks it); this times them. Rounds alternate the two; medians.
//   npm run build && node bench/batchnorm-kernels.mjs
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, originalWasmKernel } from '../dist/internal.js';
import { table, seededArray } from './util.mjs';

// [label, activation shape] of the reference networks' BatchNorms at batch 64.
const SHAPES = [
  ['mnist-lenet bn1', [64, 24, 24, 20]],
  ['mnist-lenet bn2', [64, 8, 8, 50]],
  ['mnist-lenet bn3', [64, 500]],
  ['cifar-vgg bn1', [64, 32, 32, 32]],
  ['cifar-vgg bn4', [64, 8, 8, 128]],
];
const ROUNDS = 41;

await tf.setBackend('wasm');
await tf.ready();
await registerWasmKernels();
const backend = tf.backend();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const [label, shape] of SHAPES) {
  const c = shape.at(-1);
  const x = tf.tensor(seededArray(shape.reduce((a, b) => a * b, 1), 1), shape);
  const channel = (seed, lo = 0) => tf.tensor1d(seededArray(c, seed).map((v) => lo + Math.abs(v)));
  const params = { mean: channel(2), variance: channel(3, 0.1), offset: channel(4), scale: channel(5) };
  const axis = shape.slice(0, -1).map((_, i) => i);
  const calls = [
    ['Sum', { inputs: { x }, attrs: { axis, keepDims: false } }],
    ['Mean', { inputs: { x }, attrs: { axis, keepDims: true } }],
    ['FusedBatchNorm', { inputs: { x, ...params }, attrs: { varianceEpsilon: 1e-3 } }],
  ];
  for (const [kernel, args] of calls) {
    const sides = { tfjs: originalWasmKernel(kernel), ours: tf.getKernel(kernel, 'wasm').kernelFunc };
    const times = { tfjs: [], ours: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [side, f] of Object.entries(sides)) {
        const t0 = performance.now();
        const info = f({ ...args, backend });
        times[side].push(performance.now() - t0);
        backend.disposeData(info.dataId);
      }
    }
    const [a, b] = [median(times.tfjs), median(times.ours)];
    rows.push([label, `[${shape}]`, kernel, a.toFixed(3), b.toFixed(3), `${(a / b).toFixed(2)}×`]);
  }
  tf.dispose([x, ...Object.values(params)]);
}
console.log(table(['layer', 'activation', 'kernel', 'tfjs-wasm (ms)', 'ours (ms)', 'ours faster by'], rows));
