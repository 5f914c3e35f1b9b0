// Training throughput of a reference network (batch 64) on our trainer, three ways in alternating
// rounds: training-mode BatchNorm as tfjs's ops, fused (the default), and fused with the
// convolutions on two kernel threads. All train the same bits; only the time differs.
// `--split 4194304,262144` adds two-thread paths whose kernels split only above that much work
// (setKernelThreads's minParallelWork; the default is 1,048,576).
// Usage: npm run build && node bench/train-task.mjs [--task cifar-vgg] [--steps 4] [--rounds 5] [--split n,...]
import { parseArgs } from 'node:util';
import {
  referenceModel, useTrainingBackend, SparsityTrainer, sparsityRecipe, setKernelThreads,
} from '../dist/internal.js';
import { seededArray, table } from './util.mjs';

const { values } = parseArgs({
  options: {
    task: { type: 'string', default: 'cifar-vgg' }, steps: { type: 'string', default: '4' }, rounds: { type: 'string', default: '5' },
    split: { type: 'string', default: '' },
  },
});
const steps = Number(values.steps);
const rounds = Number(values.rounds);
const BATCH = 64;
await useTrainingBackend('wasm');

const probe = referenceModel(values.task, { seed: 1 });
const [, h, w, c] = probe.inputs[0].shape;
const classes = probe.outputs[0].shape.at(-1);
probe.dispose();
const batch = { x: seededArray(BATCH * h * w * c, 1), labels: Int32Array.from({ length: BATCH }, (_, i) => i % classes), size: BATCH };

const PATHS = {
  "BatchNorm as tfjs's ops (fuseBatchNorm: false), 1 thread": { fuseBatchNorm: false, threads: 1 },
  'BatchNorm fused (default), 1 thread': { fuseBatchNorm: true, threads: 1 },
  'BatchNorm fused, convolutions on 2 kernel threads': { fuseBatchNorm: true, threads: 2 },
};
for (const work of values.split.split(',').filter(Boolean).map(Number)) {
  PATHS[`BatchNorm fused, 2 kernel threads, kernels split above ${work.toLocaleString('en')}`] = { fuseBatchNorm: true, threads: 2, minParallelWork: work };
}

async function imagesPerSecond({ fuseBatchNorm, threads, minParallelWork }) {
  await setKernelThreads(threads, minParallelWork === undefined ? {} : { minParallelWork });
  const model = referenceModel(values.task, { seed: 1 });
  const trainer = await SparsityTrainer.create(model, sparsityRecipe(values.task, 'polarization', { epochs: 1 }), { backend: 'wasm', fuseBatchNorm });
  try {
    await trainer.step(batch);
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await trainer.step(batch);
    return (BATCH * steps * 1000) / (performance.now() - t0);
  } finally {
    trainer.dispose();
    model.dispose();
    await setKernelThreads(1);
  }
}

const samples = Object.fromEntries(Object.keys(PATHS).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? Object.keys(PATHS) : Object.keys(PATHS).reverse();
  for (const name of order) samples[name].push(await imagesPerSecond(PATHS[name]));
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples[Object.keys(PATHS)[0]]);
console.log(`### ${values.task} training, batch ${BATCH}: medians of ${rounds} alternating rounds of ${steps} steps\n`);
console.log(table(['path', 'images/s (median)', 'range', 'vs tfjs ops'], Object.entries(samples).map(([name, xs]) => [
  name, median(xs).toFixed(0), `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`, `${(median(xs) / base).toFixed(2)}×`,
])));
