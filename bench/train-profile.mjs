// Where a training step of our trainer spends its time: tf.profile of mnist-lenet steps (batch 64,
// polarization recipe, wasm with our kernels), summed per kernel and shape, medians over steps.
//   npm run build && node bench/train-profile.mjs [steps] [kernel threads, default 1]
import * as tf from '@tensorflow/tfjs';
import { referenceModel, useTrainingBackend, SparsityTrainer, sparsityRecipe, setKernelThreads } from '../dist/internal.js';
import { table, seededArray } from './util.mjs';

const steps = Number(process.argv[2] ?? 5);
const threads = Number(process.argv[3] ?? 1);
const B = 64;
await useTrainingBackend('wasm');
await setKernelThreads(threads);
const model = referenceModel('mnist-lenet', { seed: 1 });
const trainer = await SparsityTrainer.create(model, sparsityRecipe('mnist-lenet', 'polarization', { epochs: 1 }), { backend: 'wasm' });
const batch = { x: seededArray(B * 28 * 28, 1), labels: Int32Array.from({ length: B }, (_, i) => i % 10), size: B };
for (let i = 0; i < 3; i++) await trainer.step(batch);
const perStep = [];
const wall = [];
for (let r = 0; r < steps; r++) {
  const sums = {};
  const t0 = performance.now();
  const p = await tf.profile(() => trainer.step(batch));
  wall.push(performance.now() - t0);
  for (const k of p.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes[0])} → ${JSON.stringify(k.outputShapes[0])}`;
    sums[key] = (sums[key] ?? 0) + k.kernelTimeMs;
  }
  perStep.push(sums);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const keys = Object.keys(perStep[0]);
const rows = keys.map((k) => [k, median(perStep.map((s) => s[k] ?? 0))]).sort((a, b) => b[1] - a[1]).slice(0, 20);
console.log(`### One profiled step on ${threads} kernel thread(s), median of ${steps}: ${median(wall).toFixed(1)} ms (nested ops such as fusedConv2d__op count their kernel again)\n`);
console.log(table(['kernel, input → output', 'ms per step'], rows.map(([k, v]) => [k, v.toFixed(2)])));
trainer.dispose();
await setKernelThreads(1);
