/**
 * Sparsity training of the K networks (METHOD.md §2, §3): which networks a run needs, their
 * samples, recipes and batch orders, and training them here, on a worker pool, or not at all
 * when the network cache already holds them.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { disjointShards, overlappingSamples, seededPermutation } from '../data/index.ts';
import { modelWithWeights, startingNetwork } from '../model/index.ts';
import {
  trainNetwork, sparsityRecipe, sparsityDefaults, equivalentLambda,
  type TaskData, type TrainJob, type TrainRecipe, type TrainProgress, type PolarizationReport,
} from '../train/index.ts';
import { trainsWholeSetNetwork, type ResolvedConfig } from './config.ts';
import { networkKey, type CachedNetwork, type NetworkCache } from './network-cache.ts';

export interface TrainedNetwork {
  readonly model: tfl.LayersModel;
  readonly indices: Int32Array;
  readonly polarization: PolarizationReport;
  readonly seconds: number;
  /** Taken from the network cache rather than trained by this call. */
  readonly cached: boolean;
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
  const recipe = sparsityRecipe(config.task, kind);
  const base: TrainRecipe = config.learningRate === undefined
    ? recipe : { ...recipe, optimizer: { ...recipe.optimizer, learningRate: config.learningRate } };
  const regularizer = base.regularizer!;
  const defaults = sparsityDefaults(config.task);
  const epochs = config.epochs ?? base.epochs;
  let lambda = config.lambda;
  if (lambda === undefined && regularizer.kind !== 'none' && imagesPerNetwork !== undefined) {
    const lr = base.optimizer.learningRate;
    lambda = equivalentLambda(
      { lambda: regularizer.lambda, epochs: defaults.recipe.epochs, stepsPerEpoch: defaults.trainImages / defaults.batchSize, learningRate: recipe.optimizer.learningRate },
      { epochs, stepsPerEpoch: Math.max(1, imagesPerNetwork / config.batchSize), learningRate: lr },
    );
    // Refused before training: a λ above 1 swamps the data loss and drives every γ to 0.
    if (lambda > 1) {
      throw new RangeError(
        `the ${config.task === undefined ? 'recipe' : 'task'}'s sparsity λ ${lambdaText(regularizer.lambda)}, rescaled to this budget (${rescaledBudget(imagesPerNetwork, epochs)}, to keep the ` +
          `recipe's λ · steps · learning rate), is ${lambda.toPrecision(3)}, more than 1, which would drive every γ to 0: ` +
          'pass a smaller lambda (--lambda), e.g. 0.05, or a larger budget (--train-images, --epochs)',
      );
    }
  }
  return {
    ...base,
    epochs,
    regularizer: regularizer.kind === 'polarization'
      ? { ...regularizer, ...(lambda === undefined ? {} : { lambda }), ...(config.t === undefined ? {} : { t: config.t }) }
      : regularizer.kind === 'l1' ? { ...regularizer, ...(lambda === undefined ? {} : { lambda }) } : regularizer,
  };
}

const lambdaText = (x: number) => (x < 1e-3 ? x.toExponential() : String(x));
const rescaledBudget = (images: number, epochs: number) => `${Math.round(images)} images × ${epochs} epoch${epochs === 1 ? '' : 's'} per network`;

/**
 * The refusal of a run in which some network's sparsity training drove every γ below the
 * polarization report's zero (each of its prunable layers would lose all its channels), saying
 * what λ did it and what to change; undefined when none did.
 */
export function collapsedNetwork(config: ResolvedConfig, jobs: readonly NetworkJob[], trained: readonly TrainedNetwork[]): string | undefined {
  const k = trained.findIndex((t) => t.polarization.layers.length > 0 && t.polarization.layers.every((l) => l.zero === 1));
  if (k < 0) return undefined;
  const job = jobs[k]!;
  const regularizer = job.recipe.regularizer;
  const lambda = regularizer && regularizer.kind !== 'none' ? regularizer.lambda : 0;
  const base = sparsityRecipe(config.task, config.method === 'slimming' ? 'l1' : 'polarization').regularizer;
  // The whole-set network (after the K) has its own λ when wholeSetLambda is given.
  const given = k < config.networks ? config.lambda : config.wholeSetLambda ?? config.lambda;
  const rescaled = given === undefined && base && base.kind !== 'none'
    ? ` (the recipe's ${lambdaText(base.lambda)} rescaled to ${rescaledBudget(job.indices.length, job.recipe.epochs)})`
    : '';
  return (
    `sparsity training drove every γ of network ${k + 1} (of ${trained.length}) below ${trained[k]!.polarization.options.zeroBelow}: ` +
    `λ = ${lambda.toPrecision(3)}${rescaled} is too strong, and the pruned network would be at chance; ` +
    `pass a smaller lambda (--lambda), e.g. ${(lambda / 10).toPrecision(2)}, or a larger budget (--train-images, --epochs)`
  );
}

/** The polarization report's warnings of every network, each naming its network. */
export function networkWarnings(trained: readonly TrainedNetwork[]): string[] {
  return trained.flatMap((t, k) => t.polarization.warnings.map((w) => `network ${k + 1}: ${w}`));
}

/** The batch-order seed of network k: every network sees its sample in its own order. */
export function batchSeed(config: ResolvedConfig, network: number): number {
  return (config.seed + 1000 * (network + 1)) >>> 0;
}

/** One network to sparsity-train: a 'train' job of the worker pool, without its type tag. */
export type NetworkJob = Omit<TrainJob, 'type'>;

