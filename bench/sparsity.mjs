// Sparsity training of a reference task (METHOD.md §2) on the 'wasm' backend: per-epoch loss,
// accuracy and images per second, then the polarization report, as markdown tables. With --peer,
// tfjs's own model.fit (no sparsity term) trains a copy of the model on the same batches first,
// for the throughput of the same work without our explicit step.
//
//   npm run build
//   node bench/sparsity.mjs --task mnist-lenet --epochs 10                 # the METHOD.md §2 run
//   node bench/sparsity.mjs --images 4096 --epochs 1 --peer                # a short throughput check
//   node bench/sparsity.mjs --lambda 1e-4 --t 1.3 --method polarization    # another λ, t
//   node bench/sparsity.mjs --method l1                                    # the Network Slimming baseline
//   node bench/sparsity.mjs --decay-on kernels                             # no weight decay on γ, β, biases
//
// Options: --task mnist-lenet|fashion-lenet (the CIFAR tasks need the prepared cache, see the
// README), --epochs N, --images N (the first N training images; default all), --test N (default
// all), --batch N (default 64), --lambda, --t, --method polarization|l1|none, --seed S (default 1),
// --checkpoint FILE (written after every epoch; resumed from when it exists), --decay-on all|kernels
// (which weights weight decay acts on; default all, as the reference codes), --gamma-init G (γ's
// initial value; default the recipe's 0.5).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  loadMnist, loadFashionMnist, loadCifar10, Batcher, referenceModel, sparsityRecipe, SparsityTrainer, loadCheckpoint,
  useTrainingBackend,
} from '../dist/internal.js';

const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'mnist-lenet' },
    epochs: { type: 'string' },
    images: { type: 'string' },
    test: { type: 'string' },
    batch: { type: 'string', default: '64' },
    lambda: { type: 'string' },
    t: { type: 'string' },
    method: { type: 'string', default: 'polarization' },
    seed: { type: 'string', default: '1' },
    checkpoint: { type: 'string' },
    peer: { type: 'boolean', default: false },
    'decay-on': { type: 'string' },
    'gamma-init': { type: 'string' },
  },
});

const task = args.task;
const seed = Number(args.seed);
const batchSize = Number(args.batch);
const loaders = { 'mnist-lenet': loadMnist, 'fashion-lenet': loadFashionMnist, 'cifar-vgg': loadCifar10, 'cifar-resnet': loadCifar10 };
if (!loaders[task]) throw new Error(`--task must be one of ${Object.keys(loaders).join(', ')}`);
const { train: trainSet, test: testSet } = await loaders[task]();
const firstN = (set, n) => (n === undefined ? undefined : Int32Array.from({ length: Math.min(Number(n), set.count) }, (_, i) => i));
const cifar = task.startsWith('cifar');
const trainBatches = new Batcher(trainSet, firstN(trainSet, args.images), { batchSize, seed, augment: cifar });
const testBatches = new Batcher(testSet, firstN(testSet, args.test), { batchSize: 256, shuffle: false });

// --method none: the same recipe without a sparsity term (the unpruned reference).
const base = sparsityRecipe(task, args.method === 'none' ? 'polarization' : args.method);
const regularizer = args.method === 'none' ? { kind: 'none' } : { ...base.regularizer };
if (args.lambda !== undefined) regularizer.lambda = Number(args.lambda);
if (args.t !== undefined) regularizer.t = Number(args.t);
const recipe = {
  ...base, regularizer,
  ...(args.epochs === undefined ? {} : { epochs: Number(args.epochs) }),
  ...(args['decay-on'] === undefined ? {} : { weightDecayOn: args['decay-on'] }),
  ...(args['gamma-init'] === undefined ? {} : { gammaInit: Number(args['gamma-init']) }),
};

console.log(`## Sparsity training: ${task}, ${trainBatches.samplesPerEpoch} training images, seed ${seed}\n`);
console.log('```json\n' + JSON.stringify(recipe) + '\n```\n');

// The backend must be ready before a model is built; training asks for the same one.
await useTrainingBackend('wasm');

if (args.peer) {
  const model = referenceModel(task, { seed });
  model.compile({ optimizer: tf.train.momentum(0.1, 0.9), loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
  const started = performance.now();
  let images = 0;
  for (const batch of trainBatches.epoch(0)) {
    const [x, y] = tf.tidy(() => [
      tf.tensor(batch.x.subarray(0, batch.size * trainSet.height * trainSet.width * trainSet.channels), [batch.size, trainSet.height, trainSet.width, trainSet.channels]),
      tf.oneHot(tf.tensor1d(batch.labels.subarray(0, batch.size), 'int32'), 10),
    ]);
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
    images += batch.size;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`peer: tfjs model.trainOnBatch, one epoch, ${(images / seconds).toFixed(0)} images/s (${seconds.toFixed(1)} s)\n`);
  model.dispose();
}

const model = referenceModel(task, { seed, gammaInit: 0.5 });
const trainer = await SparsityTrainer.create(model, recipe, { backend: 'wasm' });
if (args.checkpoint && existsSync(args.checkpoint)) {
  await trainer.restore(await loadCheckpoint(args.checkpoint), trainBatches);
  console.log(`resumed from ${args.checkpoint} after epoch ${trainer.epoch}\n`);
}
let lastPrint = 0;
const result = await trainer.fit(trainBatches, {
  evaluation: testBatches,
  ...(args.checkpoint ? { checkpointPath: args.checkpoint } : {}),
  onProgress: (p) => {
    if (performance.now() - lastPrint < 10_000 && p.batch !== p.batches) return;
    lastPrint = performance.now();
    process.stderr.write(`epoch ${p.epoch + 1}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} ` +
      `acc ${(100 * p.accuracy).toFixed(1)}% λR ${p.sparsityLoss.toFixed(4)} ${p.imagesPerSecond.toFixed(0)} img/s ETA ${p.etaSeconds.toFixed(0)} s\n`);
  },
});
trainer.dispose();

console.log('| epoch | lr | loss | train acc | λ·R(γ) | test loss | test acc | images/s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const e of result.history) {
  console.log(`| ${e.epoch + 1} | ${e.learningRate.toPrecision(2)} | ${e.loss.toFixed(4)} | ${(100 * e.accuracy).toFixed(2)}% | ` +
    `${e.sparsityLoss.toFixed(4)} | ${e.evaluation.loss.toFixed(4)} | ${(100 * e.evaluation.accuracy).toFixed(2)}% | ${e.imagesPerSecond.toFixed(0)} |`);
}
const p = result.polarization;
console.log(`\n### Polarization (γ < ${p.options.zeroBelow}: zero; >= ${p.options.highRatio}·upper mode: high)\n`);
console.log(`| layer | channels | zero | between | high | upper mode | max | separated | outside (${p.options.zeroBelow}, ${1 - p.options.zeroBelow}) |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const l of p.layers) {
  console.log(`| ${l.name} | ${l.channels} | ${(100 * l.zero).toFixed(1)}% | ${(100 * l.between).toFixed(1)}% | ` +
    `${(100 * l.high).toFixed(1)}% | ${l.upperMode.toFixed(3)} | ${l.max.toFixed(3)} | ${l.separated ? 'yes' : 'NO'} | ${(100 * l.outside).toFixed(1)}% |`);
}
for (const warning of p.warnings) console.log(`\nwarning: ${warning}`);
