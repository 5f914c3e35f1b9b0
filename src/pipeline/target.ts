/**
 * Pruning to a target size (PruneConfig.target), for every method. Each method keeps its own
 * way of deciding how much to prune, and the search turns that knob (our reading of the issue's
 * request, after Torch-Pruning's "prune until the desired speed-up"):
 * - slimming: its one global percentile of |γ|, bisected until the kept FLOPs / parameters
 *   meet the target (select/target.ts);
 * - polarization: its λ (Zhuang et al. 2020, Algorithm 1: src/train/lambda-search.ts), each
 *   trial a sparsity training, thresholded at the valleys as the method does;
 * - contrast-sa: α, the weight of the kept-FLOPs term of the annealing energy (METHOD.md §5),
 *   bisected geometrically, each trial an annealing over the same K networks.
 * A λ or α search lands near the target, not on it (widths move in whole channels, and training
 * is noisy), so its structure is then projected onto the target: the lowest-ranked channels are
 * removed, or the highest-ranked pruned ones restored, until the target is met (select/target.ts).
 * A latency target is met by the same global threshold, bisected on latencies measured here.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { graphFlops, graphParams, type PruningGraph } from '../model/index.ts';
import type { TargetOutcome } from '../report/run.ts';
import { keepIndicesFromBitset } from '../kernels/channels.ts';
import { env } from '../env.ts';
import { compactModel, masksFromThresholds } from '../prune/index.ts';
import { latencyMs } from '../report/latency.ts';
import { bnScaleImportance } from '../select/importance.ts';
import { structureAtLatency, structureAtTarget } from '../select/target.ts';
import { decideStructure, type StructureDecision } from '../select/method-rules.ts';
import { searchLambda, type TaskData, type TrainProgress } from '../train/index.ts';
import type { PruneTarget, ResolvedConfig } from './config.ts';
import type { NetworkCache } from './network-cache.ts';
import { networkJobs, sparsityRecipeFor, trainingPool, trainNetworks, type TrainedNetwork } from './networks.ts';

/** The size measure of a target: the fraction of FLOPs or parameters kept by `widths`. */
export function keptFraction(graph: PruningGraph, target: PruneTarget, widths: readonly number[]): number {
  if ('flops' in target) return graphFlops(graph, widths) / graphFlops(graph);
  if ('params' in target) return graphParams(graph, widths) / graphParams(graph);
  throw new Error('keptFraction: a latency target has no size measure');
}

export function targetValue(target: PruneTarget): number {
  return 'flops' in target ? target.flops : 'params' in target ? target.params : target.latencyMs;
}

export function targetOutcome(target: PruneTarget, reached: number, how: string): TargetOutcome {
  const requested = targetValue(target);
  return { requested: { ...target }, reached, relativeError: reached / requested - 1, how };
}

export interface AlphaTrial {
  readonly alpha: number;
  readonly kept: number;
  readonly decision: StructureDecision;
}

export interface AlphaSearchOptions {
  /** The annealing's decision at α. */
  readonly decide: (alpha: number) => Promise<StructureDecision>;
  /** The kept fraction of a decision's structure. */
  readonly kept: (decision: StructureDecision) => number;
  readonly target: number;
  /** Accept a trial within this relative distance of the target (default 0.02). */
  readonly tolerance?: number;
  /** Default 8. */
  readonly maxTrials?: number;
  readonly onTrial?: (trial: AlphaTrial) => void;
}

/**
 * α for a kept fraction: a larger α weighs the kept FLOPs more against the contrast, so the
 * structure shrinks (not strictly: the annealing is a seeded search). Brackets from α = 0.01 by
 * factors of 10 within [1e-4, 1e4], then bisects geometrically; the closest trial wins.
 */
export async function searchAlpha(options: AlphaSearchOptions): Promise<{ best: AlphaTrial; trials: AlphaTrial[] }> {
  const { decide, kept, target, tolerance = 0.02, maxTrials = 8, onTrial } = options;
  const trials: AlphaTrial[] = [];
  const run = async (alpha: number): Promise<AlphaTrial> => {
    const decision = await decide(alpha);
    const trial = { alpha, kept: kept(decision), decision };
    trials.push(trial);
    onTrial?.(trial);
    return trial;
  };
  const close = (t: AlphaTrial) => Math.abs(t.kept / target - 1) <= tolerance;
  const best = () => trials.reduce((a, b) => (Math.abs(b.kept - target) < Math.abs(a.kept - target) ? b : a));
  let lo: AlphaTrial | undefined; // kept above the target: α too small
  let hi: AlphaTrial | undefined; // kept at or below the target: α large enough
  let trial = await run(0.01);
  while (trials.length < maxTrials && !close(trial)) {
    if (trial.kept > target) lo = trial;
    else hi = trial;
    let next: number;
    if (lo && hi) next = Math.sqrt(lo.alpha * hi.alpha);
    else if (lo) next = lo.alpha * 10;
    else next = hi!.alpha / 10;
    if (next < 1e-4 || next > 1e4 || (lo && hi && hi.alpha / lo.alpha < 1.05)) break;
    trial = await run(next);
  }
  return { best: best(), trials };
}


export interface LambdaTargetTrial {
  readonly lambda: number;
  readonly t: number;
  readonly kept: number;
  /** Its network came from the cache rather than a training here. */
  readonly cached: boolean;
}

