/**
 * Masks: one u32 bitset per prunable group (bit c & 31 of word c >> 5 set = channel c kept, the
 * format of src/kernels/channels.ts), in the order of graph.groups. Plain data, like the graph.
 *
 * The guard of METHOD.md §1: a mask built from a threshold keeps at least the group's
 * minChannels (default max(1, ceil(0.05 · width))), so no layer ever drops to zero width; a mask
 * given to compaction must keep at least one channel per group.
 */
import { bitsFromFlags, checkKeepBitset, flagsFromBits, keepBitsetFromIndices } from '../kernels/channels.ts';
import { thresholdMaskReference } from '../kernels/reference/bitset.ts';
import type { PruningGraph } from '../model/graph.ts';

/** One kept-channel bitset per prunable group, in the order of graph.groups. */
export type GroupMasks = readonly Uint32Array[];

/** Masks that keep every channel. */
export function fullMasks(graph: PruningGraph): Uint32Array[] {
  return graph.groups.map((g) => bitsFromFlags(new Uint8Array(g.width).fill(1)));
}

/** Kept channels per group. */
export function maskWidths(graph: PruningGraph, masks: GroupMasks): number[] {
  return checkMasks('maskWidths', graph, masks, 0).map((f) => f.reduce((a, b) => a + b, 0));
}

/**
 * Validates masks against a graph (one bitset per group, no bit past the group's width, at least
 * `atLeast` channels kept in each) and returns them as 0/1 bytes per channel.
 */
export function checkMasks(op: string, graph: PruningGraph, masks: GroupMasks, atLeast = 1): Uint8Array[] {
  if (!Array.isArray(masks)) throw new TypeError(`${op}: masks must be an array of Uint32Array bitsets, one per group`);
  if (masks.length !== graph.groups.length) {
    throw new RangeError(
      `${op}: ${masks.length} masks for a model with ${graph.groups.length} prunable groups; the masks belong to a different model or graph`,
    );
  }
  return graph.groups.map((g, l) => {
    const bits = checkKeepBitset(`${op}: masks[${l}]`, masks[l], g.width);
    const flags = flagsFromBits(bits, g.width);
    const kept = flags.reduce((a, b) => a + b, 0);
    if (kept < atLeast) {
      throw new RangeError(
        `${op}: masks[${l}] keeps ${kept} of the ${g.width} channels of group ${l} (${g.producers.join(', ')}); ` +
          `a group keeps at least one channel (METHOD.md §1 guard: minChannels = ${g.minChannels}). Build masks with masksFromThresholds, which applies it`,
      );
    }
    return flags;
  });
}

export interface ThresholdOptions {
  /** Per group, the fewest channels to keep (default: each group's minChannels, METHOD.md §1). */
  readonly minChannels?: ArrayLike<number>;
}

/**
 * Masks keeping channel c of group l iff importance[l][c] > thresholds[l] (strict), with the
 * minChannels guard: if fewer survive, the minChannels of largest importance (ties: lower index).
 * The same rule as the annealer's candidate masks (thresholdMask).
 */
export function masksFromThresholds(
  graph: PruningGraph,
  importance: readonly Float32Array[],
  thresholds: ArrayLike<number>,
  options: ThresholdOptions = {},
): Uint32Array[] {
  const op = 'masksFromThresholds';
  const L = graph.groups.length;
  if (!Array.isArray(importance) || importance.length !== L) throw new RangeError(`${op}: importance must hold one Float32Array per group (${L})`);
  if (thresholds === null || typeof thresholds !== 'object' || thresholds.length !== L) {
    throw new RangeError(`${op}: thresholds must hold one number per group (${L})`);
  }
  const mins = options.minChannels;
  if (mins !== undefined && mins.length !== L) throw new RangeError(`${op}: minChannels must hold one count per group (${L})`);
  return graph.groups.map((g, l) => {
    const imp = importance[l];
    if (!(imp instanceof Float32Array) || imp.length !== g.width) {
      throw new RangeError(`${op}: importance[${l}] must be a Float32Array of the group's ${g.width} channels`);
    }
    for (let c = 0; c < imp.length; c++) {
      if (!Number.isFinite(imp[c]!)) throw new RangeError(`${op}: importance[${l}][${c}] is ${imp[c]}; it must be finite`);
    }
    const theta = thresholds[l]!;
    if (typeof theta !== 'number' || Number.isNaN(theta)) throw new RangeError(`${op}: thresholds[${l}] is ${String(theta)}; expected a number`);
    const min = mins === undefined ? g.minChannels : mins[l]!;
    if (!Number.isInteger(min) || min < 1 || min > g.width) {
      throw new RangeError(`${op}: minChannels[${l}] is ${min}; expected an integer in [1, ${g.width}] (no layer may drop to zero width)`);
    }
    return bitsFromFlags(thresholdMaskReference(imp, theta, min));
  });
}

/** Keeps the `widths[l]` channels of largest importance in every group (ties: lower index). */
export function topWidthMasks(importance: readonly Float32Array[], widths: readonly number[]): Uint32Array[] {
  return importance.map((g, l) => {
    const order = Array.from(g.keys()).sort((a, b) => g[b]! - g[a]! || a - b);
    const keep = order.slice(0, Math.max(1, widths[l]!)).sort((a, b) => a - b);
    return keepBitsetFromIndices(g.length, keep);
  });
}
