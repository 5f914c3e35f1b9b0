// Conv2D forward and filter gradient: our AssemblyScript SIMD kernels against tfjs-backend-wasm
// (XNNPACK, single-threaded in Node) and tfjs-backend-cpu, measured in the same process.
// Usage: node bench/conv.mjs [--quick]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  initKernels, conv2dGeometry, conv2d, conv2dBackpropFilter, conv2dBackpropInput, conv2dMacs,
  inputSize, outputSize, filterSize,
} from '../dist/internal.js';
import { medianMs, table, seededArray, fmt } from './util.mjs';

const quick = process.argv.includes('--quick');
const CPU_DW_MAX_MACS = 120e6;

// [label, x shape NHWC, filter HWIO, padding, stride]
const SHAPES = [
  ['issue case 32×32×32×64→64 3×3', [32, 32, 32, 64], [3, 3, 64, 64], 'same', 1],
  ['mnist-lenet conv1 (b64)', [64, 28, 28, 1], [5, 5, 1, 20], 'valid', 1],
  ['mnist-lenet conv2 (b64)', [64, 12, 12, 20], [5, 5, 20, 50], 'valid', 1],
  ['cifar-vgg conv1 (b64)', [64, 32, 32, 3], [3, 3, 3, 32], 'same', 1],
  ['cifar-vgg conv2 (b64)', [64, 16, 16, 32], [3, 3, 32, 64], 'same', 1],
  ['cifar-vgg conv3 (b64)', [64, 8, 8, 64], [3, 3, 64, 128], 'same', 1],
  ['cifar-vgg conv4 (b64)', [64, 8, 8, 128], [3, 3, 128, 128], 'same', 1],
  ['cifar-vgg conv5 (b64)', [64, 4, 4, 128], [3, 3, 128, 256], 'same', 1],
  ['cifar-vgg conv6 (b64)', [64, 4, 4, 256], [3, 3, 256, 256], 'same', 1],
  ['cifar-vgg conv7/8 (b64)', [64, 2, 2, 256], [3, 3, 256, 256], 'same', 1],
  ['cifar-resnet stage1 (b64)', [64, 32, 32, 16], [3, 3, 16, 16], 'same', 1],
  ['cifar-resnet down 16→32 s2 (b64)', [64, 32, 32, 16], [3, 3, 16, 32], 'same', 2],
  ['cifar-resnet stage3 (b64)', [64, 8, 8, 64], [3, 3, 64, 64], 'same', 1],
];

await initKernels();
const rows = [];
const gradRows = [];
for (const [label, xs, fs, padding, stride] of quick ? SHAPES.slice(0, 3) : SHAPES) {
  const g = conv2dGeometry(xs, fs, { padding, strides: stride });
  const gflop = (2 * conv2dMacs(g)) / 1e9;
  const x = seededArray(inputSize(g), 1);
  const f = seededArray(filterSize(g), 2);
  const dy = seededArray(outputSize(g), 3);
  const opts = { reps: quick ? 3 : 7, warmup: 2 };

  // Ours: copy in, compute, copy out into a reused buffer (what a training loop does). The
  // peers' outputs stay in their own memory, so neither side pays for fresh output pages.
  const y = new Float32Array(outputSize(g));
  const dfOut = new Float32Array(filterSize(g));
  const dxOut = new Float32Array(inputSize(g));
  const ours = await medianMs(() => conv2d(g, x, f, {}, y), opts);
  const oursDf = await medianMs(() => conv2dBackpropFilter(g, x, dy, dfOut), opts);
  const oursDx = await medianMs(() => conv2dBackpropInput(g, dy, f, dxOut), opts);

  const timeTf = async (backend, fn, reps) => {
    await tf.setBackend(backend);
    await tf.ready();
    const xt = tf.tensor4d(x, xs);
    const ft = tf.tensor4d(f, fs);
    const dyt = tf.tensor4d(dy, [g.batch, g.outH, g.outW, g.outC]);
    // Both tfjs backends compute synchronously inside the op call.
    const ms = await medianMs(() => fn(xt, ft, dyt).dispose(), { reps, warmup: 1 });
    tf.dispose([xt, ft, dyt]);
    return ms;
  };
  const fwd = (xt, ft) => tf.conv2d(xt, ft, stride, padding);
  // The kernel itself, as tfjs's conv2d gradient calls it (the op is not exported).
  const dfOp = (xt, ft, dyt) =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: stride, pad: padding, dataFormat: 'NHWC', filterShape: fs });
  const wasmFwd = await timeTf('wasm', fwd, opts.reps);
  const cpuFwd = await timeTf('cpu', fwd, 1);
  // tfjs-backend-wasm has no Conv2DBackpropFilter (the gap this package fills), so its forward
  // conv is the named peer for our filter gradient. tfjs-backend-cpu's gradient kernel is timed
  // only where it finishes in reasonable time: it took 297 s for the 32×32×32×64→64 case.
  const cpuDf = conv2dMacs(g) <= CPU_DW_MAX_MACS ? await timeTf('cpu', dfOp, 1) : NaN;

  const gf = (ms) => gflop / (ms / 1e3);
  rows.push([label, fmt(gf(ours)), fmt(gf(wasmFwd)), fmt(gf(cpuFwd), 2), `**${fmt(wasmFwd / ours, 2)}×**`, `${fmt(cpuFwd / ours, 0)}×`]);
  gradRows.push([label, fmt(gf(oursDf)), fmt(gf(oursDx)), fmt(gf(wasmFwd)), Number.isNaN(cpuDf) ? '(not run: too slow)' : fmt(gf(cpuDf), 3), `**${fmt(gf(oursDf) / gf(wasmFwd), 2)}×**`, Number.isNaN(cpuDf) ? '—' : `${fmt(cpuDf / oursDf, 0)}×`]);
  console.error(`${label}: ours ${fmt(ours, 2)} ms, tfjs-wasm ${fmt(wasmFwd, 2)} ms, dW ${fmt(oursDf, 2)} ms, dx ${fmt(oursDx, 2)} ms`);
}

console.log('### Conv2D forward, GFLOP/s (2 × multiply-adds / median time)\n');
console.log(table(['shape', 'ours', 'tfjs-wasm', 'tfjs-cpu', 'ours / tfjs-wasm', 'ours / tfjs-cpu'], rows));
console.log('\n### Conv2D gradients, GFLOP/s\n');
console.log(table(['shape', 'ours dW', 'ours dx', 'tfjs-wasm forward (peer)', 'tfjs-cpu dW', 'ours dW / tfjs-wasm fwd', 'ours dW / tfjs-cpu dW'], gradRows));
