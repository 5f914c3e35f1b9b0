/**
 * A pruner's plan: the structure its rule picks, as plain data, without touching the model.
 * - polarization: each group at the first valley of its importance histogram (searchThreshold);
 * - slimming: one global percentile of the importance (Network Slimming's rule);
 * - l1-norm: one global percentile of the filter norms divided by their group's mean (norms of
 *   layers with more inputs are larger; our normalisation, as select/target.ts's 'mean');
 * - with a target, structureAtTarget moves that structure onto it (slimming and l1-norm from
 *   the whole model, which makes their percentile the one that meets the target).
 * Then the groups of ignored layers are kept whole and every kept width is rounded up to a
 * multiple of roundTo with the group's next-best channels.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { keepBitsetFromIndices, keepIndicesFromBitset } from '../kernels/channels.ts';
import { graphFlops, graphParams } from '../model/cost.ts';
import type { PruningGraph } from '../model/graph.ts';
import { masksFromThresholds } from '../prune/masks.ts';
import { searchThreshold } from '../select/candidates.ts';
import { slimmingThreshold } from '../select/method-rules.ts';
import { structureAtTarget } from '../select/target.ts';
import { groupMinimums, type ResolvedPrunerOptions } from './options.ts';

export interface PlanGroup {
  readonly index: number;
  /** The conv2d / dense layers whose output channels the group is. */
  readonly layers: readonly string[];
  readonly width: number;
  readonly kept: number;
  /** The highest importance among the pruned channels (channels at or below it go); null when none is pruned. */
  readonly threshold: number | null;
}

export interface PrunePlan {
  readonly method: ResolvedPrunerOptions['method'];
  readonly importance: string;
  readonly groups: readonly PlanGroup[];
  /** Per group, the kept-channel bitset (what compactModel and prune() take). */
  readonly masks: readonly Uint32Array[];
  readonly widths: readonly number[];
  /** Importance of every channel, per group. */
  readonly scores: readonly Float32Array[];
  /** Fractions of the unpruned model's FLOPs and parameters kept. */
  readonly kept: { readonly flops: number; readonly params: number };
}

function normalised(scores: readonly Float32Array[]): Float32Array[] {
  return scores.map((g) => {
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    return mean > 0 ? g.map((v) => v / mean) : g.slice();
  });
}

export function planStructure(model: tfl.LayersModel, graph: PruningGraph, options: ResolvedPrunerOptions): PrunePlan {
  const scores = options.importance.scores(model, graph);
  const minimums = groupMinimums(graph, options);
  const ranked = options.method === 'l1-norm' ? normalised(scores) : scores;
  let masks: Uint32Array[];
  if (options.method === 'polarization') {
    masks = masksFromThresholds(graph, ranked, ranked.map((g) => searchThreshold(g).threshold ?? 0), { minChannels: minimums });
  } else if (options.target) {
    masks = graph.groups.map((g) => keepBitsetFromIndices(g.width, Array.from({ length: g.width }, (_, c) => c)));
  } else {
    const t = slimmingThreshold(ranked, options.ratio);
    masks = masksFromThresholds(graph, ranked, ranked.map(() => t), { minChannels: minimums });
  }
  if (options.target) {
    const measure = 'flops' in options.target ? 'flops' : 'params';
    const value = 'flops' in options.target ? options.target.flops : options.target.params;
    masks = structureAtTarget(graph, ranked, measure, value, masks, { minChannels: minimums }).masks;
  }
  masks = masks.map((mask, l) => {
    const g = graph.groups[l]!;
    const keep = new Set(keepIndicesFromBitset(g.width, mask));
    const want = minimums[l] === g.width ? g.width : Math.min(g.width, Math.ceil(keep.size / options.roundTo) * options.roundTo);
    // The group's best pruned channels first, ties by index.
    const order = Array.from({ length: g.width }, (_, c) => c).sort((a, b) => ranked[l]![b]! - ranked[l]![a]! || a - b);
    for (const c of order) {
      if (keep.size >= want) break;
      keep.add(c);
    }
    return keepBitsetFromIndices(g.width, [...keep].sort((a, b) => a - b));
  });
  const widths = masks.map((m, l) => keepIndicesFromBitset(graph.groups[l]!.width, m).length);
  const groups = graph.groups.map((g, l) => {
    const kept = new Set(keepIndicesFromBitset(g.width, masks[l]!));
    let threshold: number | null = null;
    for (let c = 0; c < g.width; c++) if (!kept.has(c)) threshold = Math.max(threshold ?? -Infinity, scores[l]![c]!);
    return { index: l, layers: [...g.producers], width: g.width, kept: widths[l]!, threshold };
  });
  return {
    method: options.method,
    importance: options.importance.name,
    groups,
    masks,
    widths,
    scores,
    kept: { flops: graphFlops(graph, widths) / graphFlops(graph), params: graphParams(graph, widths) / graphParams(graph) },
  };
}
