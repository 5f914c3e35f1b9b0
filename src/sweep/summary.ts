/**
 * A sweep's results summarised, as plain data: per method (variant), target and λ, the mean ± sd
 * over seeds; between two methods at the same task, target and λ, the paired differences at the
 * same seed with a 95% paired t interval and the sign test (statistics.ts); and per FLOPs band
 * (one per target, one for the methods' own thresholds) the Pareto front of mean accuracy against
 * mean FLOPs kept, and the method on it with the highest accuracy; and per method what one seed
 * of it cost over all its targets (the cells' seconds and the networks they trained), since where
 * accuracies tie, cost decides.
 */
import type { CellResult } from './cell-result.ts';
import { targetText, type CellCoordinates } from './grid.ts';
import { mean, pairedInterval, sampleSd, type PairedInterval } from './statistics.ts';

export interface Spread {
  readonly mean: number;
  readonly sd: number;
}

export interface MethodSummary {
  readonly task: string;
  readonly model: string | null;
  readonly method: string;
  readonly target: string;
  readonly lambda: number | null;
  readonly seeds: readonly number[];
  readonly failed: number;
  readonly accuracy: Spread;
  readonly flops: Spread;
  readonly params: Spread;
}

export interface PairedComparison {
  readonly task: string;
  readonly model: string | null;
  readonly target: string;
  readonly lambda: number | null;
  /** a − b at the same seed, in accuracy (fraction) and FLOPs kept (fraction). */
  readonly a: string;
  readonly b: string;
  readonly seeds: readonly number[];
  readonly accuracy: PairedInterval;
  readonly flops: PairedInterval;
}

export interface ParetoBand {
  readonly task: string;
  readonly model: string | null;
  /** The band: a target ('flops=0.3'), or 'own' for the methods' own thresholds. */
  readonly band: string;
  readonly lambda: number | null;
  /** The seeds every method of the band has, at which the front is taken (empty: none in common, each method's own seeds). */
  readonly seeds: readonly number[];
  /** Methods not dominated (no other has mean accuracy ≥ and mean FLOPs ≤, one strictly). */
  readonly front: readonly string[];
  /** Of the front, the most accurate. */
  readonly best: string;
  /** The grid's methods with no result in this band yet (a sweep so far): the front is provisional. */
  readonly missing: readonly string[];
}

/**
 * What a method cost per seed: the sum over its cells at that seed (every target) of their
 * seconds and of the networks they trained, as mean ± sd over the seeds whose cells all ran. A
 * cell's seconds are its wall time, so they include any wait for a network that another cell was
 * training at the same time (queued cells are ordered to make such waits rare: queue-order.ts).
 */
export interface MethodCost {
  readonly task: string;
  readonly model: string | null;
  readonly method: string;
  readonly lambda: number | null;
  /** Cells per seed (one per target). */
  readonly cellsPerSeed: number;
  readonly seeds: readonly number[];
  readonly secondsPerSeed: Spread;
  readonly networksPerSeed: Spread;
}

export interface SweepSummary {
  readonly cells: readonly CellResult[];
  readonly methods: readonly MethodSummary[];
  readonly costs: readonly MethodCost[];
  readonly paired: readonly PairedComparison[];
  readonly pareto: readonly ParetoBand[];
  /** total: the grid's cells; pending: those without a result yet (a summary taken mid-sweep). */
  readonly counts: { readonly total: number; readonly done: number; readonly failed: number; readonly pending: number };
}

const setting = (c: CellCoordinates) => JSON.stringify([c.task, c.model, targetText(c.target), c.lambda]);
const spread = (xs: readonly number[]): Spread => ({ mean: mean(xs), sd: sampleSd(xs) });

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = groups.get(k);
    if (list) list.push(x);
    else groups.set(k, [x]);
  }
  return groups;
}

/**
 * The summary of a grid's results; `grid` (default: the results' own cells) is every cell of the
 * grid, so that a summary taken mid-sweep counts what is pending and names the methods a band
 * has no result for yet.
 */