/**
 * Polarization at a target: λ (then t) searched by Algorithm 1 of Zhuang et al. 2020
 * (searchLambda), each trial one network sparsity-trained on the whole pool and thresholded at
 * its valleys. Returns the trial network closest to the target; the others are disposed.
 */
export async function polarizationAtTarget(args: {
  readonly config: ResolvedConfig;
  readonly data: TaskData;
  readonly graph: PruningGraph;
  readonly target: PruneTarget;
  readonly cache?: NetworkCache;
  readonly maxTrials?: number;
  readonly onProgress?: (message: string, training?: TrainProgress) => void;
  /** Cancels the search: each trial's training sees it between batches. */
  readonly signal?: AbortSignal;
}): Promise<{ network: TrainedNetwork; trials: LambdaTargetTrial[]; reason: string }> {
  const { config, data, graph, target } = args;
  const jobFor = (lambda: number, t: number) => networkJobs({ ...config, lambda, t }, data)[0]!;
  const regularizer = sparsityRecipeFor(config, trainingPool(config, data).length).regularizer;
  const lambda0 = config.lambda ?? (regularizer && regularizer.kind === 'polarization' ? regularizer.lambda : 1e-4);
  const t0 = config.t ?? (regularizer && regularizer.kind === 'polarization' ? regularizer.t : 1.2);
  const fullWidths = graph.groups.map((g) => g.width);
  const size = (widths: readonly number[]) => ('params' in target ? graphParams(graph, widths) : graphFlops(graph, widths));
  const trained: TrainedNetwork[] = [];
  let chosen: TrainedNetwork | undefined;
  try {
    const result = await searchLambda({
      targetReduction: 1 - targetValue(target),
      tolerance: 0.02 * targetValue(target),
      fullWidths,
      flops: size,
      initialLambda: lambda0,
      lambdaRange: [lambda0 / 64, Math.min(1, lambda0 * 64)],
      t: Math.min(1.8, Math.max(0.8, t0)),
      maxTrials: args.maxTrials ?? 5,
      trainAndMeasure: async (lambda, t) => {
        const [network] = await trainNetworks(data, [jobFor(lambda, t)], {
          ...(args.cache && { cache: args.cache }),
          ...(args.signal && { signal: args.signal }),
          onProgress: (_, p) => args.onProgress?.(`λ search: λ = ${lambda.toPrecision(3)}, t = ${t.toFixed(2)}`, p),
        });
        trained.push(network!);
        const decision = await decideStructure({ ...config, method: 'polarization' }, graph, [network!.model]);
        const masks = masksFromThresholds(graph, decision.importance[0]!, decision.thresholds);
        return { widths: masks.map((m, l) => keepIndicesFromBitset(graph.groups[l]!.width, m).length), network: network! };
      },
    });
    const network = result.best.result.network;
    chosen = network;
    return {
      network,
      trials: result.trials.map((trial) => ({ lambda: trial.lambda, t: trial.t, kept: 1 - trial.reduction, cached: trial.result.network.cached })),
      reason: result.reason,
    };
  } finally {
    // Every trial's network but the one returned.
    for (const n of trained) if (n !== chosen) n.model.dispose();
  }
}

/**
 * The run's structure moved onto its target (see the file's comment): a size target from the
 * method's own masks (all channels for Network Slimming, whose percentile the move finds), a
 * latency target by bisection on the global ranking with latencies measured here.
 */
export async function meetTarget(args: {
  readonly config: ResolvedConfig;
  readonly target: PruneTarget;
  readonly graph: PruningGraph;
  /** The network that is pruned. */
  readonly network: tfl.LayersModel;
  /** The method's own structure. */
  readonly masks: Uint32Array[];
  /** The search that set the method's knob (λ or α), for the outcome's account. */
  readonly searched: string | undefined;
  readonly say: (message: string) => void;
}): Promise<{ masks: Uint32Array[]; outcome: TargetOutcome }> {
  const { config, target, graph, network } = args;
  const importance = bnScaleImportance.scores(network, graph);
  if ('latencyMs' in target) {
    args.say(`bisecting the global ranking of |γ| for a batch-1 latency of ${target.latencyMs} ms`);
    const found = await structureAtLatency(graph, importance, target.latencyMs, async (masks) => {
      const { model } = await compactModel(network, masks, { graph });
      try {
        return await latencyMs(model, 1);
      } finally {
        model.dispose();
      }
    });
    return { masks: found.masks, outcome: targetOutcome(target, found.ms, `bisecting the global ranking of |γ| (${found.trials} latencies measured, batch 1, on ${env.runtime})`) };
  }
  const measure = 'flops' in target ? 'flops' : 'params';
  const slimming = config.method === 'slimming';
  const found = structureAtTarget(graph, importance, measure, targetValue(target), slimming ? undefined : args.masks);
  const before = keptFraction(graph, target, args.masks.map((m, l) => keepIndicesFromBitset(graph.groups[l]!.width, m).length));
  const how = slimming
    ? "Network Slimming's global |γ| percentile, found exactly by ranking"
    : `${args.searched ?? `${config.method}'s own thresholds`}, which kept ${(100 * before).toFixed(1)}%, then moving the lowest-|γ| channels across the target`;
  return { masks: found.masks, outcome: targetOutcome(target, found.kept, how) };
}
