/**
 * Structures at a target size: per-group keep masks whose kept FLOPs or parameters (a fraction
 * of the unpruned model's) meet a target. Channels are ranked across all groups by importance
 * (Network Slimming's global ranking; `normalize: 'mean'` divides each group's scores by their
 * mean first, for importances whose scale differs by layer, such as filter norms), and the
 * structure moves one channel at a time: the lowest-ranked kept channel is removed while the
 * structure is too large, the highest-ranked pruned one restored while it is too small. A
 * group never drops below its minChannels. Of the last two structures (one on each side of the
 * target) the closer one wins.
 */
import { keepBitsetFromIndices, keepIndicesFromBitset } from '../kernels/channels.ts';
import { graphFlops, graphParams } from '../model/cost.ts';
import type { PruningGraph } from '../model/graph.ts';

/** What a target counts: multiply-adds or parameters. */
export type SizeMeasure = 'flops' | 'params';

export interface TargetOptions {
  /** Divide each group's scores by their mean before ranking across groups (default 'none'). */
  readonly normalize?: 'none' | 'mean';
  /** Per group, the fewest channels kept (default: the graph's minChannels). */
  readonly minChannels?: readonly number[];
}

export interface TargetStructure {
  readonly masks: Uint32Array[];
  readonly widths: number[];
  /** The kept fraction of the measure. */
  readonly kept: number;
}

/** The fraction of the unpruned model's FLOPs or parameters that `widths` keep. */
export function keptSize(graph: PruningGraph, measure: SizeMeasure, widths: ArrayLike<number>): number {
  return measure === 'flops' ? graphFlops(graph, widths) / graphFlops(graph) : graphParams(graph, widths) / graphParams(graph);
}

/** The smallest kept fraction any structure reaches: every group at its minChannels. */
export function smallestKeptSize(graph: PruningGraph, measure: SizeMeasure, minChannels?: readonly number[]): number {
  return keptSize(graph, measure, minChannels ?? graph.groups.map((g) => g.minChannels));
}

/** Refuses a size target below smallestKeptSize, saying what can be reached. */
export function assertReachable(graph: PruningGraph, measure: SizeMeasure, target: number, minChannels?: readonly number[]): void {
  const smallest = smallestKeptSize(graph, measure, minChannels);
  if (target < smallest) {
    throw new RangeError(
      `cannot prune to ${Number((100 * target).toPrecision(3))}% of the ${measure === 'flops' ? 'FLOPs' : 'parameters'}: ` +
        `with every group at its fewest channels (5% of its width, at least 1) the model keeps ${(100 * smallest).toFixed(2)}%; ` +
        `ask for ${(100 * smallest).toFixed(2)}% or more`,
    );
  }
}

interface Ranked {
  readonly group: number;
  readonly channel: number;
  readonly score: number;
}

function ranking(importance: readonly Float32Array[], normalize: 'none' | 'mean'): Ranked[] {
  const all: Ranked[] = [];
  importance.forEach((g, group) => {
    let mean = 0;
    for (const v of g) mean += v / g.length;
    const scale = normalize === 'mean' && mean > 0 ? 1 / mean : 1;
    g.forEach((v, channel) => all.push({ group, channel, score: v * scale }));
  });
  // Ascending; ties by group and channel, so the order is the same in every runtime.
  return all.sort((a, b) => a.score - b.score || a.group - b.group || a.channel - b.channel);
}

function checkShapes(op: string, graph: PruningGraph, importance: readonly Float32Array[], masks?: readonly Uint32Array[]): void {
  if (importance.length !== graph.groups.length || importance.some((g, l) => g.length !== graph.groups[l]!.width)) {
    throw new Error(`${op}: importance must hold one score per channel of each of the graph's ${graph.groups.length} groups`);
  }
  if (masks && masks.length !== graph.groups.length) throw new Error(`${op}: ${masks.length} masks for ${graph.groups.length} groups`);
}

/**
 * Moves `start` (every channel kept when omitted: Network Slimming's global threshold, found
 * exactly) onto `target`, the kept fraction of `measure`. Throws when even the smallest structure
 * the minChannels allow keeps more than the target, saying how small it can get.
 */
