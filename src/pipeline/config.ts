/**
 * What one pruning run does, as plain data: the task, the method, the budget and every seed.
 * `resolveConfig` fills the defaults and rejects bad values with a message that says what to do.
 */
import { REFERENCE_TASKS, type ReferenceTask } from '../model/index.ts';
import type { CandidateOptions } from '../select/candidates.ts';
import type { ContrastMode } from '../kernels/spec/anneal.ts';
import { distillationSettings } from '../train/distillation.ts';
import { validateLambda } from '../train/recipe.ts';
import type { DataSpec, FolderDataSpec } from '../train/task-data.ts';
import { PRUNE_METHODS, type PruneMethod } from '../select/method-rules.ts';

export { PRUNE_METHODS, type PruneMethod };

/** METHOD.md §3: K disjoint shards, or K overlapping samples of a fraction of the set. */
export type Sampling = 'disjoint' | 'overlap';

/**
 * METHOD.md §7, which network the selected structure prunes: 'k-star' (our reading of the
 * paper: network k*, trained on its sample) or 'full' (a variant: one more network,
 * sparsity-trained on the whole training set, keeps k*'s width per group, its own channels
 * ranked by |γ|), or 'joint' (another variant: that full-set network joins the annealing as
 * network K + 1 and is pruned at its own thresholds θ*(K + 1, ·), which the annealing chose among
 * its own valleys to agree with the K structures).
 */
export type StructureTarget = 'k-star' | 'full' | 'joint';
export const STRUCTURE_TARGETS: readonly StructureTarget[] = ['k-star', 'full', 'joint'];

/**
 * A folder of the user's own images, root/<class>/*.png|jpg|jpeg|webp (classes in sorted order),
 * resized to the model's input.
 */
export interface ImagesConfig {
  readonly folder: string;
  /** A test folder with the same classes; without it, `validationFraction` of each class is held out. */
  readonly testFolder?: string;
  /** Default 0.2. */
  readonly validationFraction?: number;
  /** Convert every image to 1 or 3 channels (default: the images' own, which must agree). */
  readonly channels?: 1 | 3;
  /** Decode images per batch rather than holding all decoded pixels (default false). */
  readonly stream?: boolean;
  /** Pad-crop-flip augmentation during training (default false). */
  readonly augment?: boolean;
  /** 'data' (default: the training split's mean and std), 'unit' (pixels/255) or { mean, std } on the 0..1 scale. */
  readonly normalization?: FolderDataSpec['normalization'];
}

/**
 * Prune to a size instead of at the method's own thresholds: keep this fraction (0, 1) of the
 * unpruned model's FLOPs or parameters, or reach this batch-1 latency measured on this runtime.
 */
export type PruneTarget =
  | { readonly flops: number }
  | { readonly params: number }
  | { readonly latencyMs: number };

