/**
 * The pruning decision of each method: which network is pruned, at which threshold per group.
 * - contrast-sa (the paper, our reading, METHOD.md §4–§7): candidates per network and group,
 *   annealing over them to minimise the contrast between the K structures, network k*.
 * - polarization (Zhuang et al. 2020): each group at its own first histogram valley.
 * - slimming (Liu et al. 2017): one global percentile of all |γ| (strict >, as their code).
 * Channel importance is the mean |γ| over the BatchNorms of a group (bnScaleImportance, or the
 * importance given).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { annealGroups, flopsModel, type PruningGraph } from '../model/index.ts';
import type { AnnealGroup, ContrastMode, FlopsModel } from '../kernels/spec/anneal.ts';
import { candidateThresholds, searchThreshold, type CandidateOptions, type CandidateSet } from './candidates.ts';
import { bnScaleImportance, type Importance } from './importance.ts';
import { selectStructure, type RestartSummary, type Selection } from './structure.ts';

export const PRUNE_METHODS = ['contrast-sa', 'polarization', 'slimming'] as const;
export type PruneMethod = (typeof PRUNE_METHODS)[number];

/** What a method's rule reads of a run's settings (a resolved prune() config is one). */
export interface MethodSettings {
  readonly method: PruneMethod;
  readonly seed: number;
  /** Network Slimming: the fraction of all channels pruned by its one global threshold. */
  readonly slimmingRatio: number;
  readonly candidates: CandidateOptions;
  readonly alpha: number;
  readonly contrast: ContrastMode;
  readonly restarts: number;
  readonly cooling?: number | undefined;
  readonly movesPerTemperature?: number | undefined;
}

export interface StructureDecision {
  /** The network that is pruned. */
  readonly network: number;
  /** Threshold per group of that network. */
  readonly thresholds: number[];
  /** Candidates per network and group (contrast-sa), for the report. */
  readonly candidates?: CandidateSet[][];
  readonly selection?: Selection;
  /** Importance (mean |γ|) per network and group, for the report. */
  readonly importance: Float32Array[][];
}

export function slimmingThreshold(importance: readonly Float32Array[], ratio: number): number {
  const all = Float32Array.from(importance.flatMap((g) => Array.from(g))).sort();
  if (all.length === 0) return 0;
  return all[Math.min(all.length - 1, Math.floor(all.length * ratio))]!;
}

/** What contrast-sa's rule reads of a run's settings. */
export type ContrastSettings = Pick<MethodSettings, 'seed' | 'candidates' | 'alpha' | 'contrast' | 'restarts' | 'cooling' | 'movesPerTemperature'>;

/** What a caller can watch while a method decides (prune()'s event stream). */
export interface DecisionHooks {
  /** contrast-sa: as each annealing restart ends. */
  readonly onRestart?: (summary: RestartSummary, restart: number, restarts: number) => void;
}

export interface ContrastSelection {
  /** Candidates per network and group. */
  readonly candidates: CandidateSet[][];
  readonly selection: Selection;
}

/**
 * contrast-sa's rule on plain data: candidate thresholds per network and group, then the
 * annealing over them. `importance[k][l]` is group l's channel importance in network k (mean |γ|
 * of its BatchNorms); `groups` and `flops` describe the architecture (annealGroups and flopsModel
 * of its graph). decideStructure runs it on a graph; it needs no tfjs model, so a service that
 * receives γ vectors runs the very same selection (examples/workerd).
 */
export async function contrastSelection(
  config: ContrastSettings,
  importance: readonly (readonly Float32Array[])[],
  groups: readonly AnnealGroup[],
  flops: FlopsModel,
  hooks: DecisionHooks = {},
): Promise<ContrastSelection> {
  const candidates = importance.map((row) => row.map((g) => candidateThresholds(g, config.candidates)));
  const selection = await selectStructure(
    { gammas: importance, groups, candidates, flops, alpha: config.alpha, mode: config.contrast },
    {
      seed: config.seed, restarts: config.restarts,
      ...(config.cooling === undefined ? {} : { cooling: config.cooling }),
      ...(config.movesPerTemperature === undefined ? {} : { movesPerTemperature: config.movesPerTemperature }),
      ...(hooks.onRestart && { onRestart: hooks.onRestart }),
    },
  );
  return { candidates, selection };
}

export async function decideStructure(
  config: MethodSettings,
  graph: PruningGraph,
  models: readonly tfl.LayersModel[],
  /** contrast-sa: prune this network at its θ* instead of network k*. */
  keep?: number,
  importanceOf: Importance = bnScaleImportance,
  hooks: DecisionHooks = {},
): Promise<StructureDecision> {
  const importance = models.map((m) => importanceOf.scores(m, graph));
  if (config.method === 'polarization') {
    const thresholds = importance[0]!.map((g) => searchThreshold(g).threshold ?? 0);
    return { network: 0, thresholds, importance };
  }
  if (config.method === 'slimming') {
    const t = slimmingThreshold(importance[0]!, config.slimmingRatio);
    const thresholds = importance[0]!.map(() => t);
    return { network: 0, thresholds, importance };
  }
  const { candidates, selection } = await contrastSelection(config, importance, annealGroups(graph, 'flops'), flopsModel(graph), hooks);
  const k = keep ?? selection.kStar;
  const thresholds = selection.thresholds[k]!;
  return { network: k, thresholds, candidates, selection, importance };
}
