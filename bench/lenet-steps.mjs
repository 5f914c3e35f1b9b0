// Timed training steps of LeNet-5-BN (mnist-lenet) on one fixed batch of 64, shared by
// bench/train-step.mjs and bench/train-vs-pytorch.mjs: a plain tfjs step on the current backend,
// and our sparsity trainer's step (weight decay + polarization + clamp) on 'wasm'.
import * as tf from '@tensorflow/tfjs-core';
import { referenceModel, SparsityTrainer, sparsityRecipe, setKernelThreads } from '../dist/internal.js';
import { seededArray } from './util.mjs';

export const BATCH = 64;
const xData = seededArray(BATCH * 28 * 28, 1);
const labels = Int32Array.from({ length: BATCH }, (_, i) => i % 10);

/** Images per second over `steps` calls of `step`, after 3 warm-up calls. */
async function imagesPerSecond(step, steps) {
  for (let i = 0; i < 3; i++) await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (BATCH * steps * 1000) / (performance.now() - t0);
}

/** Forward, softmax cross-entropy and an SGD-momentum `minimize`, as a tfjs user would write it. */
export async function plainStepImagesPerSecond(steps) {
  const model = referenceModel('mnist-lenet', { seed: 1 });
  const optimizer = tf.train.momentum(0.1, 0.9);
  const x = tf.tensor4d(xData, [BATCH, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  try {
    return await imagesPerSecond(() => {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), true);
      loss.dataSync();
      loss.dispose();
    }, steps);
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * One step of our trainer with the task's polarization recipe; `fuseBatchNorm: false` runs
 * tfjs-layers' own BatchNorm graph instead of our fused kernels (the same bits); `threads: 2`
 * splits the convolution kernels between this thread and a helper (setKernelThreads, the same bits).
 */
export async function trainerStepImagesPerSecond(steps, { fuseBatchNorm = true, threads = 1 } = {}) {
  await setKernelThreads(threads);
  const model = referenceModel('mnist-lenet', { seed: 1 });
  const trainer = await SparsityTrainer.create(model, sparsityRecipe('mnist-lenet', 'polarization', { epochs: 1 }), { backend: 'wasm', fuseBatchNorm });
  const batch = { x: xData, labels, size: BATCH };
  try {
    return await imagesPerSecond(() => trainer.step(batch), steps);
  } finally {
    trainer.dispose();
    model.dispose();
    await setKernelThreads(1);
  }
}
