/**
 * Parameters and FLOPs of a graph as functions of its groups' kept widths (METHOD.md §5, §9).
 *
 * FLOPs are multiply-adds of one example through conv2d, depthwise conv2d and dense layers (the
 * convention of Network Slimming and of METHOD.md §10's figures; BatchNorm, activations, pooling
 * and adds are not counted). Parameters are every stored weight, BatchNorm moving statistics
 * included (what tfjs's model.countParams() counts), of the layers slimprune understands;
 * opaque layers keep theirs unchanged and are counted from the model when it is at hand
 * (`modelParams`).
 *
 * Two forms: a direct evaluation at given widths (graphFlops / graphParams), and the quadratic
 * form constant + Σ linear_l·n_l + Σ coef·n_a·n_b (flopsModel / paramsModel) that the annealing
 * kernel evaluates incrementally (src/kernels/spec/anneal.ts). They agree for any widths.
 */
import type { AnnealGroup, FlopsModel, FlopsEdge } from '../kernels/spec/anneal.ts';
import { keptLength, type ChannelLayout } from './layout.ts';
import type { GraphLayer, PruningGraph } from './graph.ts';

function widthsOf(graph: PruningGraph, widths: ArrayLike<number> | undefined, op: string): ArrayLike<number> {
  if (widths === undefined) return graph.groups.map((g) => g.width);
  if (widths === null || typeof widths !== 'object' || widths.length !== graph.groups.length) {
    throw new RangeError(`${op}: widths must hold one kept width per group (${graph.groups.length}), got ${widths === null ? 'null' : (widths as ArrayLike<number>).length}`);
  }
  for (let l = 0; l < widths.length; l++) {
    const w = widths[l]!;
    if (!Number.isInteger(w) || w < 0 || w > graph.groups[l]!.width) {
      throw new RangeError(`${op}: widths[${l}] is ${w}; group ${l} has ${graph.groups[l]!.width} channels`);
    }
  }
  return widths;
}

function layerTerms(l: GraphLayer, widths: ArrayLike<number>): { macs: number; params: number } {
  const c = l.cost;
  if (c === null) return { macs: 0, params: 0 };
  const n = keptLength(l.inputLayouts[0]!, widths);
  const out = c.hasOut ? keptLength(l.output, widths) : 1;
  return {
    macs: c.macs * n * out,
    params: c.pairParams * n * out + c.inParams * n + (c.hasOut ? c.outParams * out : 0),
  };
}

/** Multiply-adds of one example when group l keeps widths[l] channels (default: the unpruned widths). */
export function graphFlops(graph: PruningGraph, widths?: ArrayLike<number>): number {
  const w = widthsOf(graph, widths, 'graphFlops');
  let total = 0;
  for (const l of graph.layers) total += layerTerms(l, w).macs;
  return total;
}

/** Weights of the layers slimprune understands when group l keeps widths[l] channels. */
export function graphParams(graph: PruningGraph, widths?: ArrayLike<number>): number {
  const w = widthsOf(graph, widths, 'graphParams');
  let total = 0;
  for (const l of graph.layers) total += layerTerms(l, w).params;
  return total;
}

/** A linear form constant + Σ coef[g]·n_g. */
interface Linear {
  constant: number;
  coef: Map<number, number>;
}

function linearOf(layout: ChannelLayout): Linear {
  const f: Linear = { constant: 0, coef: new Map() };
  for (const s of layout.segments) {
    const k = s.positions * s.expand;
    if (s.group === null) f.constant += k * s.width;
    else f.coef.set(s.group, (f.coef.get(s.group) ?? 0) + k);
  }
  return f;
}

class Quadratic {
  constant = 0;
  readonly linear: number[];
  readonly edges = new Map<string, FlopsEdge>();

  constructor(groups: number) {
    this.linear = new Array<number>(groups).fill(0);
  }

  /** += scale · a (a linear form). */
  addLinear(scale: number, a: Linear): void {
    if (scale === 0) return;
    this.constant += scale * a.constant;
    for (const [g, k] of a.coef) this.linear[g]! += scale * k;
  }

