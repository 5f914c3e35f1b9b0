/**
 * Sparsity training of the K networks (METHOD.md §2, §3): the same seeded initial weights (so a
 * channel index means the same filter at the start), each on its own sample of the training set.
 * Runs in this thread, one network after another; the worker pool runs them in parallel.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { Batcher, disjointShards, overlappingSamples, seededPermutation } from '../data/index.ts';
import { referenceModel, type ReferenceTask } from '../model/index.ts';
import {
  train, sparsityRecipe, equivalentLambda, SPARSITY_DEFAULTS, type TrainRecipe, type TrainProgress, type PolarizationReport,
} from '../train/index.ts';
import type { ResolvedConfig } from './config.ts';
import type { TaskData } from './data.ts';

export interface TrainedNetwork {
  readonly model: tfl.LayersModel;
  readonly indices: Int32Array;
  readonly polarization: PolarizationReport;
  readonly seconds: number;
}

/** The training images used by the run: all, or a seeded subset of `trainImages`. */
export function trainingPool(config: ResolvedConfig, data: TaskData): Int32Array {
  const n = data.train.count;
  if (config.trainImages === undefined || config.trainImages >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return seededPermutation(n, config.seed).slice(0, config.trainImages).sort();
}

/** The K samples of METHOD.md §3 (one sample, the whole pool, for the baselines). */
export function networkSamples(config: ResolvedConfig, pool: Int32Array): Int32Array[] {
  if (config.networks === 1) return [pool];
  return config.sampling === 'disjoint'
    ? disjointShards(pool, config.networks, config.seed)
    : overlappingSamples(pool, config.networks, config.sampleFraction, config.seed);
}

/**
 * The task's sparsity recipe for this run. Without an explicit λ, the task's default λ is
 * rescaled to the run's budget (fewer epochs or images per network means fewer steps), keeping
 * λ · epochs · steps per epoch · lr equal — the training module's heuristic (equivalentLambda).
 */
export function sparsityRecipeFor(config: ResolvedConfig, imagesPerNetwork?: number): TrainRecipe {
  const kind = config.method === 'slimming' ? 'l1' : 'polarization';
  const task = config.task as ReferenceTask;
  const base = sparsityRecipe(task, kind);
  const regularizer = base.regularizer!;
  const defaults = SPARSITY_DEFAULTS[task];
  const epochs = config.epochs ?? base.epochs;
  let lambda = config.lambda;
  if (lambda === undefined && regularizer.kind !== 'none' && imagesPerNetwork !== undefined) {
    const lr = base.optimizer.learningRate;
    lambda = equivalentLambda(
      { lambda: regularizer.lambda, epochs: base.epochs, stepsPerEpoch: defaults.trainImages / defaults.batchSize, learningRate: lr },
      { epochs, stepsPerEpoch: Math.max(1, imagesPerNetwork / config.batchSize), learningRate: lr },
    );
  }
  return {
    ...base,
    epochs,
    regularizer: regularizer.kind === 'polarization'
      ? { ...regularizer, ...(lambda === undefined ? {} : { lambda }), ...(config.t === undefined ? {} : { t: config.t }) }
      : regularizer.kind === 'l1' ? { ...regularizer, ...(lambda === undefined ? {} : { lambda }) } : regularizer,
  };
}

/** The batch-order seed of network k: every network sees its sample in its own order. */
export function batchSeed(config: ResolvedConfig, network: number): number {
  return (config.seed + 1000 * (network + 1)) >>> 0;
}

export function batcherFor(config: ResolvedConfig, data: TaskData, indices: Int32Array, seed: number): Batcher {
  return new Batcher(data.train, indices, {
    batchSize: config.batchSize, normalization: data.normalization, shuffle: true, seed, augment: data.augment,
  });
}

export function testBatcher(config: ResolvedConfig, data: TaskData): Batcher {
  return new Batcher(data.test, undefined, { batchSize: 256, normalization: data.normalization, shuffle: false });
}

export async function trainNetworks(
  config: ResolvedConfig,
  data: TaskData,
  samples: readonly Int32Array[],
  onProgress: (network: number, progress: TrainProgress) => void,
  workers = 1,
): Promise<TrainedNetwork[]> {
  if (workers > 1 && samples.length > 1) return trainOnPool(config, samples, onProgress, Math.min(workers, samples.length));
  const out: TrainedNetwork[] = [];
  for (let k = 0; k < samples.length; k++) {
    const recipe = sparsityRecipeFor(config, samples[k]!.length);
    const started = performance.now();
    // Same initial weights for every network (METHOD.md §3 default); different batch orders.
    const model = referenceModel(config.task as ReferenceTask, { seed: config.seed });
    const result = await train(model, batcherFor(config, data, samples[k]!, batchSeed(config, k)), recipe, {
      onProgress: (p) => onProgress(k, p),
    });
    out.push({ model, indices: samples[k]!, polarization: result.polarization, seconds: (performance.now() - started) / 1000 });
  }
  return out;
}

/**
 * The K trainings as jobs on a worker pool, one network per worker (ARCHITECTURE.md). Each worker
 * loads the task's data itself and builds the network from the run's seed; the weights come back
 * as plain arrays and are set on a network built here from the same seed, so the result equals
 * the serial run's on the same backend.
 */
async function trainOnPool(
  config: ResolvedConfig,
  samples: readonly Int32Array[],
  onProgress: (network: number, progress: TrainProgress) => void,
  size: number,
): Promise<TrainedNetwork[]> {
  const { createPool } = await import('../pool/pool.ts');
  const tf = await import('@tensorflow/tfjs-core');
  // A training whose own code threw would throw again: retry only crashed or lost workers.
  const pool = createPool({ size, retries: 1, shouldRetry: (f) => f.kind !== 'error' });
  try {
    const jobs = samples.map((indices, k) => ({
      type: 'train' as const, config, network: k, indices, recipe: sparsityRecipeFor(config, indices.length),
    }));
    const results = await pool.map(jobs, { onProgress: (p) => onProgress(p.network, p) });
    return results.map((r, k) => {
      const model = referenceModel(config.task as ReferenceTask, { seed: config.seed });
      const tensors = r.weights.map((w) => tf.tensor(w.values, w.shape));
      model.setWeights(tensors);
      tf.dispose(tensors);
      return { model, indices: samples[k]!, polarization: r.polarization, seconds: r.seconds };
    });
  } finally {
    await pool.close();
  }
}
