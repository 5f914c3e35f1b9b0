/**
 * The pruning decision of each method, as per-group keep masks (u32 bitsets) of one network.
 * - contrast-sa (the paper, our reading, METHOD.md §4–§7): candidates per network and group,
 *   annealing over them to minimise the contrast between the K structures, network k*.
 * - polarization (Zhuang et al. 2020): each group at its own first histogram valley.
 * - slimming (Liu et al. 2017): one global percentile of all |γ| (strict >, as their code).
 * Channel importance is the mean |γ| over the BatchNorms of a group (groupImportance).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { annealGroups, flopsModel, type PruningGraph } from '../model/index.ts';
import { groupImportance, masksFromThresholds } from '../prune/index.ts';
import { candidateThresholds, searchThreshold, type CandidateSet } from '../select/candidates.ts';
import { selectStructure, type Selection } from '../select/structure.ts';
import { keepBitsetFromIndices } from '../kernels/channels.ts';
import type { ResolvedConfig } from './config.ts';

export interface StructureDecision {
  /** The network whose masks are applied. */
  readonly network: number;
  readonly masks: Uint32Array[];
  /** Threshold per group of that network. */
  readonly thresholds: number[];
  /** Candidates per network and group (contrast-sa), for the report. */
  readonly candidates?: CandidateSet[][];
  readonly selection?: Selection;
  /** Importance (mean |γ|) per network and group, for the report. */
  readonly importance: Float32Array[][];
}

/** Keeps the `widths[l]` channels of largest importance in every group (ties: lower index). */
export function topWidthMasks(importance: readonly Float32Array[], widths: readonly number[]): Uint32Array[] {
  return importance.map((g, l) => {
    const order = Array.from(g.keys()).sort((a, b) => g[b]! - g[a]! || a - b);
    const keep = order.slice(0, Math.max(1, widths[l]!)).sort((a, b) => a - b);
    return keepBitsetFromIndices(g.length, keep);
  });
}

export function slimmingThreshold(importance: readonly Float32Array[], ratio: number): number {
  const all = Float32Array.from(importance.flatMap((g) => Array.from(g))).sort();
  if (all.length === 0) return 0;
  return all[Math.min(all.length - 1, Math.floor(all.length * ratio))]!;
}

export async function decideStructure(
  config: ResolvedConfig,
  graph: PruningGraph,
  models: readonly tfl.LayersModel[],
  /** contrast-sa: prune this network at its θ* instead of network k*. */
  keep?: number,
): Promise<StructureDecision> {
  const importance = models.map((m) => groupImportance(m, graph));
  if (config.method === 'polarization') {
    const thresholds = importance[0]!.map((g) => searchThreshold(g).threshold ?? 0);
    return { network: 0, masks: masksFromThresholds(graph, importance[0]!, thresholds), thresholds, importance };
  }
  if (config.method === 'slimming') {
    const t = slimmingThreshold(importance[0]!, config.slimmingRatio);
    const thresholds = importance[0]!.map(() => t);
    return { network: 0, masks: masksFromThresholds(graph, importance[0]!, thresholds), thresholds, importance };
  }
  const candidates = importance.map((row) => row.map((g) => candidateThresholds(g, config.candidates)));
  const selection = await selectStructure(
    { gammas: importance, groups: annealGroups(graph, 'flops'), candidates, flops: flopsModel(graph), alpha: config.alpha, mode: config.contrast },
    {
      seed: config.seed, restarts: config.restarts,
      ...(config.cooling === undefined ? {} : { cooling: config.cooling }),
      ...(config.movesPerTemperature === undefined ? {} : { movesPerTemperature: config.movesPerTemperature }),
    },
  );
  const k = keep ?? selection.kStar;
  const thresholds = selection.thresholds[k]!;
  return {
    network: k,
    masks: masksFromThresholds(graph, importance[k]!, thresholds),
    thresholds, candidates, selection, importance,
  };
}
