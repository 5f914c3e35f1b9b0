/**
 * The settings of a pruner (createPruner), checked once: which rule decides the structure, by
 * which importance, to which target, and which layers stay whole.
 */
import type { PruningGraph } from '../model/graph.ts';
import { bnScaleImportance, l1NormImportance, type Importance } from '../select/importance.ts';

export type PrunerMethod = 'polarization' | 'slimming' | 'l1-norm';

export interface PrunerOptions {
  /**
   * 'polarization' (default): the polarization regularizer during training, each group cut at
   * its γ histogram's first valley; 'slimming': the L1 regularizer on γ, one global percentile;
   * 'l1-norm': no regularizer, channels ranked by their filters' L1 norm (for models without
   * BatchNorm; one global percentile of the per-group normalised norms).
   */
  readonly method?: PrunerMethod;
  /** Default: BN scale (|γ|), or the filter norm for 'l1-norm'. */
  readonly importance?: Importance;
  /** Prune to a size: the fraction of the model's FLOPs or parameters kept, in (0, 1]. */
  readonly target?: { readonly flops: number } | { readonly params: number };
  /** Without a target: the fraction of all channels slimming and l1-norm prune (default 0.5). */
  readonly ratio?: number;
  /** The regularizer's strength for callbacks() / regularize() (default 1e-4 polarization, 1e-4 slimming). */
  readonly lambda?: number;
  /** Polarization's t (default 1.2). */
  readonly t?: number;
  /** Layers whose channels stay whole (and every layer coupled to them). */
  readonly ignoredLayers?: readonly string[];
  /** Round every kept width up to a multiple of this (default 1), as Torch-Pruning's round_to. */
  readonly roundTo?: number;
  /** The fewest channels a group keeps: a number, or a function of its width (default max(1, ⌈5%⌉)). */
  readonly minChannels?: number | ((width: number) => number);
  /** A layer slimprune cannot prune through: refuse the model (default) or keep its channels. */
  readonly unsupported?: 'refuse' | 'keep';
}

export interface ResolvedPrunerOptions {
  readonly method: PrunerMethod;
  readonly importance: Importance;
  readonly target: PrunerOptions['target'];
  readonly ratio: number;
  readonly lambda: number;
  readonly t: number;
  readonly ignoredLayers: readonly string[];
  readonly roundTo: number;
  readonly minChannels: PrunerOptions['minChannels'];
  readonly unsupported: 'refuse' | 'keep';
}

export function resolvePrunerOptions(options: PrunerOptions): ResolvedPrunerOptions {
  const method = options.method ?? 'polarization';
  if (!['polarization', 'slimming', 'l1-norm'].includes(method)) {
    throw new RangeError(`createPruner: method must be 'polarization', 'slimming' or 'l1-norm', got ${String(method)}`);
  }
  const target = options.target;
  if (target !== undefined) {
    const value = 'flops' in target ? target.flops : 'params' in target ? target.params : undefined;
    if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
      throw new RangeError('createPruner: target must be { flops: f } or { params: f }, f the fraction kept in (0, 1]');
    }
  }
  const ratio = options.ratio ?? 0.5;
  if (!(ratio >= 0 && ratio < 1)) throw new RangeError(`createPruner: ratio must be in [0, 1), got ${ratio}`);
  const lambda = options.lambda ?? 1e-4;
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new RangeError(`createPruner: lambda must be a finite number >= 0, got ${lambda}`);
  const t = options.t ?? 1.2;
  if (!(t > 0 && t < 2)) throw new RangeError(`createPruner: t must be in (0, 2), got ${t}`);
  const roundTo = options.roundTo ?? 1;
  if (!Number.isInteger(roundTo) || roundTo < 1) throw new RangeError(`createPruner: roundTo must be a whole number >= 1, got ${roundTo}`);
  const m = options.minChannels;
  if (m !== undefined && typeof m !== 'function' && !(Number.isInteger(m) && m >= 1)) {
    throw new RangeError(`createPruner: minChannels must be a whole number >= 1 or a function of the width, got ${String(m)}`);
  }
  const unsupported = options.unsupported ?? 'refuse';
  return {
    method,
    importance: options.importance ?? (method === 'l1-norm' ? l1NormImportance : bnScaleImportance),
    target,
    ratio,
    lambda,
    t,
    ignoredLayers: [...(options.ignoredLayers ?? [])],
    roundTo,
    minChannels: m,
    unsupported,
  };
}

/** Per group, the fewest channels kept: the option's, all of them for ignored layers' groups. */
export function groupMinimums(graph: PruningGraph, options: ResolvedPrunerOptions): number[] {
  const ignored = new Set(options.ignoredLayers);
  for (const name of ignored) {
    if (!graph.layers.some((l) => l.name === name)) throw new Error(`createPruner: ignoredLayers names '${name}', which is not a layer of ${graph.modelName}`);
  }
  return graph.groups.map((g) => {
    if (g.producers.some((p) => ignored.has(p)) || g.batchNorms.some((s) => ignored.has(s.layer)) || g.depthwise.some((s) => ignored.has(s.layer))) return g.width;
    const m = options.minChannels;
    const min = m === undefined ? g.minChannels : typeof m === 'function' ? m(g.width) : m;
    if (!Number.isInteger(min) || min < 1) throw new RangeError(`createPruner: minChannels gave ${min} for a group of width ${g.width}; it must be a whole number >= 1`);
    return Math.min(g.width, min);
  });
}
