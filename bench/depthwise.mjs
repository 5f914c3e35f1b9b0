// Depthwise conv2d, forward and both gradients: our AssemblyScript SIMD kernels against
// tfjs-backend-wasm (XNNPACK, single-threaded in Node) and tfjs-backend-cpu, in the same process.
// tfjs-backend-wasm 4.22 has no DepthwiseConv2dNativeBackpropFilter/Input (the gap these kernels
// fill), so its forward pass (same multiply-adds) is the named peer for our gradients, and
// tfjs-backend-cpu's gradient kernels are timed directly.
// Usage: node bench/depthwise.mjs [--quick]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  initKernels, depthwiseConv2dGeometry, depthwiseConv2d, depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput, depthwiseConv2dMacs, inputSize, outputSize, depthwiseFilterSize,
} from '../dist/internal.js';
import { medianMs, table, seededArray, fmt } from './util.mjs';

const quick = process.argv.includes('--quick');

// [label, x shape NHWC, filter [kh, kw, inC, multiplier], padding, stride]
const SHAPES = [
  ['MobileNet-like 32×32×32 3×3 (b64)', [64, 32, 32, 32], [3, 3, 32, 1], 'same', 1],
  ['16×16×64 3×3 s2 (b64)', [64, 16, 16, 64], [3, 3, 64, 1], 'same', 2],
  ['8×8×128 3×3 (b64)', [64, 8, 8, 128], [3, 3, 128, 1], 'same', 1],
  ['16×16×32 3×3 mult 2 (b64)', [64, 16, 16, 32], [3, 3, 32, 2], 'same', 1],
  ['28×28×20 5×5 valid, odd channels (b64)', [64, 28, 28, 20], [5, 5, 20, 1], 'valid', 1],
];

await initKernels();
const rows = [];
for (const [label, xs, fs, padding, stride] of quick ? SHAPES.slice(0, 2) : SHAPES) {
  const g = depthwiseConv2dGeometry(xs, fs, { padding, strides: stride });
  const gflop = (2 * depthwiseConv2dMacs(g)) / 1e9;
  const x = seededArray(inputSize(g), 1);
  const f = seededArray(depthwiseFilterSize(g), 2);
  const dy = seededArray(outputSize(g), 3);
  const opts = { reps: quick ? 3 : 7, warmup: 2 };
  const ours = await medianMs(() => depthwiseConv2d(g, x, f), opts);
  const oursDf = await medianMs(() => depthwiseConv2dBackpropFilter(g, x, dy), opts);
  const oursDx = await medianMs(() => depthwiseConv2dBackpropInput(g, dy, f), opts);

  const timeTf = async (backend, fn, reps) => {
    await tf.setBackend(backend);
    await tf.ready();
    const xt = tf.tensor4d(x, xs);
    const ft = tf.tensor4d(f, fs);
    const dyt = tf.tensor4d(dy, [g.batch, g.outH, g.outW, g.outC]);
    const ms = await medianMs(() => {
      const y = fn(xt, ft, dyt);
      y.dataSync();
      y.dispose();
    }, { reps, warmup: 1 });
    tf.dispose([xt, ft, dyt]);
    return ms;
  };
  const attrs = { strides: stride, pad: padding, dilations: 1 };
  const fwd = (xt, ft) => tf.depthwiseConv2d(xt, ft, stride, padding);
  const dfOp = (xt, ft, dyt) =>
    tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xt, dy: dyt }, { ...attrs, filterShape: fs });
  const dxOp = (xt, ft, dyt) =>
    tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyt, filter: ft }, { ...attrs, inputShape: xs });
  const wasmFwd = await timeTf('wasm', fwd, opts.reps);
  const cpuFwd = await timeTf('cpu', fwd, 1);
  const cpuDf = await timeTf('cpu', dfOp, 1);
  const cpuDx = await timeTf('cpu', dxOp, 1);
  const gf = (ms) => fmt(gflop / (ms / 1e3), 2);
  rows.push([
    label, gf(ours), gf(wasmFwd), gf(cpuFwd), gf(oursDf), gf(cpuDf), gf(oursDx), gf(cpuDx),
    `**${fmt(wasmFwd / ours, 2)}×**`, `${fmt(cpuDf / oursDf, 0)}× / ${fmt(cpuDx / oursDx, 0)}×`,
  ]);
  console.error(`${label}: fwd ${fmt(ours, 2)} ms (tfjs-wasm ${fmt(wasmFwd, 2)}), dW ${fmt(oursDf, 2)} ms, dx ${fmt(oursDx, 2)} ms`);
}

console.log('### Depthwise conv2d, GFLOP/s (2 × multiply-adds / median time, copies in and out included)\n');
console.log(table([
  'shape', 'ours fwd', 'tfjs-wasm fwd', 'tfjs-cpu fwd', 'ours dW', 'tfjs-cpu dW', 'ours dx', 'tfjs-cpu dx',
  'ours fwd / tfjs-wasm fwd', 'ours / tfjs-cpu (dW / dx)',
], rows));
