// Training throughput of LeNet-5-BN (mnist-lenet, batch 64) in this process:
// - one plain tfjs step (forward, softmax cross-entropy, SGD-momentum minimize) on
//   tfjs-backend-cpu, on tfjs-backend-wasm with only its missing gradients filled by ours, and on
//   tfjs-backend-wasm with our faster kernels registered as well;
// - our sparsity trainer's step (adds weight decay, polarization and the γ clamp) on the latter.
// Usage: node bench/train-step.mjs [steps]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import {
  referenceModel, registerWasmKernels, registerWasmGradients, SparsityTrainer, sparsityRecipe, WASM_REPLACEMENT_KERNELS,
} from '../dist/index.js';
import { table, seededArray } from './util.mjs';

const steps = Number(process.argv[2] ?? 20);
const B = 64;
const xData = seededArray(B * 28 * 28, 1);
const labels = Int32Array.from({ length: B }, (_, i) => i % 10);

function plainStepsPerSecond(n) {
  const model = referenceModel('mnist-lenet', { seed: 1 });
  const optimizer = tf.train.momentum(0.1, 0.9);
  const x = tf.tensor4d(xData, [B, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  const step = () => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), true);
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < 3; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) step();
  const ms = (performance.now() - t0) / n;
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return (B / ms) * 1000;
}

async function trainerStepsPerSecond(n) {
  const model = referenceModel('mnist-lenet', { seed: 1 });
  const trainer = await SparsityTrainer.create(model, sparsityRecipe('mnist-lenet', 'polarization', { epochs: 1 }), { backend: 'wasm' });
  const batch = { x: xData, labels, size: B };
  for (let i = 0; i < 3; i++) await trainer.step(batch);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await trainer.step(batch);
  const ms = (performance.now() - t0) / n;
  trainer.dispose();
  model.dispose();
  return (B / ms) * 1000;
}

// Order matters: replacements, once registered, stay; so "gaps only" runs first.
await tf.setBackend('cpu');
const cpu = plainStepsPerSecond(Math.max(2, Math.floor(steps / 10)));
await tf.setBackend('wasm');
await registerWasmGradients();
const gapsOnly = plainStepsPerSecond(steps);
await registerWasmKernels();
const ours = plainStepsPerSecond(steps);
const trainer = await trainerStepsPerSecond(steps);
const PYTORCH = 4700; // images/s: PyTorch CPU on this machine class (2 threads, batch 64), as quoted in the issue
const row = (name, v) => [name, v.toFixed(0), `${(v / cpu).toFixed(0)}×`, `${(v / PYTORCH).toFixed(3)}×`];
console.log(`### mnist-lenet training throughput, batch 64, one core (\`node bench/train-step.mjs ${steps}\`)\n`);
console.log(table(['path', 'images/s', 'vs tfjs-cpu', 'vs PyTorch CPU (4,700 img/s, quoted)'], [
  row('plain tfjs step, tfjs-backend-cpu', cpu),
  row('plain tfjs step, tfjs-backend-wasm + our gap kernels only', gapsOnly),
  row(`plain tfjs step, tfjs-backend-wasm + ours (${WASM_REPLACEMENT_KERNELS.map((k) => k.kernelName).join(', ')} replaced)`, ours),
  row('our sparsity trainer (wd + polarization + clamp), wasm + ours', trainer),
]));