export interface PruneConfig {
  /**
   * A reference task: its data set and training recipe (METHOD.md §10), and its network unless
   * `model` is given. Default 'mnist-lenet' when `images` is not given; not with `images`.
   */
  readonly task?: ReferenceTask;
  /** The user's own images instead of a task's (needs `model`); the recipe is FOLDER_DEFAULTS'. */
  readonly images?: ImagesConfig;
  /**
   * A model.json (path or URL) of the user's tfjs LayersModel, to prune instead of the task's
   * reference network: it must take the data's images and have BatchNorm after its convolutions
   * and dense layers. Every training starts from the file's weights.
   */
  readonly model?: string;
  /** Sparsity training's first learning rate (default: the recipe's: 0.1 for tasks, 0.01 for a folder). */
  readonly learningRate?: number;
  /** Prune to this size (every method; see PruneTarget); default: the method's own thresholds. */
  readonly target?: PruneTarget;
  /**
   * A layer slimprune cannot prune through (e.g. Reshape, Conv2DTranspose, LSTM) that reads
   * prunable channels: 'refuse' the model (default), or 'keep' those channels unpruned and prune
   * the rest. Sound because the channels such a layer reads, and everything coupled to them,
   * become one fixed set that no mask, compaction or fade touches (buildGraph's option).
   */
  readonly unsupported?: 'refuse' | 'keep';
  readonly method?: PruneMethod;
  /** K networks for contrast-sa (default 3); the baselines train one network on the whole set. */
  readonly networks?: number;
  readonly sampling?: Sampling;
  /** Fraction of the training images in each overlapping sample (default 0.5). */
  readonly sampleFraction?: number;
  /**
   * contrast-sa only. Default 'full': at the full recipe on mnist-lenet it kept Polarization's
   * accuracy at fewer FLOPs and parameters, where the paper's reading ('k-star') ended lower
   * (RESULTS.md).
   */
  readonly structureFrom?: StructureTarget;
  /** Use only this many training images (a seeded subset; default all): the quick budget. */
  readonly trainImages?: number;
  /** Sparsity-training epochs (default: the task's recipe). */
  readonly epochs?: number;
  /** Fine-tuning epochs on the whole (subset of the) training set (default 2). */
  readonly fineTuneEpochs?: number;
  /**
   * Fine-tuning's first learning rate (default: a tenth of sparsity training's, 0.01 for the
   * LeNet and VGG recipes); the training schedule (÷10 at 50% and 75%) applies to it.
   */
  readonly fineTuneLearningRate?: number;
  /**
   * Of the fine-tuning epochs, how many fade the pruned channels out of the full-width network
   * (src/prune/channel-fade.ts) before they are removed; 0 (default) removes them first and
   * fine-tunes the compact model. Every method gets it alike.
   */
  readonly fadeEpochs?: number;
  /**
   * Fine-tune with knowledge distillation from the network the channels were cut from
   * (src/train/distillation.ts): `true` for T = 4, w = 0.5, or the values. Every method gets it
   * alike. Default off.
   */
  readonly distill?: boolean | { readonly temperature?: number; readonly weight?: number };
  readonly batchSize?: number;
  /** Polarization λ and t (default: the task's recipe). */
  readonly lambda?: number;
  /**
   * contrast-sa with structureFrom 'full' or 'joint': the regularizer's λ of the network trained
   * on the whole set, which takes the selected structure (default: as `lambda`). 0 trains it
   * without sparsity: 'full' takes its structure from the K networks alone (our variant).
   */
  readonly wholeSetLambda?: number;
  readonly t?: number;
  /** Network Slimming: the global fraction of channels pruned (default 0.5). */
  readonly slimmingRatio?: number;
  /** contrast-sa's candidate thresholds (default: histogram valleys below 0.2; the library's candidateThresholds defaults to KDE). */
  readonly candidates?: CandidateOptions;
  /** contrast-sa: α of the energy (METHOD.md §5, default 0.01) and the contrast mode (default 'width'). */
  readonly alpha?: number;
  readonly contrast?: ContrastMode;
  /** Annealing restarts (default 8) and schedule (METHOD.md §6 defaults). */
  readonly restarts?: number;
  readonly cooling?: number;
  readonly movesPerTemperature?: number;
  readonly seed?: number;
  /** Worker threads for the K trainings (default 1: in this thread). */
  readonly workers?: number;
  /** Where the task's data lives, for Fashion-MNIST and CIFAR-10 (default: their standard places). */
  readonly dataSource?: string;
  /**
   * Browsers: the URL prefix where tfjs-backend-wasm's .wasm files are served (what its
   * `setWasmPaths` takes). The page's own setting does not reach the pool's workers, so runs with
   * `workers` > 1 pass it on to each of them; Node and Deno find the files themselves.
   */
  readonly wasmPaths?: string;
}

export interface ResolvedConfig extends Required<Omit<PruneConfig, 'task' | 'images' | 'learningRate' | 'target' | 'distill' | 'model' | 'trainImages' | 'epochs' | 'fineTuneLearningRate' | 'lambda' | 'wholeSetLambda' | 't' | 'dataSource' | 'wasmPaths' | 'candidates' | 'cooling' | 'movesPerTemperature'>> {
  /** undefined: the user's images (`images`). */
  readonly task: ReferenceTask | undefined;
  readonly images: ImagesConfig | undefined;
  readonly learningRate: number | undefined;
  readonly target: PruneTarget | undefined;
  readonly model: string | undefined;
  readonly trainImages: number | undefined;
  readonly epochs: number | undefined;
  /** undefined: a tenth of the sparsity recipe's learning rate. */
  readonly fineTuneLearningRate: number | undefined;
  readonly lambda: number | undefined;
  readonly wholeSetLambda: number | undefined;
  readonly t: number | undefined;
  readonly dataSource: string | undefined;
  readonly wasmPaths: string | undefined;
  readonly candidates: CandidateOptions;
  readonly cooling: number | undefined;
  readonly movesPerTemperature: number | undefined;
  /** Distillation's temperature and weight, or null for plain fine-tuning. */
  readonly distill: { readonly temperature: number; readonly weight: number } | null;
}

