/**
 * What one pruning run does, as plain data: the task, the method, the budget and every seed.
 * `resolveConfig` fills the defaults and rejects bad values with a message that says what to do.
 */
import { REFERENCE_TASKS, type ReferenceTask } from '../model/index.ts';
import type { CandidateOptions } from '../select/candidates.ts';
import type { ContrastMode } from '../kernels/spec/anneal.ts';
import { distillationSettings } from '../train/distillation.ts';
import { validateLambda } from '../train/recipe.ts';
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

export interface PruneConfig {
  /** The data set and training recipe (METHOD.md §10); the network too, unless `model` is given. */
  readonly task: ReferenceTask;
  /**
   * A model.json (path or URL) of the user's tfjs LayersModel, to prune instead of the task's
   * reference network: it must take the task's images and have BatchNorm after its convolutions
   * and dense layers. Every training starts from the file's weights.
   */
  readonly model?: string;
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

export interface ResolvedConfig extends Required<Omit<PruneConfig, 'distill' | 'model' | 'trainImages' | 'epochs' | 'fineTuneLearningRate' | 'lambda' | 'wholeSetLambda' | 't' | 'dataSource' | 'wasmPaths' | 'candidates' | 'cooling' | 'movesPerTemperature'>> {
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

export function resolveConfig(config: PruneConfig): ResolvedConfig {
  if (!REFERENCE_TASKS.includes(config.task)) {
    throw new RangeError(`unknown task '${String(config.task)}'; choose one of ${REFERENCE_TASKS.join(', ')}`);
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
    task: config.task,
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
