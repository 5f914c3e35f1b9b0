/** Flag parsers and budget presets shared by the commands (prune, sweep, eval, run). */
import { InvalidArgumentError } from 'commander';
import type { PruneConfig, PruneTarget } from 'slimprune/internal';

export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};
export const real = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

/** Budgets: 'quick' is the README's main job (a few minutes on 2 cores); 'full' the recipe of RESULTS.md. */
export const BUDGETS: Record<string, Partial<PruneConfig>> = {
  quick: { trainImages: 30_000, epochs: 3, fineTuneEpochs: 1, restarts: 4 },
  full: {},
};

/** --target flops=0.3 | params=0.3 | latency=5ms (or 5). */
export function targetFlag(v: string): PruneTarget {
  const m = /^(flops|params|latency)=([0-9.eE+-]+)(ms)?$/.exec(v.trim());
  const value = m ? Number(m[2]) : NaN;
  if (!m || !Number.isFinite(value) || (m[3] !== undefined && m[1] !== 'latency')) {
    throw new InvalidArgumentError('give flops=F or params=F (F the fraction kept, e.g. 0.3) or latency=Nms (batch-1 milliseconds on this runtime)');
  }
  return m[1] === 'latency' ? { latencyMs: value } : m[1] === 'flops' ? { flops: value } : { params: value };
}

/** The config fields of the flags given (commander leaves a flag without a default undefined). */
export function given(o: Record<string, unknown>, flags: Readonly<Record<string, keyof PruneConfig>>): Partial<PruneConfig> {
  return Object.fromEntries(Object.entries(flags).filter(([flag]) => o[flag] !== undefined).map(([flag, field]) => [field, o[flag]]));
}

/** --normalize data | unit | m1,m2,m3/s1,s2,s3 (means and stds per channel, 0..1 scale). */
export function normalizeFlag(v: string): 'data' | 'unit' | { mean: number[]; std: number[] } {
  if (v === 'data' || v === 'unit') return v;
  const [mean, std, rest] = v.split('/').map((part) => part.split(',').map(Number));
  if (!mean || !std || rest || mean.length !== std.length || [...mean, ...std].some((x) => !Number.isFinite(x))) {
    throw new InvalidArgumentError("give 'data', 'unit', or the means and stds per channel as m1,m2,m3/s1,s2,s3 (0..1 scale)");
  }
  return { mean, std };
}
