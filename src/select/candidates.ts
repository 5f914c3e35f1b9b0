/**
 * Candidate thresholds per network and group (METHOD.md §4).
 *
 * - `searchThreshold`: Polarization's own `search_threshold`, ported exactly: the left edge of
 *   bin i+1 for the first i with d[i] <= 0 <= d[i+1], d = diff of the 100-bin histogram counts;
 *   a warning above 0.2; undefined when no such i exists. Keep a channel iff |γ| > threshold.
 * - `candidateThresholds` (our reading of the paper's "stationary points close to zero"): every
 *   such valley below a cap, ascending, a flat run of equal counts counted once — from the raw
 *   histogram, or (default) from a Gaussian KDE of |γ| with Silverman's bandwidth, because with
 *   20 or 50 channels most raw-histogram minima are gaps between single values (METHOD.md §4).
 *   An optional minimum prominence drops shallow valleys. Fallbacks when nothing remains: the
 *   midpoint of the widest gap of the sorted |γ| below the cap, then 0 (prune exact zeros only).
 */
import { histogram, binEdge, BINS } from './histogram.ts';

export type CandidateSource = 'histogram' | 'kde';

export interface CandidateOptions {
  /** Only thresholds below this are candidates (default 0.2, the bound of Polarization's warning). */
  readonly cap?: number;
  /** 'kde' (default) or 'histogram'. */
  readonly source?: CandidateSource;
  /**
   * Minimum prominence of a valley: for the histogram in counts, for the KDE as a fraction of
   * the density's maximum (defaults 0 and 0.01).
   */
  readonly prominence?: number;
  /** KDE grid points on [0, cap] (default 400). */
  readonly gridPoints?: number;
}

export interface CandidateSet {
  /** Thresholds, strictly ascending, at least one. */
  readonly thresholds: number[];
  /** Where they came from, for the report. */
  readonly origin: 'valleys' | 'widest-gap' | 'zero';
}

export interface ThresholdSearch {
  readonly threshold: number | undefined;
  readonly warning?: string;
}

/** Polarization's `search_threshold`, exactly. */
export function searchThreshold(gammas: ArrayLike<number>): ThresholdSearch {
  const counts = histogram(gammas);
  for (let i = 0; i + 2 < BINS; i++) {
    const d0 = counts[i + 1]! - counts[i]!;
    const d1 = counts[i + 2]! - counts[i + 1]!;
    if (d0 <= 0 && 0 <= d1) {
      const threshold = binEdge(i + 1);
      return threshold > 0.2
        ? { threshold, warning: `threshold might be too large: ${threshold}` }
        : { threshold };
    }
  }
  return { threshold: undefined };
}

/**
 * Valleys of a sampled curve y[0..n): every i with y[i] − y[i−1] <= 0 <= y[i+1] − y[i] (the
 * condition of Polarization's search, applied everywhere), a run of consecutive such points of
 * equal value counted once (its first point), with prominence min(max left, max right) − y[i].
 */
export function valleys(y: ArrayLike<number>): { index: number; prominence: number }[] {
  const out: { index: number; prominence: number }[] = [];
  const n = y.length;
  let previous = -2;
  for (let i = 1; i + 1 < n; i++) {
    if (!(y[i]! - y[i - 1]! <= 0 && 0 <= y[i + 1]! - y[i]!)) continue;
    const sameRun = previous === i - 1 && y[i] === y[i - 1];
    previous = i;
    if (sameRun) continue;
    let left = -Infinity;
    for (let a = 0; a < i; a++) left = Math.max(left, y[a]!);
    let right = -Infinity;
    for (let b = i + 1; b < n; b++) right = Math.max(right, y[b]!);
    out.push({ index: i, prominence: Math.min(left, right) - y[i]! });
  }
  return out;
}

/** Silverman's rule-of-thumb bandwidth, 0.9 · min(σ, IQR/1.34) · n^(-1/5), floored at 1e-3. */
export function silvermanBandwidth(values: ArrayLike<number>): number {
  const v = Array.from(values, Math.abs).sort((a, b) => a - b);
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  const q = (p: number) => v[Math.min(n - 1, Math.floor(p * (n - 1)))]!;
  const iqr = q(0.75) - q(0.25);
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  return Math.max(1e-3, 0.9 * spread * n ** -0.2);
}

function kdeOnGrid(values: ArrayLike<number>, cap: number, points: number): { x: Float64Array; y: Float64Array } {
  const h = silvermanBandwidth(values);
  const x = new Float64Array(points);
  const y = new Float64Array(points);
  for (let i = 0; i < points; i++) x[i] = (cap * i) / (points - 1);
  for (let j = 0; j < values.length; j++) {
    const g = Math.abs(values[j]!);
    for (let i = 0; i < points; i++) {
      const z = (x[i]! - g) / h;
      if (z > -6 && z < 6) y[i]! += Math.exp(-0.5 * z * z);
    }
  }
  return { x, y };
}

function widestGapMidpoint(values: ArrayLike<number>, cap: number): number | undefined {
  const v = Array.from(values, Math.abs).filter((g) => g < cap).sort((a, b) => a - b);
  let best: number | undefined;
  let width = 0;
  for (let i = 0; i + 1 < v.length; i++) {
    const gap = v[i + 1]! - v[i]!;
    if (gap > width) {
      width = gap;
      best = (v[i]! + v[i + 1]!) / 2;
    }
  }
  return best;
}

export function candidateThresholds(gammas: ArrayLike<number>, options: CandidateOptions = {}): CandidateSet {
  const cap = options.cap ?? 0.2;
  if (!(cap > 0 && cap <= 1)) throw new RangeError(`candidate cap must be in (0, 1], got ${cap}`);
  if (gammas.length === 0) throw new RangeError('candidateThresholds: a group with no channels has no thresholds');
  for (let i = 0; i < gammas.length; i++) {
    if (!Number.isFinite(gammas[i]!)) {
      throw new RangeError(`candidateThresholds: γ[${i}] is ${gammas[i]}; the network's BatchNorm scales must be finite`);
    }
  }
  const source = options.source ?? 'kde';
  let thresholds: number[];
  if (source === 'histogram') {
    const min = options.prominence ?? 0;
    const counts = histogram(gammas);
    thresholds = valleys(counts)
      .filter((v) => v.prominence >= min)
      .map((v) => binEdge(v.index)) // the valley bin's left edge, as in searchThreshold
      .filter((t) => t < cap);
  } else {
    const { x, y } = kdeOnGrid(gammas, cap, options.gridPoints ?? 400);
    const peak = Math.max(...y);
    const min = (options.prominence ?? 0.01) * peak;
    thresholds = valleys(y)
      .filter((v) => v.prominence >= min)
      .map((v) => x[v.index]!)
      .filter((t) => t < cap);
  }
  thresholds = [...new Set(thresholds)].sort((a, b) => a - b);
  if (thresholds.length > 0) return { thresholds, origin: 'valleys' };
  const gap = widestGapMidpoint(gammas, cap);
  if (gap !== undefined) return { thresholds: [gap], origin: 'widest-gap' };
  return { thresholds: [0], origin: 'zero' };
}
