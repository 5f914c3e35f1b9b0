/**
 * Channel layouts: which channel set (a prunable group, or fixed channels) every index of a
 * tensor's channel axis (the last axis, as tfjs is channels-last) belongs to. Plain data.
 *
 * A layout is a list of disjoint segments covering the axis. Channel c (< width) of a segment's
 * set, copy j (< expand), at position p (< positions) sits at axis index
 *
 *     offset + p · period + c · expand + j
 *
 * - expand > 1 after a depthwise conv with channel multiplier m: its output channel t·m + j
 *   comes from input channel t (tfjs's order);
 * - positions > 1 after a Flatten: tfjs flattens [H, W, C] channels-last, so feature
 *   (y·W + x)·C + c is channel c at position y·W + x (period C, METHOD.md §8);
 * - Concatenate shifts each part's segments by the length of the parts before it.
 */

/** Where one channel set sits on a layer's channel axis (see the formula above). */
export interface ChannelSlot {
  readonly offset: number;
  readonly positions: number;
  readonly period: number;
  readonly expand: number;
}

export interface ChannelSegment extends ChannelSlot {
  /** The prunable group (index into graph.groups), or null for fixed channels. */
  readonly group: number | null;
  /** The fixed channel set (index into graph.fixed) when group is null, else null. */
  readonly fixed: number | null;
  /** Channels of the set (its original width). */
  readonly width: number;
}

export interface ChannelLayout {
  /** Length of the channel (last) axis. */
  readonly length: number;
  readonly segments: readonly ChannelSegment[];
}

/** Calls visit(index, c) for every axis index of a slot, c being the set's channel. */
export function forEachSlotIndex(slot: ChannelSlot, width: number, visit: (index: number, channel: number) => void): void {
  for (let p = 0; p < slot.positions; p++) {
    const base = slot.offset + p * slot.period;
    for (let c = 0; c < width; c++) {
      for (let j = 0; j < slot.expand; j++) visit(base + c * slot.expand + j, c);
    }
  }
}

/**
 * The ascending kept indices of a layout's axis, given the kept channels of each prunable group
 * as a 0/1 byte per channel (`kept[group]`); fixed channels are always kept. Returns null when
 * every index is kept (nothing to gather).
 */
export function keptAxisIndices(layout: ChannelLayout, kept: readonly Uint8Array[]): Int32Array | null {
  const flags = new Uint8Array(layout.length);
  let all = true;
  for (const s of layout.segments) {
    const k = s.group === null ? null : kept[s.group]!;
    forEachSlotIndex(s, s.width, (i, c) => {
      const keep = k === null ? 1 : k[c]!;
      flags[i] = keep;
      if (!keep) all = false;
    });
  }
  if (all) return null;
  const out: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i]) out.push(i);
  return Int32Array.from(out);
}

/** Length of a layout's axis when each prunable group g keeps widths[g] channels. */
export function keptLength(layout: ChannelLayout, widths: ArrayLike<number>): number {
  let n = 0;
  for (const s of layout.segments) n += s.positions * s.expand * (s.group === null ? s.width : widths[s.group]!);
  return n;
}
