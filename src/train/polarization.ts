/**
 * Did polarization polarize? A per-layer diagnostic of the γ distribution after sparsity
 * training (our definitions; METHOD.md §2 and Zhuang et al. 2020 only say that γ should end near
 * 0 or near a value a > 0).
 *
 * For one layer with g = |γ|:
 * - zero:    g < zeroBelow (default 0.05), the channels a threshold will prune;
 * - upper mode a: the median of the g >= zeroBelow (robust to a few outliers, unlike the max);
 * - high:    g >= highRatio · a (default 0.6), the channels clustered at the upper mode;
 * - between: the rest, zeroBelow <= g < highRatio · a.
 * A layer is separated when `between` is at most maxBetween (default 20%) of its channels: its
 * γ histogram then has a clear valley for the thresholds of METHOD.md §4 to find. Examples: a
 * polarized layer (γ at 0 and at a ± 30%) has no channel between; γ spread evenly over [0, m]
 * has about 26% between (m = 1) to 24% (m = 0.6), and warns.
 * A layer with every g below zeroBelow is flagged too: it would lose all its channels.
 */

export interface PolarizationOptions {
  /** Default 0.05. */
  readonly zeroBelow?: number;
  /** Default 0.6. */
  readonly highRatio?: number;
  /** Default 0.2. */
  readonly maxBetween?: number;
}

export const POLARIZATION_DEFAULTS: Required<PolarizationOptions> = Object.freeze({
  zeroBelow: 0.05, highRatio: 0.6, maxBetween: 0.2,
});

export interface LayerPolarization {
  readonly name: string;
  readonly channels: number;
  /** Fractions of the layer's channels. */
  readonly zero: number;
  readonly between: number;
  readonly high: number;
  /** a: the median |γ| of the channels not near zero (0 if there are none). */
  readonly upperMode: number;
  readonly max: number;
  readonly separated: boolean;
  /**
   * Fraction with g < zeroBelow or g > 1 − zeroBelow: near 0 or near 1 on an absolute scale (the
   * measure of issue 3's target, ≥ 80% outside (0.05, 0.95)). Meaningful when γ is bounded by 1,
   * as polarization's clamp bounds it.
   */
  readonly outside: number;
}

export interface PolarizationReport {
  readonly layers: readonly LayerPolarization[];
  /** Fractions over all prunable channels of the network. */
  readonly zero: number;
  readonly between: number;
  /** Every layer separated. */
  readonly separated: boolean;
  /** One line per layer that did not separate or would lose every channel, saying what to try. */
  readonly warnings: readonly string[];
  readonly options: Required<PolarizationOptions>;
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
}

function percent(x: number): string {
  return `${(100 * x).toFixed(0)}%`;
}

export function layerPolarization(name: string, gamma: ArrayLike<number>, options: PolarizationOptions = {}): LayerPolarization {
  const { zeroBelow, highRatio, maxBetween } = { ...POLARIZATION_DEFAULTS, ...options };
  const g = Float64Array.from({ length: gamma.length }, (_, i) => Math.abs(gamma[i]!)).sort();
  const channels = g.length;
  if (channels === 0) throw new Error(`layer ${name} has no channels`);
  const firstNonZero = g.findIndex((v) => v >= zeroBelow);
  const nonZero = firstNonZero < 0 ? new Float64Array(0) : g.subarray(firstNonZero);
  const upperMode = median(nonZero);
  let zero = 0;
  let high = 0;
  let nearOne = 0;
  for (const v of g) {
    if (v < zeroBelow) {
      zero++;
      continue;
    }
    if (v > 1 - zeroBelow) nearOne++;
    if (v >= highRatio * upperMode) high++;
  }
  const between = channels - zero - high;
  return {
    name,
    channels,
    zero: zero / channels,
    between: between / channels,
    high: high / channels,
    upperMode,
    max: g[channels - 1]!,
    separated: between / channels <= maxBetween && zero < channels,
    outside: (zero + nearOne) / channels,
  };
}

/** The diagnostic of every prunable layer, with warnings for those that did not separate. */
export function polarizationReport(
  layers: readonly { readonly name: string; readonly gamma: ArrayLike<number> }[], options: PolarizationOptions = {},
): PolarizationReport {
  const resolved = { ...POLARIZATION_DEFAULTS, ...options };
  const { zeroBelow, highRatio, maxBetween } = resolved;
  if (!(zeroBelow > 0) || !(highRatio > 0 && highRatio <= 1) || !(maxBetween >= 0 && maxBetween <= 1)) {
    throw new Error('polarization options: zeroBelow must be > 0, highRatio in (0, 1], maxBetween in [0, 1]');
  }
  const perLayer = layers.map((l) => layerPolarization(l.name, l.gamma, resolved));
  const total = perLayer.reduce((n, l) => n + l.channels, 0);
  const weighted = (key: 'zero' | 'between') => (total === 0 ? 0 : perLayer.reduce((s, l) => s + l[key] * l.channels, 0) / total);
  const warnings: string[] = [];
  for (const l of perLayer) {
    if (l.zero === 1) {
      warnings.push(`${l.name}: every γ is below ${zeroBelow}, so the layer would lose all ${l.channels} channels; lower λ (or t)`);
    } else if (!l.separated) {
      warnings.push(
        `${l.name}: ${percent(l.between)} of its ${l.channels} γ lie between ${zeroBelow} and ${highRatio}·${l.upperMode.toFixed(3)} ` +
        `(more than ${percent(maxBetween)}): not polarized; raise λ (or t) or train longer ` +
        '(METHOD.md §2: λ = 5e-4 polarized mnist-lenet in 10 epochs where 1e-4 did not)',
      );
    }
  }
  return {
    layers: perLayer,
    zero: weighted('zero'),
    between: weighted('between'),
    separated: perLayer.every((l) => l.separated),
    warnings,
    options: resolved,
  };
}