export function summarize(cells: readonly CellResult[], grid: readonly CellCoordinates[] = cells.map((c) => c.cell)): SweepSummary {
  const done = cells.filter((c) => c.status === 'done' && c.outcome);
  const methods: MethodSummary[] = [];
  for (const group of groupBy(cells, (c) => JSON.stringify([setting(c.cell), c.cell.method])).values()) {
    const ok = group.filter((c) => c.status === 'done' && c.outcome).sort((x, y) => x.cell.seed - y.cell.seed);
    const first = group[0]!.cell;
    methods.push({
      task: first.task, model: first.model, method: first.method, target: targetText(first.target), lambda: first.lambda,
      seeds: ok.map((c) => c.cell.seed), failed: group.length - ok.length,
      accuracy: spread(ok.map((c) => c.outcome!.accuracy)),
      flops: spread(ok.map((c) => c.outcome!.flops)),
      params: spread(ok.map((c) => c.outcome!.params)),
    });
  }

  const paired: PairedComparison[] = [];
  for (const group of groupBy(done, (c) => setting(c.cell)).values()) {
    const byMethod = groupBy(group, (c) => c.cell.method);
    const names = [...byMethod.keys()];
    for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
      const a = new Map(byMethod.get(names[i]!)!.map((c) => [c.cell.seed, c.outcome!]));
      const b = new Map(byMethod.get(names[j]!)!.map((c) => [c.cell.seed, c.outcome!]));
      const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);
      if (seeds.length === 0) continue;
      const first = group[0]!.cell;
      paired.push({
        task: first.task, model: first.model, target: targetText(first.target), lambda: first.lambda, a: names[i]!, b: names[j]!, seeds,
        accuracy: pairedInterval(seeds.map((s) => a.get(s)!.accuracy - b.get(s)!.accuracy)),
        flops: pairedInterval(seeds.map((s) => a.get(s)!.flops - b.get(s)!.flops)),
      });
    }
  }

  const pareto: ParetoBand[] = [];
  const outcomes = groupBy(done, (c) => JSON.stringify([setting(c.cell), c.cell.method]));
  for (const band of groupBy(methods.filter((m) => m.seeds.length > 0), (m) => JSON.stringify([m.task, m.model, m.target, m.lambda])).values()) {
    // Compared at the seeds every method of the band has, where there are such seeds (a sweep so
    // far, or a failed cell, leaves methods with different seeds, whose own means would compare
    // different draws); else at each method's own.
    const common = band.map((m) => m.seeds).reduce((a, b) => a.filter((x) => b.includes(x)));
    const point = (m: MethodSummary) => {
      if (common.length === 0) return { accuracy: m.accuracy.mean, flops: m.flops.mean };
      const mine = outcomes.get(JSON.stringify([JSON.stringify([m.task, m.model, m.target, m.lambda]), m.method]))!.filter((c) => common.includes(c.cell.seed));
      return { accuracy: mean(mine.map((c) => c.outcome!.accuracy)), flops: mean(mine.map((c) => c.outcome!.flops)) };
    };
    const points = new Map(band.map((m) => [m, point(m)]));
    const dominated = (m: MethodSummary) => band.some((o) => {
      const [p, q] = [points.get(o)!, points.get(m)!];
      return o !== m && p.accuracy >= q.accuracy && p.flops <= q.flops && (p.accuracy > q.accuracy || p.flops < q.flops);
    });
    const front = band.filter((m) => !dominated(m)).sort((x, y) => points.get(y)!.accuracy - points.get(x)!.accuracy || points.get(x)!.flops - points.get(y)!.flops);
    const first = band[0]!;
    const bandKey = JSON.stringify([first.task, first.model, first.target, first.lambda]);
    const inGrid = new Set(grid.filter((c) => JSON.stringify([c.task, c.model, targetText(c.target), c.lambda]) === bandKey).map((c) => c.method));
    const missing = [...inGrid].filter((m) => !band.some((b) => b.method === m));
    pareto.push({
      task: first.task, model: first.model, band: first.target, lambda: first.lambda, seeds: common,
      front: front.map((m) => m.method), best: front[0]!.method, missing,
    });
  }
  const costs: MethodCost[] = [];
  const cellsPerSeed = groupBy(grid, (c) => JSON.stringify([c.task, c.model, c.method, c.lambda, c.seed]));
  for (const group of groupBy(cells, (c) => JSON.stringify([c.cell.task, c.cell.model, c.cell.method, c.cell.lambda])).values()) {
    const first = group[0]!.cell;
    const bySeed = groupBy(group, (c) => String(c.cell.seed));
    const expected = (seed: number) => cellsPerSeed.get(JSON.stringify([first.task, first.model, first.method, first.lambda, seed]))?.length ?? 0;
    // Only seeds whose every cell has a result: a partial seed would look cheaper than it is.
    const seeds = [...bySeed.keys()].map(Number).filter((seed) => bySeed.get(String(seed))!.length >= expected(seed)).sort((x, y) => x - y);
    if (seeds.length === 0) continue;
    const sum = (seed: number, f: (c: CellResult) => number) => bySeed.get(String(seed))!.reduce((t, c) => t + f(c), 0);
    costs.push({
      task: first.task, model: first.model, method: first.method, lambda: first.lambda, cellsPerSeed: bySeed.get(String(seeds[0]))!.length, seeds,
      secondsPerSeed: spread(seeds.map((seed) => sum(seed, (c) => c.execution.seconds))),
      networksPerSeed: spread(seeds.map((seed) => sum(seed, (c) => c.execution.networksTrained))),
    });
  }
  return {
    cells, methods, costs, paired, pareto,
    counts: {
      total: grid.length, done: done.length, failed: cells.filter((c) => c.status === 'failed').length, pending: grid.length - cells.length,
    },
  };
}
