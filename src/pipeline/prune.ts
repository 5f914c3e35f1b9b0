/**
 * `prune()`: one run of a method on a reference task, end to end (docs/METHOD.md, the stages):
 * data → K samples → K sparsity-trained networks → structure (contrast-sa, polarization or
 * slimming) → compaction → fine-tuning → metrics (METHOD.md §9). Everything the report and
 * metrics.json show is measured here; nothing is copied from elsewhere.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { env } from '../env.ts';
import { assertUsableModel, buildGraph, startingModel, startingNetwork, type PruningGraph } from '../model/index.ts';
import { compactModel, historyFromMasks, masksFromThresholds, topWidthMasks } from '../prune/index.ts';
import { modelFigures } from '../report/figures.ts';
import type { PruneMetrics as Metrics, PruneRun as Run, Stage } from '../report/run.ts';
import { bnScaleImportance } from '../select/importance.ts';
import { decideStructure, type DecisionHooks } from '../select/method-rules.ts';
import { assertReachable } from '../select/target.ts';
import { evaluate, testBatcher, useTrainingBackend, type Evaluation, type TaskData } from '../train/index.ts';
import type { PruneEvent, PruneProgress } from './events.ts';
import { resolveConfig, type PruneConfig, type ResolvedConfig } from './config.ts';
import { loadDataFor } from './run-data.ts';
import { keptFraction, meetTarget, polarizationAtTarget, searchAlpha, targetValue, type LambdaTargetTrial } from './target.ts';
import { fineTune } from './fine-tune.ts';
import type { NetworkCache } from './network-cache.ts';
import {
  collapsedNetwork, networkJobs, networkWarnings, trainNetworks, trainingPool, type TrainedNetwork,
} from './networks.ts';

export type { Stage };
export type PruneMetrics = Metrics<ResolvedConfig>;
export type PruneRun = Run<ResolvedConfig>;

export type { PruneProgress, PruneEvent };

export interface PruneOptions {
  readonly onProgress?: (progress: PruneProgress) => void;
  /** The run as it goes, as plain data (events.ts): progress, γ per network, each annealing restart, the structure, the widths. */
  readonly onEvent?: (event: PruneEvent) => void;
  /**
   * Cancels the run: it rejects with the signal's reason as soon as the running step sees it
   * (between training batches, between stages; a training on the pool's workers ends at once,
   * its worker terminated). Nothing the run made outlives it.
   */
  readonly signal?: AbortSignal;
  /** Data already loaded (e.g. to run several methods on one load). */
  readonly data?: TaskData;
  /** Sparsity-trained networks to reuse, and to add the ones this run trains to. */
  readonly cache?: NetworkCache;
}

export async function prune(config: PruneConfig, options: PruneOptions = {}): Promise<PruneRun> {
  // The trained networks are the run's own: none outlives it, whether it ends or fails.
  const trained: TrainedNetwork[] = [];
  try {
    return await pruneWith(config, options, trained);
  } finally {
    for (const t of trained) t.model.dispose();
  }
}

