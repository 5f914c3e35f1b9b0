/**
 * The pruning history: structural edits as plain JSON, `[{ group, keep }]`, that replay on the
 * original model (Torch-Pruning's replayable history, STYLE.md).
 *
 * Steps apply in order. `group` indexes graph.groups of the model the history starts from;
 * `keep` lists the channels of that group to keep, ascending, numbered as the group is at that
 * step: the original channels for the group's first step, the kept ones renumbered 0… after
 * that. Compaction keeps every group (none drops to zero width) and the layer names, so the
 * compact model's graph has the same groups in the same order: a history recorded over several
 * prune–compact rounds is the concatenation of each round's steps and replays on the original
 * model in one compaction.
 */
import { bitsFromFlags } from '../kernels/channels.ts';
import { checkMasks, type GroupMasks } from './masks.ts';
import type { PruningGraph } from '../model/graph.ts';

export interface PruningStep {
  /** Index into graph.groups. */
  readonly group: number;
  /** Kept channels of the group, strictly ascending, at least one. */
  readonly keep: readonly number[];
}

export type PruningHistory = readonly PruningStep[];

/** One step per group that prunes anything (groups keeping every channel are left out). */
export function historyFromMasks(graph: PruningGraph, masks: GroupMasks): PruningStep[] {
  const flags = checkMasks('historyFromMasks', graph, masks);
  const steps: PruningStep[] = [];
  flags.forEach((f, group) => {
    const keep: number[] = [];
    for (let c = 0; c < f.length; c++) if (f[c]) keep.push(c);
    if (keep.length < f.length) steps.push({ group, keep });
  });
  return steps;
}

/**
 * The masks a history leaves on the original model (steps composed in order). Throws, naming the
 * step, on anything malformed: a group out of range, keep empty, not ascending, or out of range.
 */
export function masksFromHistory(graph: PruningGraph, history: PruningHistory): Uint32Array[] {
  const op = 'masksFromHistory';
  if (!Array.isArray(history)) throw new TypeError(`${op}: history must be an array of { group, keep } steps, got ${typeof history}`);
  // current[l]: the original indices of group l's channels as they are now.
  const current = graph.groups.map((g) => Array.from({ length: g.width }, (_, c) => c));
  history.forEach((step, i) => {
    if (step === null || typeof step !== 'object') throw new TypeError(`${op}: step ${i} must be { group, keep }, got ${String(step)}`);
    const { group, keep } = step;
    if (!Number.isInteger(group) || group < 0 || group >= graph.groups.length) {
      throw new RangeError(`${op}: step ${i} names group ${String(group)}, but the model has groups 0..${graph.groups.length - 1}`);
    }
    const now = current[group]!;
    if (!Array.isArray(keep) || keep.length === 0) {
      throw new RangeError(
        `${op}: step ${i} keeps no channel of group ${group}; a group keeps at least one (METHOD.md §1, minChannels = ${graph.groups[group]!.minChannels})`,
      );
    }
    let previous = -1;
    keep.forEach((c, j) => {
      if (!Number.isInteger(c) || c < 0 || c >= now.length) {
        throw new RangeError(`${op}: step ${i} keeps channel ${String(c)} of group ${group}, which has ${now.length} channels at that step`);
      }
      if (c <= previous) throw new RangeError(`${op}: step ${i}: keep[${j}] = ${c} after ${previous}; kept channels must be strictly ascending`);
      previous = c;
    });
    current[group] = keep.map((c) => now[c]!);
  });
  return graph.groups.map((g, l) => {
    const flags = new Uint8Array(g.width);
    for (const c of current[l]!) flags[c] = 1;
    return bitsFromFlags(flags);
  });
}

/** Parses a history from JSON text (or an already parsed value) and validates it against a graph. */
export function parseHistory(graph: PruningGraph, json: string | unknown): PruningStep[] {
  const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!Array.isArray(value)) throw new TypeError('parseHistory: a pruning history is a JSON array of { group, keep } steps');
  const steps = value.map((s: unknown, i): PruningStep => {
    const o = s as { group?: unknown; keep?: unknown };
    if (o === null || typeof o !== 'object' || typeof o.group !== 'number' || !Array.isArray(o.keep)) {
      throw new TypeError(`parseHistory: step ${i} must be { "group": number, "keep": number[] }`);
    }
    return { group: o.group, keep: o.keep.slice() as number[] };
  });
  masksFromHistory(graph, steps);
  return steps;
}
