// A model and data set that are not a reference task, as a user would bring them: a folder of
// CIFAR-10 PNG files (root/<class>/<n>.png, a per-class subset) and a MobileNet-style network
// (depthwise-separable blocks with BatchNorm) pretrained on it with plain tfjs model.fit; then the
// CLI prunes it with --target, the classic baselines at the same target (--baselines).
//
//   npm run build && node dist/cli.js data cifar10
//   node bench/own-data.mjs --dir runs/own-cifar --per-class 1000 --test-per-class 200 --pretrain-epochs 6
//   node dist/cli.js prune --model runs/own-cifar/model/model.json --data runs/own-cifar/train \
//     --test-data runs/own-cifar/test --target flops=0.5 --baselines --out runs/own-cifar/run
//
// Writes <dir>/train, <dir>/test and <dir>/model (skipped when present: the script resumes).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { encode } from 'fast-png';
import { loadCifar10, CIFAR10_CLASSES, useTrainingBackend, exportModel, writeModelFiles } from '../dist/internal.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: 'runs/own-cifar' },
    'per-class': { type: 'string', default: '1000' },
    'test-per-class': { type: 'string', default: '200' },
    'pretrain-epochs': { type: 'string', default: '6' },
  },
});
const perClass = Number(args['per-class']);
const testPerClass = Number(args['test-per-class']);

/** The first `n` images of each class of `set`, as PNG files under root/<class>/. */
async function writePngFolder(set, n, root) {
  if (existsSync(root)) return;
  const counts = new Array(set.classes).fill(0);
  const size = set.height * set.width * set.channels;
  const tmp = `${root}.partial`;
  for (let i = 0; i < set.count; i++) {
    const label = set.labels[i];
    if (counts[label] >= n) continue;
    const folder = join(tmp, CIFAR10_CLASSES[label]);
    if (counts[label] === 0) await mkdir(folder, { recursive: true });
    const png = encode({ width: set.width, height: set.height, channels: set.channels, data: set.pixels.subarray(i * size, (i + 1) * size) });
    await writeFile(join(folder, `${String(counts[label]).padStart(5, '0')}.png`), png);
    counts[label]++;
  }
  const { rename } = await import('node:fs/promises');
  await rename(tmp, root);
  console.error(`wrote ${counts.reduce((a, b) => a + b, 0)} PNG files to ${root}`);
}

/** MobileNet-style: conv 3×3 (16), then depthwise-separable blocks (32, 64 stride 2, 64, 128 stride 2), GAP, dense. */
function mobileNetStyle() {
  const init = (seed) => tfl.initializers.glorotUniform({ seed });
  let seed = 11;
  const input = tfl.input({ shape: [32, 32, 3], name: 'image' });
  const bnRelu = (x, name) => tfl.layers.reLU({ name: `${name}_relu` }).apply(tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(x));
  let x = bnRelu(tfl.layers.conv2d({ name: 'stem', filters: 16, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(seed++) }).apply(input), 'stem');
  for (const [i, [filters, stride]] of [[32, 1], [64, 2], [64, 1], [128, 2]].entries()) {
    x = bnRelu(tfl.layers.depthwiseConv2d({ name: `dw${i}`, kernelSize: 3, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: init(seed++) }).apply(x), `dw${i}`);
    x = bnRelu(tfl.layers.conv2d({ name: `pw${i}`, filters, kernelSize: 1, useBias: false, kernelInitializer: init(seed++) }).apply(x), `pw${i}`);
  }
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x);
  const out = tfl.layers.dense({ name: 'logits', units: 10, activation: 'softmax', kernelInitializer: init(seed++) }).apply(x);
  return tfl.model({ inputs: input, outputs: out, name: 'mobilenet_style' });
}

/** The per-class subset's pixels, scaled to 0..1 (what the pruning run is told: --normalize unit). */
function subset(set, n) {
  const size = set.height * set.width * set.channels;
  const counts = new Array(set.classes).fill(0);
  const keep = [];
  for (let i = 0; i < set.count && keep.length < n * set.classes; i++) {
    if (counts[set.labels[i]] < n) { keep.push(i); counts[set.labels[i]]++; }
  }
  const x = new Float32Array(keep.length * size);
  const y = new Float32Array(keep.length * set.classes);
  keep.forEach((image, k) => {
    for (let p = 0; p < size; p++) x[k * size + p] = set.pixels[image * size + p] / 255;
    y[k * set.classes + set.labels[image]] = 1;
  });
  return { xs: tf.tensor4d(x, [keep.length, set.height, set.width, set.channels]), ys: tf.tensor2d(y, [keep.length, set.classes]) };
}

await useTrainingBackend('wasm');
const cifar = await loadCifar10();
await writePngFolder(cifar.train, perClass, join(args.dir, 'train'));
await writePngFolder(cifar.test, testPerClass, join(args.dir, 'test'));
const modelDir = join(args.dir, 'model');
if (!existsSync(join(modelDir, 'model.json'))) {
  const model = mobileNetStyle();
  const train = subset(cifar.train, perClass);
  const test = subset(cifar.test, testPerClass);
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const t0 = performance.now();
  await model.fit(train.xs, train.ys, {
    epochs: Number(args['pretrain-epochs']), batchSize: 64, shuffle: true, verbose: 0,
    callbacks: { onEpochEnd: (epoch, logs) => console.error(`pretrain epoch ${epoch + 1}: loss ${logs.loss.toFixed(3)}, accuracy ${(100 * logs.acc).toFixed(1)}% (${((performance.now() - t0) / 1000).toFixed(0)} s)`) },
  });
  const [, accuracy] = model.evaluate(test.xs, test.ys, { batchSize: 256 });
  console.error(`pretrained: test accuracy ${(100 * (await accuracy.data())[0]).toFixed(2)}%`);
  await writeModelFiles(modelDir, await exportModel(model));
  console.error(`wrote ${modelDir}/model.json`);
}