/**
 * The networks a run trains: the K samples of METHOD.md §3 (one, the whole pool, for the
 * baselines) and, for contrast-sa with structureFrom 'full' or 'joint', one more on the whole pool — the
 * same network the Polarization baseline trains (same seed, sample, batch order and recipe), unless
 * `wholeSetLambda` gives it a λ of its own.
 */
export function networkJobs(config: ResolvedConfig, data: TaskData): NetworkJob[] {
  const pool = trainingPool(config, data);
  const job = (c: ResolvedConfig, network: number, indices: Int32Array, seed: number): NetworkJob => ({
    network,
    start: startingNetwork(c),
    data: data.spec,
    batchSize: c.batchSize,
    batchSeed: seed,
    indices,
    recipe: sparsityRecipeFor(c, indices.length),
    ...(c.wasmPaths !== undefined && { wasmPaths: c.wasmPaths }),
  });
  const jobs = networkSamples(config, pool).map((indices, k) => job(config, k, indices, batchSeed(config, k)));
  if (trainsWholeSetNetwork(config.method, config.structureFrom)) {
    const whole: ResolvedConfig = {
      ...config, networks: 1, ...(config.wholeSetLambda !== undefined && { lambda: config.wholeSetLambda }),
    };
    jobs.push(job(whole, jobs.length, pool, batchSeed(whole, 0)));
  }
  return jobs;
}

export interface TrainNetworksOptions {
  /** Progress of job i of the list. */
  readonly onProgress?: (job: number, progress: TrainProgress) => void;
  /** Worker threads (default 1: in this thread, one network after another). */
  readonly workers?: number;
  /** Networks trained before with the same inputs are taken from here; new ones are added. */
  readonly cache?: NetworkCache;
  /** Cancels the trainings: in this thread between batches, on the pool by terminating the workers. */
  readonly signal?: AbortSignal;
}

/**
 * Sparsity-trains the jobs' networks (METHOD.md §2, §3): from the cache where it has them, the
 * rest in this thread or as jobs on a worker pool. Every network starts from the run's seeded
 * initial weights (so a channel index means the same filter at the start) and sees its own
 * sample in its own batch order. Jobs with the same inputs are trained once.
 */
export async function trainNetworks(data: TaskData, jobs: readonly NetworkJob[], options: TrainNetworksOptions = {}): Promise<TrainedNetwork[]> {
  // A job without a key (a streamed folder, known by no fingerprint) is neither looked up nor kept.
  const keys = await Promise.all(jobs.map(async (j, i) => (await networkKey(j, data.fingerprint)) ?? `uncached:${i}`));
  const cache = (key: string) => (key.startsWith('uncached:') ? undefined : options.cache);
  const found = new Map<string, CachedNetwork>();
  for (const key of new Set(keys)) {
    const hit = await cache(key)?.get(key);
    if (hit) found.set(key, hit);
  }
  const missing = [...new Set(keys)].filter((k) => !found.has(k)).map((k) => keys.indexOf(k));
  const workers = Math.min(options.workers ?? 1, missing.length);
  // Each network goes into the cache as soon as it is trained: an interrupted run keeps those.
  const done = async (slot: number, network: CachedNetwork) => {
    found.set(keys[slot]!, network);
    await cache(keys[slot]!)?.put(keys[slot]!, network);
  };
  const trainMissing = workers > 1 ? trainOnPool : trainHere;
  await trainMissing(data, missing.map((i) => jobs[i]!), missing, { ...options, workers, done });
  return Promise.all(jobs.map(async (job, i) => {
    const network = found.get(keys[i]!)!;
    return {
      model: await modelWithWeights(job.start, network.weights), indices: job.indices, polarization: network.polarization,
      seconds: network.seconds, cached: !missing.includes(i),
    };
  }));
}

interface TrainMissingOptions extends TrainNetworksOptions {
  readonly workers: number;
  readonly done: (slot: number, network: CachedNetwork) => Promise<void>;
}

async function trainHere(data: TaskData, jobs: readonly NetworkJob[], slots: readonly number[], options: TrainMissingOptions): Promise<void> {
  for (let j = 0; j < jobs.length; j++) {
    const result = await trainNetwork(jobs[j]!, data, (p) => options.onProgress?.(slots[j]!, p), options.signal);
    await options.done(slots[j]!, result);
  }
}

/**
 * The trainings as jobs on a worker pool, one network per worker. Each worker
 * loads the task's data itself and builds the initial network; the weights come back as plain
 * arrays, so the result equals the serial run's on the same backend.
 */
async function trainOnPool(_data: TaskData, jobs: readonly NetworkJob[], slots: readonly number[], options: TrainMissingOptions): Promise<void> {
  const { createPool } = await import('../pool/pool.ts');
  // A training whose own code threw would throw again: retry only crashed or lost workers.
  const pool = createPool({ size: options.workers, retries: 1, shouldRetry: (f) => f.kind !== 'error' });
  // Longest first (images × epochs), so the full-set network does not start last and run alone.
  const cost = (j: NetworkJob) => j.indices.length * j.recipe.epochs;
  const order = jobs.map((_, i) => i).sort((a, b) => cost(jobs[b]!) - cost(jobs[a]!) || a - b);
  try {
    await Promise.all(order.map(async (i) => {
      const result = await pool.run({ type: 'train' as const, ...jobs[i]! }, {
        onProgress: (p) => options.onProgress?.(slots[i]!, p), ...(options.signal && { signal: options.signal }),
      });
      await options.done(slots[i]!, result);
    }));
  } finally {
    await pool.close();
  }
}
