// Training throughput of LeNet-5-BN (mnist-lenet, batch 64) in this process (one core unless said):
// - one plain tfjs step (forward, softmax cross-entropy, SGD-momentum minimize) on
//   tfjs-backend-cpu, on tfjs-backend-wasm with only its missing gradients filled by ours, and on
//   tfjs-backend-wasm with our faster kernels registered as well;
// - our sparsity trainer's step (adds weight decay, polarization and the γ clamp) on the latter,
//   with training-mode BatchNorm as tfjs's graph of ops and as our fused kernels (the default),
//   and with the convolutions on two kernel threads.
// Usage: node bench/train-step.mjs [steps]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, registerWasmGradients, WASM_REPLACEMENT_KERNELS } from '../dist/internal.js';
import { plainStepImagesPerSecond, trainerStepImagesPerSecond } from './lenet-steps.mjs';
import { table } from './util.mjs';

const steps = Number(process.argv[2] ?? 20);

// Order matters: replacements, once registered, stay; so "gaps only" runs first.
await tf.setBackend('cpu');
const cpu = await plainStepImagesPerSecond(Math.max(2, Math.floor(steps / 10)));
await tf.setBackend('wasm');
await registerWasmGradients();
const gapsOnly = await plainStepImagesPerSecond(steps);
await registerWasmKernels();
const ours = await plainStepImagesPerSecond(steps);
const trainerUnfused = await trainerStepImagesPerSecond(steps, { fuseBatchNorm: false });
const trainer = await trainerStepImagesPerSecond(steps);
const trainerThreads = await trainerStepImagesPerSecond(steps, { threads: 2 });
const PYTORCH = 4700; // images/s: PyTorch CPU on this machine class (2 threads, batch 64), as quoted in the issue
const row = (name, v) => [name, v.toFixed(0), `${(v / cpu).toFixed(0)}×`, `${(v / PYTORCH).toFixed(3)}×`];
console.log(`### mnist-lenet training throughput, batch 64, one core (\`node bench/train-step.mjs ${steps}\`)\n`);
console.log(table(['path', 'images/s', 'vs tfjs-cpu', 'vs PyTorch CPU (4,700 img/s, quoted)'], [
  row('plain tfjs step, tfjs-backend-cpu', cpu),
  row('plain tfjs step, tfjs-backend-wasm + our gap kernels only', gapsOnly),
  row(`plain tfjs step, tfjs-backend-wasm + ours (${WASM_REPLACEMENT_KERNELS.map((k) => k.kernelName).join(', ')} replaced)`, ours),
  row("our sparsity trainer (wd + polarization + clamp), wasm + ours, BatchNorm as tfjs's ops (fuseBatchNorm: false)", trainerUnfused),
  row('our sparsity trainer (wd + polarization + clamp), wasm + ours, BatchNorm fused (default)', trainer),
  row('the same, convolutions on 2 kernel threads (setKernelThreads(2))', trainerThreads),
]));
