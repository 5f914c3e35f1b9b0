/**
 * What a pruning decision keeps (METHOD.md §9): channels per group and per layer, in total,
 * parameters and FLOPs (multiply-adds of one example) before and after. Plain data.
 */
import { graphFlops, graphParams } from '../model/cost.ts';
import type { PruningGraph } from '../model/graph.ts';
import { maskWidths, type GroupMasks } from './masks.ts';

export interface GroupSummary {
  readonly group: number;
  /** The conv2d / dense layers producing the group. */
  readonly layers: readonly string[];
  readonly width: number;
  readonly kept: number;
}

export interface PruneSummary {
  readonly groups: readonly GroupSummary[];
  /** Prunable channels, before and after. */
  readonly channels: number;
  readonly keptChannels: number;
  /** Parameters of the layers slimprune understands (see src/model/cost.ts), before and after. */
  readonly params: number;
  readonly keptParams: number;
  /** Multiply-adds of one example, before and after. */
  readonly flops: number;
  readonly keptFlops: number;
}

export function pruneSummary(graph: PruningGraph, masks: GroupMasks): PruneSummary {
  const widths = maskWidths(graph, masks);
  const groups = graph.groups.map((g, l) => ({ group: l, layers: g.producers, width: g.width, kept: widths[l]! }));
  return {
    groups,
    channels: groups.reduce((a, g) => a + g.width, 0),
    keptChannels: groups.reduce((a, g) => a + g.kept, 0),
    params: graphParams(graph),
    keptParams: graphParams(graph, widths),
    flops: graphFlops(graph),
    keptFlops: graphFlops(graph, widths),
  };
}