function positiveInt(name: string, v: number | undefined, fallback: number): number {
  const x = v ?? fallback;
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`${name} must be a positive integer, got ${String(v)}`);
  return x;
}

function resolveFineTuneLearningRate(lr: number | undefined): number | undefined {
  if (lr === undefined) return undefined;
  if (!(lr > 0 && Number.isFinite(lr))) throw new RangeError(`fineTuneLearningRate must be a finite number > 0, got ${String(lr)}`);
  return lr;
}

function resolveFadeEpochs(fadeEpochs: number | undefined, fineTuneEpochs: number): number {
  const fade = fadeEpochs ?? 0;
  if (!Number.isInteger(fade) || fade < 0 || fade > fineTuneEpochs) {
    throw new RangeError(`fadeEpochs must be a whole number from 0 to fineTuneEpochs (${fineTuneEpochs}), got ${String(fadeEpochs)}`);
  }
  return fade;
}

function resolveDistill(d: PruneConfig['distill']): ResolvedConfig['distill'] {
  if (d === undefined || d === false) return null;
  if (d !== true && (typeof d !== 'object' || d === null)) {
    throw new TypeError('distill must be true, false or { temperature, weight }');
  }
  return distillationSettings(d === true ? {} : d, 'distill.');
}

/**
 * Whether a run trains, besides its K networks, one on the whole set (METHOD.md §7): contrast-sa
 * with structureFrom 'full' or 'joint'. The one rule for networkJobs, wholeSetLambda's check and
 * the --baselines variants.
 */
export function trainsWholeSetNetwork(method: PruneMethod, structureFrom: StructureTarget): boolean {
  return method === 'contrast-sa' && structureFrom !== 'k-star';
}

function resolveImages(images: ImagesConfig, model: string | undefined): ImagesConfig {
  if (typeof images !== 'object' || images === null || typeof images.folder !== 'string' || images.folder.length === 0) {
    throw new TypeError("images must be { folder: 'path/to/root' } (root/<class>/*.png|jpg|jpeg|webp)");
  }
  if (model === undefined) {
    throw new RangeError('pruning your own images needs your model: pass model (--model path/to/model.json), a tfjs LayersModel whose input fits the images and whose output has one unit per class');
  }
  const v = images.validationFraction;
  if (v !== undefined && !(v > 0 && v < 1)) throw new RangeError(`validationFraction must be in (0, 1), got ${String(v)}`);
  if (v !== undefined && images.testFolder !== undefined) {
    throw new RangeError('give either testFolder (--test-data) or validationFraction (--validation-split), not both: with a test folder nothing is held out of the training folder');
  }
  const n = images.normalization;
  if (n !== undefined && n !== 'data' && n !== 'unit' && !(typeof n === 'object' && n !== null && Array.isArray(n.mean) && Array.isArray(n.std))) {
    throw new TypeError("normalization must be 'data', 'unit' or { mean: number[], std: number[] } (one per channel, on the 0..1 scale)");
  }
  if (images.channels !== undefined && images.channels !== 1 && images.channels !== 3) {
    throw new RangeError(`channels must be 1 or 3, got ${String(images.channels)}`);
  }
  return Object.freeze({ ...images });
}