async function pruneWith(config: PruneConfig, options: PruneOptions, trained: TrainedNetwork[]): Promise<PruneRun> {
  const c = resolveConfig(config);
  const { signal } = options;
  const emit = (event: PruneEvent) => options.onEvent?.(event);
  const say = (stage: Stage, message: string, extra: Partial<PruneProgress> = {}) => {
    const progress = { stage, message, ...extra };
    options.onProgress?.(progress);
    emit({ type: 'progress', progress });
  };
  signal?.throwIfAborted();
  const seconds: Partial<Record<Stage, number>> = {};
  const timed = async <T>(stage: Stage, body: () => Promise<T>): Promise<T> => {
    // Every stage starts by checking: a cancel between stages takes effect before the next one.
    signal?.throwIfAborted();
    const t0 = performance.now();
    try {
      return await body();
    } finally {
      seconds[stage] = (seconds[stage] ?? 0) + (performance.now() - t0) / 1000;
    }
  };

  await useTrainingBackend('wasm', c.wasmPaths === undefined ? {} : { wasmPaths: c.wasmPaths });
  // The starting network first: a folder's images are sized for its input. A model that cannot
  // be pruned is refused before minutes of training, not after. The graph is the topology's
  // alone, so the starting network's serves every trained copy.
  const initial = await startingModel(startingNetwork(c));
  let graph: PruningGraph;
  let data: TaskData;
  let pretrained: Evaluation | undefined;
  try {
    data = options.data ?? (await timed('data', () => loadDataFor(c, initial, (message) => say('data', message))));
    assertUsableModel(initial, data.train);
    graph = buildGraph(initial, { unsupported: c.unsupported });
    if (graph.groups.length === 0) {
      throw new Error(
        `model ${initial.name} has no channels slimprune can prune (${graph.fixed.map((f) => `${f.producers.join(', ')}: ${f.reasons.join('; ')}`).join(' · ')}); ` +
          'pruning needs a conv2d or dense layer followed by a BatchNormalization whose channels reach neither the model output nor a layer kept unpruned',
      );
    }
    // A size no structure reaches is refused now, not after the training.
    if (c.target && !('latencyMs' in c.target)) assertReachable(graph, 'flops' in c.target ? 'flops' : 'params', targetValue(c.target));
    // A model the user brings was trained before: how accurate it was before anything changed.
    if (c.model !== undefined) pretrained = await evaluate(initial, testBatcher(data));
  } finally {
    initial.dispose();
  }
  const pool = trainingPool(c, data);
  const jobs = networkJobs(c, data);
  const size = c.target && !('latencyMs' in c.target) ? c.target : undefined;
  // Polarization reaches a size by its λ (target.ts): the trial network closest to it is the run's.
  let lambdaSearch: Awaited<ReturnType<typeof polarizationAtTarget>> | undefined;
  if (size && c.method === 'polarization') {
    lambdaSearch = await timed('train', () => polarizationAtTarget({
      config: c, data, graph, target: size, ...(options.cache && { cache: options.cache }), ...(signal && { signal }),
      onProgress: (message, training) => say('train', message, { network: 0, ...(training && { training }) }),
    }));
    trained.push(lambdaSearch.network);
  } else {
    trained.push(...await timed('train', () =>
      trainNetworks(data, jobs, {
        workers: c.workers,
        ...(options.cache && { cache: options.cache }),
        ...(signal && { signal }),
        onProgress: (k, p) => say('train', k < c.networks ? `network ${k + 1}/${c.networks}` : 'network trained on the whole set', { network: k, training: p }),
      })));
  }
  // A network whose every γ fell to 0 has no structure to find, and its pruned form is at chance.
  // With a size target the structure comes from the ranking of γ, not from where γ fell, so a
  // collapse is a warning (fine-tuning has to recover the network) rather than a refusal.
  const collapsed = lambdaSearch ? undefined : collapsedNetwork(c, jobs, trained);
  if (collapsed && !size) throw new Error(collapsed);
  const tests = testBatcher(data);
  say('train', `testing the ${trained.length} trained network${trained.length === 1 ? '' : 's'}`);
  const evaluations: Evaluation[] = [];
  for (const t of trained) evaluations.push(await evaluate(t.model, tests));
  const accuracies = evaluations.map((e) => e.accuracy);
  const eventGroups = graph.groups.map((g) => ({ layers: [...g.producers], width: g.width }));
  if (options.onEvent) emit({ type: 'networks', groups: eventGroups, importance: trained.map((t) => bnScaleImportance.scores(t.model, graph)), accuracy: accuracies });

  const joint = c.method === 'contrast-sa' && c.structureFrom === 'joint';
  // 'joint': the full-set network is annealed with the K and its own θ* is applied to it.
  const hooks = { onRestart: (summary: Parameters<NonNullable<DecisionHooks['onRestart']>>[0], restart: number, restarts: number) =>
    emit({ type: 'anneal-restart', restart, restarts, summary }) };
  const decide = (settings: ResolvedConfig) => joint
    ? decideStructure(settings, graph, trained.map((t) => t.model), c.networks, bnScaleImportance, hooks)
    : decideStructure(settings, graph, trained.slice(0, c.networks).map((t) => t.model), undefined, bnScaleImportance, hooks);
  let alphaSearch: Awaited<ReturnType<typeof searchAlpha>> | undefined;
  const decision = await timed('select', async () => {
    say('select', c.method === 'contrast-sa' ? `annealing over ${c.networks} networks, ${c.restarts} restarts` : `${c.method} thresholds`);
    if (!(size && c.method === 'contrast-sa')) return decide(c);
    // contrast-sa reaches a size by its α (target.ts).
    alphaSearch = await searchAlpha({
      decide: (alpha) => decide({ ...c, alpha }),
      kept: (d) => keptFraction(graph, size, d.selection!.widths[d.network]!),
      target: targetValue(size),
      onTrial: (t) => say('select', `α search: α = ${t.alpha.toPrecision(3)} keeps ${(100 * t.kept).toFixed(1)}%`),
    });
    return alphaSearch.best.decision;
  });
  // METHOD.md §7 variant 'full': k*'s widths on the network sparsity-trained on the whole pool.
  const fromFull = c.method === 'contrast-sa' && c.structureFrom === 'full';
  const pruned = fromFull ? trained.length - 1 : decision.network;
  const chosen = trained[pruned]!.model;
  const chosenAccuracy = accuracies[pruned]!;
  const methodMasks = fromFull
    ? topWidthMasks(bnScaleImportance.scores(chosen, graph), decision.selection!.widths[decision.network]!)
    : masksFromThresholds(graph, decision.importance[decision.network]!, decision.thresholds);
  const reached = c.target === undefined ? undefined : await timed('select', () => meetTarget({
    config: c, target: c.target!, graph, network: chosen, masks: methodMasks,
    searched: lambdaSearch
      ? `Polarization's λ search (${lambdaSearch.trials.length} trainings: ${lambdaSearch.reason})`
      : alphaSearch ? `contrast-sa's α search (${alphaSearch.trials.length} annealings, α = ${alphaSearch.best.alpha.toPrecision(3)})` : undefined,
    say: (message) => say('select', message),
  }));
  const masks = reached?.masks ?? methodMasks;
  emit({
    type: 'structure', network: decision.network, pruned, thresholds: decision.thresholds,
    ...(decision.candidates && { candidates: decision.candidates.map((row) => row.map((set) => [...set.thresholds])) }),
  });

  const cut = await timed('compact', async () => {
    say('compact', fromFull
      ? `removing pruned channels of the network trained on the whole set (network ${pruned + 1}), at the widths of network ${decision.network + 1}`
      : joint ? `removing pruned channels of network ${pruned + 1} (the network trained on the whole set)` : `removing pruned channels of network ${pruned + 1}`);
    return compactModel(chosen, masks, { graph });
  });
  emit({ type: 'widths', groups: eventGroups.map((g, l) => ({ ...g, kept: cut.widths[l]! })) });
  const compactAccuracy = (await evaluate(cut.model, tests)).accuracy;

  const { compact, fineTuneAccuracy, faded } = await timed('fine-tune', () => fineTune({
    config: c, data, pool, graph, chosen, cut, masks, tests, say, ...(signal && { signal }),
  }));
  signal?.throwIfAborted();

  const measured = await timed('measure', async () => {
    say('measure', 'accuracy, storage and latency');
    // Measured again (fine-tuning's last figure is of the same weights unless the network
    // faded and was compacted after it): one pass gives the class accuracies too.
    const final = await evaluate(compact.model, tests);
    const finalAccuracy = final.accuracy;
    const before = await modelFigures(chosen, chosenAccuracy, graph);
    const after = await modelFigures(compact.model, finalAccuracy, graph, compact.widths);
    return { before, after, classAccuracy: final.classAccuracy };
  });

  const groups = graph.groups.map((g, l) => ({
    layers: [...g.producers], width: g.width, kept: compact.widths[l]!, threshold: decision.thresholds[l]!,
  }));
  return {
    model: compact.model,
    history: historyFromMasks(graph, masks),
    decision,
    graph,
    metrics: {
      task: c.task ?? null,
      method: c.method,
      config: c,
      runtime: env.runtime,
      data: {
        description: data.description,
        classNames: data.classNames,
        trainImages: data.train.count,
        testImages: data.test.count,
        shape: [data.train.height, data.train.width, data.train.channels],
        normalization: { mean: [...data.normalization.mean], std: [...data.normalization.std] },
      },
      ...(pretrained && { pretrained: { accuracy: pretrained.accuracy, classAccuracy: pretrained.classAccuracy } }),
      classAccuracy: { before: evaluations[pruned]!.classAccuracy, after: measured.classAccuracy },
      ...(reached && { target: reached.outcome }),
      before: measured.before,
      afterCompaction: { accuracy: compactAccuracy },
      fineTuneAccuracy,
      after: measured.after,
      groups,
      channels: { total: groups.reduce((a, g) => a + g.width, 0), kept: groups.reduce((a, g) => a + g.kept, 0) },
      network: pruned,
      networksTrained: trained.map((t, k) => ({
        images: t.indices.length, seconds: t.seconds, cached: t.cached, testAccuracy: accuracies[k]!, polarization: t.polarization,
      })),
      ...(lambdaSearch && { searchNetworks: searchNetworks(lambdaSearch) }),
      stageSeconds: seconds,
      seeds: { run: c.seed, ...(decision.selection ? { annealRestarts: decision.selection.restarts.map((r) => r.seed) } : {}) },
      warnings: [
        ...(collapsed ? [`${collapsed.split(': pass')[0]}; pruned to the target by the ranking of γ all the same`] : []),
        ...networkWarnings(trained),
        ...(measured.before.uncountedLayers.length === 0 ? [] : [
          `FLOPs leave out ${measured.before.uncountedLayers.map((l) => `'${l.name}' (${l.className})`).join(', ')}: slimprune counts conv2d, depthwise conv2d and dense layers`,
        ]),
      ],
    },
  };
}

/** The λ search's trials but the kept one (which networksTrained lists), by where their networks came from. */
function searchNetworks(search: { readonly network: TrainedNetwork; readonly trials: readonly LambdaTargetTrial[] }): { trained: number; cached: number } {
  const others = search.trials.length - 1;
  const cached = search.trials.filter((t) => t.cached).length - (search.network.cached ? 1 : 0);
  return { trained: others - cached, cached };
}