export function structureAtTarget(
  graph: PruningGraph,
  importance: readonly Float32Array[],
  measure: SizeMeasure,
  target: number,
  start?: readonly Uint32Array[],
  options: TargetOptions = {},
): TargetStructure {
  const op = 'structureAtTarget';
  checkShapes(op, graph, importance, start);
  if (!(target > 0 && target <= 1)) throw new RangeError(`${op}: the target is a kept fraction in (0, 1], got ${target}`);
  const minimum = options.minChannels ?? graph.groups.map((g) => g.minChannels);
  const keep = graph.groups.map((g, l) => {
    const flags = new Uint8Array(g.width);
    if (start) for (const c of keepIndicesFromBitset(g.width, start[l]!)) flags[c] = 1;
    else flags.fill(1);
    return flags;
  });
  const widths = keep.map((f) => f.reduce((a, b) => a + b, 0));
  const size = () => keptSize(graph, measure, widths);
  const order = ranking(importance, options.normalize ?? 'none');
  let current = size();
  const close = (a: number, b: number) => Math.abs(a - target) <= Math.abs(b - target);
  if (current > target) {
    for (const r of order) {
      if (!keep[r.group]![r.channel] || widths[r.group]! <= minimum[r.group]!) continue;
      keep[r.group]![r.channel] = 0;
      widths[r.group]!--;
      const next = size();
      if (next <= target) {
        // The step across the target: keep whichever side is closer.
        if (!close(next, current)) {
          keep[r.group]![r.channel] = 1;
          widths[r.group]!++;
        } else current = next;
        return finish();
      }
      current = next;
    }
    throw new RangeError(
      `cannot prune to ${Number((100 * target).toPrecision(3))}% of the ${measure === 'flops' ? 'FLOPs' : 'parameters'}: ` +
        `with every group at its fewest channels (5% of its width, at least 1) the model keeps ${(100 * current).toFixed(1)}%; ` +
        `ask for ${(100 * current).toFixed(1)}% or more`,
    );
  }
  for (let i = order.length - 1; i >= 0 && current < target; i--) {
    const r = order[i]!;
    if (keep[r.group]![r.channel]) continue;
    keep[r.group]![r.channel] = 1;
    widths[r.group]!++;
    const next = size();
    if (next >= target && !close(next, current)) {
      keep[r.group]![r.channel] = 0;
      widths[r.group]!--;
      break;
    }
    current = next;
  }
  return finish();

  function finish(): TargetStructure {
    const masks = keep.map((flags) => keepBitsetFromIndices(flags.length, Array.from(flags.keys()).filter((c) => flags[c])));
    return { masks, widths: [...widths], kept: size() };
  }
}

/**
 * The least-pruned structure whose measured latency (ms, by the caller's `measure`) is at most
 * `targetMs`: a latency is a bound to stay under, not a size to match, and it is too noisy to
 * match. Bisection on how many of the globally lowest-ranked channels are pruned (latency falls,
 * if not strictly, as channels go), `trials` measurements at most (default 8); the unpruned
 * model when it is fast enough already.
 */
export async function structureAtLatency(
  graph: PruningGraph,
  importance: readonly Float32Array[],
  targetMs: number,
  measure: (masks: Uint32Array[]) => Promise<number>,
  options: TargetOptions & { readonly trials?: number } = {},
): Promise<TargetStructure & { readonly ms: number; readonly trials: number }> {
  const op = 'structureAtLatency';
  checkShapes(op, graph, importance);
  if (!(targetMs > 0 && Number.isFinite(targetMs))) throw new RangeError(`${op}: the target is a latency in ms > 0, got ${targetMs}`);
  const minimum = options.minChannels ?? graph.groups.map((g) => g.minChannels);
  const removable = graph.groups.reduce((a, g, l) => a + g.width - minimum[l]!, 0);
  const order = ranking(importance, options.normalize ?? 'none');
  const prunedBy = (count: number): TargetStructure => {
    const keep = graph.groups.map((g) => new Uint8Array(g.width).fill(1));
    const widths = graph.groups.map((g) => g.width);
    let left = count;
    for (const r of order) {
      if (left === 0) break;
      if (widths[r.group]! <= minimum[r.group]!) continue;
      keep[r.group]![r.channel] = 0;
      widths[r.group]!--;
      left--;
    }
    const masks = keep.map((flags) => keepBitsetFromIndices(flags.length, Array.from(flags.keys()).filter((c) => flags[c])));
    return { masks, widths, kept: keptSize(graph, 'flops', widths) };
  };
  let trials = 0;
  const trial = async (count: number) => {
    const s = prunedBy(count);
    trials++;
    return { s, ms: await measure(s.masks) };
  };
  const unpruned = await trial(0);
  if (unpruned.ms <= targetMs) return { ...unpruned.s, ms: unpruned.ms, trials };
  let fast = await trial(removable);
  if (fast.ms > targetMs) {
    throw new RangeError(
      `cannot reach a latency of ${targetMs} ms: with every group at its fewest channels the model takes ${fast.ms.toFixed(2)} ms ` +
        `on this runtime (much of which no pruning removes: the layers' fixed costs); ask for ${fast.ms.toFixed(2)} ms or more`,
    );
  }
  let lo = 0; // too slow
  let hi = removable; // fast enough: `fast`
  while (trials < (options.trials ?? 8) && hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const t = await trial(mid);
    if (t.ms > targetMs) lo = mid;
    else {
      hi = mid;
      fast = t;
    }
  }
  return { ...fast.s, ms: fast.ms, trials };
}