function resolveTarget(target: PruneTarget | undefined): PruneTarget | undefined {
  if (target === undefined) return undefined;
  const keys = typeof target === 'object' && target !== null ? Object.keys(target) : [];
  const [key] = keys;
  const value = key === undefined ? undefined : (target as Record<string, unknown>)[key];
  if (keys.length !== 1 || !['flops', 'params', 'latencyMs'].includes(key!) || typeof value !== 'number') {
    throw new TypeError('target must be one of { flops: f }, { params: f } (the fraction kept, in (0, 1)) or { latencyMs: ms }');
  }
  if (key === 'latencyMs' ? !(value > 0 && Number.isFinite(value)) : !(value > 0 && value < 1)) {
    throw new RangeError(key === 'latencyMs'
      ? `target latencyMs must be a finite number of milliseconds > 0, got ${value}`
      : `target ${key} is the fraction of the unpruned model's ${key === 'flops' ? 'FLOPs' : 'parameters'} to keep, in (0, 1), got ${value}`);
  }
  return Object.freeze({ [key!]: value }) as PruneTarget;
}

export function resolveConfig(config: PruneConfig): ResolvedConfig {
  if (config.task !== undefined && config.images !== undefined) {
    throw new RangeError(`give either a task (${config.task}) or your own images (${config.images.folder}), not both: a task brings its own data set`);
  }
  const task = config.images === undefined ? config.task ?? 'mnist-lenet' : undefined;
  if (task !== undefined && !REFERENCE_TASKS.includes(task)) {
    throw new RangeError(`unknown task '${String(task)}'; choose one of ${REFERENCE_TASKS.join(', ')}`);
  }
  const images = config.images === undefined ? undefined : resolveImages(config.images, config.model);
  if (images && config.dataSource !== undefined) {
    throw new RangeError('dataSource locates a reference task\'s files; with your own images give the folder in images.folder');
  }
  const learningRate = config.learningRate;
  if (learningRate !== undefined && !(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`learningRate must be a finite number > 0, got ${String(learningRate)}`);
  }
  const target = resolveTarget(config.target);
  // Refused rather than ignored: with a target these are what the search sets.
  if (target && config.slimmingRatio !== undefined) {
    throw new RangeError('give either target or slimmingRatio, not both: with a target, Network Slimming\'s percentile is searched to reach it');
  }
  if (target && config.alpha !== undefined) {
    throw new RangeError('give either target or alpha, not both: with a target, contrast-sa\'s α is searched to reach it');
  }
  const method = config.method ?? 'contrast-sa';
  if (!PRUNE_METHODS.includes(method)) {
    throw new RangeError(`unknown method '${String(method)}'; choose one of ${PRUNE_METHODS.join(', ')}`);
  }
  const networks = positiveInt('networks', config.networks, 3);
  if (method === 'contrast-sa' && networks < 2) {
    throw new RangeError('contrast-sa compares K >= 2 networks: pass --networks 2 or more');
  }
  const sampling = config.sampling ?? 'disjoint';
  if (sampling !== 'disjoint' && sampling !== 'overlap') throw new RangeError(`sampling must be 'disjoint' or 'overlap', got ${String(sampling)}`);
  const sampleFraction = config.sampleFraction ?? 0.5;
  if (config.structureFrom !== undefined && !STRUCTURE_TARGETS.includes(config.structureFrom)) {
    throw new RangeError(`structureFrom must be one of ${STRUCTURE_TARGETS.join(', ')}, got ${String(config.structureFrom)}`);
  }
  if (!(sampleFraction > 0 && sampleFraction <= 1)) throw new RangeError(`sampleFraction must be in (0, 1], got ${sampleFraction}`);
  const slimmingRatio = config.slimmingRatio ?? 0.5;
  if (!(slimmingRatio >= 0 && slimmingRatio < 1)) throw new RangeError(`slimmingRatio must be in [0, 1), got ${slimmingRatio}`);
  const alpha = config.alpha ?? 0.01;
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new RangeError(`alpha must be a finite number >= 0, got ${String(config.alpha)}`);
  const contrast = config.contrast ?? 'width';
  if (contrast !== 'width' && contrast !== 'mask') throw new RangeError(`contrast must be 'width' or 'mask', got ${String(contrast)}`);
  const seed = config.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be a u32 integer, got ${seed}`);
  if (config.model !== undefined && (typeof config.model !== 'string' || config.model.length === 0)) {
    throw new TypeError('model must be the path or URL of a model.json');
  }
  if (config.wasmPaths !== undefined && (typeof config.wasmPaths !== 'string' || config.wasmPaths.length === 0)) {
    throw new TypeError("wasmPaths must be the URL prefix of tfjs-backend-wasm's .wasm files, e.g. 'https://example.org/tfjs-wasm/'");
  }
  const unsupported = config.unsupported ?? 'refuse';
  if (unsupported !== 'refuse' && unsupported !== 'keep') throw new RangeError(`unsupported must be 'refuse' or 'keep', got ${String(unsupported)}`);
  const fineTuneEpochs = config.fineTuneEpochs === 0 ? 0 : positiveInt('fineTuneEpochs', config.fineTuneEpochs, 2);
  const structureFrom = config.structureFrom ?? 'full';
  if (config.wholeSetLambda !== undefined && !trainsWholeSetNetwork(method, structureFrom)) {
    // Refused rather than ignored: a λ that silently does nothing reads as a result.
    const run = method === 'contrast-sa' ? "contrast-sa with structureFrom 'k-star'" : method;
    throw new RangeError(
      `wholeSetLambda sets the λ of the network trained on the whole set, which only contrast-sa with structureFrom 'full' or 'joint' trains; ` +
      `this run (${run}) trains none: drop it, or set this run's networks' λ with lambda`,
    );
  }
  return {
    task,
    images,
    learningRate,
    target,
    model: config.model,
    unsupported,
    method,
    networks: method === 'contrast-sa' ? networks : 1,
    sampling,
    sampleFraction,
    structureFrom,
    trainImages: config.trainImages === undefined ? undefined : positiveInt('trainImages', config.trainImages, 1),
    epochs: config.epochs === undefined ? undefined : positiveInt('epochs', config.epochs, 1),
    fineTuneEpochs,
    distill: resolveDistill(config.distill),
    fadeEpochs: resolveFadeEpochs(config.fadeEpochs, fineTuneEpochs),
    fineTuneLearningRate: resolveFineTuneLearningRate(config.fineTuneLearningRate),
    batchSize: positiveInt('batchSize', config.batchSize, 64),
    lambda: config.lambda,
    wholeSetLambda: config.wholeSetLambda === undefined ? undefined : validateLambda(config.wholeSetLambda, 'wholeSetLambda'),
    t: config.t,
    slimmingRatio,
    // Histogram valleys by default: with 'full' they gave the smaller and more accurate
    // structure at the full recipe on mnist-lenet (RESULTS.md); 'kde' stays an option.
    candidates: { source: 'histogram', ...config.candidates },
    alpha,
    contrast,
    restarts: positiveInt('restarts', config.restarts, 8),
    cooling: config.cooling,
    movesPerTemperature: config.movesPerTemperature,
    seed,
    workers: positiveInt('workers', config.workers, 1),
    dataSource: config.dataSource,
    wasmPaths: config.wasmPaths,
  };
}

/**
 * The data a run loads: its task's, or its folder sized for the model's input (height and width
 * of `model`'s first input; the folder's images are resized to them).
 */
export function dataSpec(config: ResolvedConfig, model: { readonly name: string; readonly inputs: readonly { readonly shape: readonly (number | null)[] }[] }): DataSpec {
  const images = config.images;
  if (!images) return { task: config.task!, ...(config.dataSource !== undefined && { source: config.dataSource }) };
  const [, height, width] = model.inputs[0]?.shape ?? [];
  if (typeof height !== 'number' || typeof width !== 'number') {
    throw new Error(
      `model ${model.name} takes inputs of shape [${(model.inputs[0]?.shape ?? []).map(String).join(', ')}], without a fixed height and width ` +
        'to resize the images to; give its input layer a fixed size (inputShape: [height, width, channels])',
    );
  }
  return {
    folder: images.folder,
    height,
    width,
    seed: config.seed,
    ...(images.testFolder !== undefined && { testFolder: images.testFolder }),
    ...(images.validationFraction !== undefined && { validationFraction: images.validationFraction }),
    ...(images.channels !== undefined && { channels: images.channels }),
    ...(images.stream !== undefined && { stream: images.stream }),
    ...(images.augment !== undefined && { augment: images.augment }),
    ...(images.normalization !== undefined && { normalization: images.normalization }),
  };
}
