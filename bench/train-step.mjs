// Training throughput of LeNet-5-BN (mnist-lenet, batch 64, SGD momentum + polarization) through
// our training loop, on: tfjs-backend-wasm with only its gaps filled, tfjs-backend-wasm with our
// faster kernels registered (the default), and tfjs-backend-cpu — all in this process.
// Usage: node bench/train-step.mjs [steps]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import {
  referenceModel, registerWasmKernels, registerWasmGradients, SparsityTrainer, sparsityRecipe, WASM_REPLACEMENT_KERNELS,
} from '../dist/index.js';
import { table, seededArray } from './util.mjs';

const steps = Number(process.argv[2] ?? 20);
const B = 64;
const batch = { x: seededArray(B * 28 * 28, 1), labels: Int32Array.from({ length: B }, (_, i) => i % 10), size: B };
const recipe = sparsityRecipe('mnist-lenet', 'polarization', { epochs: 1 });

async function imagesPerSecond(backend, n) {
  const model = referenceModel('mnist-lenet', { seed: 1 });
  const trainer = await SparsityTrainer.create(model, recipe, { backend });
  for (let i = 0; i < 3; i++) await trainer.step(batch);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await trainer.step(batch);
  const ms = (performance.now() - t0) / n;
  trainer.dispose();
  model.dispose();
  return (B / ms) * 1000;
}

// Order matters: replacements, once registered, stay; so measure "gaps only" first.
await tf.setBackend('wasm');
await registerWasmGradients();
const gapsOnly = await imagesPerSecond('wasm', steps);
await registerWasmKernels();
const ours = await imagesPerSecond('wasm', steps);
const cpu = await imagesPerSecond('cpu', Math.max(2, Math.floor(steps / 10)));
const PYTORCH = 4700; // images/s, PyTorch CPU on this machine class (2 threads, batch 64), as given in the issue
console.log(`### mnist-lenet training throughput (batch 64; \`node bench/train-step.mjs ${steps}\`)\n`);
console.log(table(['path', 'images/s', 'vs tfjs-cpu', 'vs PyTorch CPU (4,700 img/s, quoted)'], [
  ['tfjs-backend-cpu', cpu.toFixed(0), '1.0×', (cpu / PYTORCH).toFixed(3) + '×'],
  ['tfjs-backend-wasm + our gap kernels only', gapsOnly.toFixed(0), (gapsOnly / cpu).toFixed(1) + '×', (gapsOnly / PYTORCH).toFixed(3) + '×'],
  [`tfjs-backend-wasm + ours (${WASM_REPLACEMENT_KERNELS.map((k) => k.kernelName).join(', ')} replaced)`, ours.toFixed(0), (ours / cpu).toFixed(1) + '×', (ours / PYTORCH).toFixed(3) + '×'],
]));