  /** += scale · a · b. */
  addProduct(scale: number, a: Linear, b: Linear): void {
    if (scale === 0) return;
    this.constant += scale * a.constant * b.constant;
    for (const [g, k] of a.coef) this.linear[g]! += scale * k * b.constant;
    for (const [g, k] of b.coef) this.linear[g]! += scale * k * a.constant;
    for (const [ga, ka] of a.coef) {
      for (const [gb, kb] of b.coef) {
        const [x, y] = ga <= gb ? [ga, gb] : [gb, ga];
        const key = `${x},${y}`;
        const e = this.edges.get(key);
        this.edges.set(key, { a: x, b: y, coef: (e?.coef ?? 0) + scale * ka * kb });
      }
    }
  }

  toModel(): FlopsModel {
    const edges = [...this.edges.values()].sort((p, q) => p.a - q.a || p.b - q.b);
    return { constant: this.constant, linear: this.linear.slice(), edges };
  }
}

function quadratic(graph: PruningGraph, pick: 'macs' | 'params'): FlopsModel {
  const q = new Quadratic(graph.groups.length);
  const one: Linear = { constant: 1, coef: new Map() };
  for (const l of graph.layers) {
    const c = l.cost;
    if (c === null) continue;
    const n = linearOf(l.inputLayouts[0]!);
    const out = c.hasOut ? linearOf(l.output) : one;
    if (pick === 'macs') q.addProduct(c.macs, n, out);
    else {
      q.addProduct(c.pairParams, n, out);
      q.addLinear(c.inParams, n);
      if (c.hasOut) q.addLinear(c.outParams, out);
    }
  }
  return q.toModel();
}

/**
 * FLOPs (multiply-adds of one example) as constant + linear + pairwise edges over the graph's
 * prunable groups, for the annealing kernel: equals graphFlops(graph, n) for every n.
 */
export function flopsModel(graph: PruningGraph): FlopsModel {
  return quadratic(graph, 'macs');
}

/** Parameters in the same quadratic form (equals graphParams(graph, n) for every n). */
export function paramsModel(graph: PruningGraph): FlopsModel {
  return quadratic(graph, 'params');
}

/** A quadratic form (FlopsModel) at widths n, summed in the order of the annealing kernel. */
export function evaluateQuadratic(form: FlopsModel, widths: ArrayLike<number>): number {
  let acc = form.constant;
  for (let l = 0; l < form.linear.length; l++) acc += form.linear[l]! * widths[l]!;
  for (const e of form.edges) acc += e.coef * widths[e.a]! * widths[e.b]!;
  return acc;
}

/**
 * Each group's share of the unpruned FLOPs (METHOD.md §5's contrast weight w_l), our reading: the
 * multiply-adds of the terms that involve the group's width (the layers that read or produce its
 * channels), divided by the total. A term coupling two groups (a conv from group a into group b)
 * counts for both, so the shares need not sum to 1.
 */
export function groupFlopsShares(graph: PruningGraph): number[] {
  const form = flopsModel(graph);
  const n = graph.groups.map((g) => g.width);
  const total = evaluateQuadratic(form, n);
  const share = n.map((w, l) => form.linear[l]! * w);
  for (const e of form.edges) {
    const term = e.coef * n[e.a]! * n[e.b]!;
    share[e.a] = share[e.a]! + term;
    if (e.b !== e.a) share[e.b] = share[e.b]! + term;
  }
  return share.map((s) => (total > 0 ? s / total : 0));
}

/**
 * The graph's groups as the annealing problem's groups (src/kernels/spec/anneal.ts): width,
 * minChannels (METHOD.md §1), and weight = the group's FLOPs share (default) or 1 ('uniform').
 */
export function annealGroups(graph: PruningGraph, weighting: 'flops' | 'uniform' = 'flops'): AnnealGroup[] {
  if (weighting !== 'flops' && weighting !== 'uniform') throw new RangeError(`annealGroups: weighting must be 'flops' or 'uniform', got ${String(weighting)}`);
  const shares = weighting === 'flops' ? groupFlopsShares(graph) : graph.groups.map(() => 1);
  return graph.groups.map((g, l) => ({ width: g.width, minChannels: g.minChannels, weight: shares[l]! }));
}
