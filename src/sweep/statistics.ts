/**
 * The statistics of a sweep's summary: mean and sample standard deviation over seeds, Student's t
 * quantile (from the regularized incomplete beta function, not a table), the paired t interval
 * on per-seed differences between two methods, and the exact two-sided sign test on the same
 * differences (which assumes no normality, for the few seeds a sweep usually has).
 *
 * Written here rather than taken from a library: the well-kept one (stdlib-js's t quantile)
 * brings 234 packages for one function, and these few are checked against the published tables
 * (test/node/sweep-statistics.test.ts).
 */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1 in the denominator); NaN for fewer than two values. */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/** ln Γ(x) for x > 0: Lanczos' approximation (g = 7, 9 terms), relative error below 1e-14. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of I_x(a, b) (modified Lentz), which converges fast for x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) return h;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0, x in [0, 1]. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`the incomplete beta needs a, b > 0, got ${a}, ${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`the incomplete beta needs x in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges on the side of the mean; the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) gives the other.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T ≤ t) for Student's t with ν degrees of freedom. */
export function studentTCdf(t: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${nu}`);
  if (t === 0) return 0.5;
  const tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with ν degrees of freedom: the t with P(T ≤ t) = p, by bisection on the CDF. */
export function studentTQuantile(p: number, nu: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`the quantile's probability must be in (0, 1), got ${p}`);
  if (!(nu > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${nu}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, nu);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, nu) < p) hi *= 2;
  // 200 halvings reach the double's resolution on any bracket this can produce.
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface PairedInterval {
  /** Pairs (seeds) compared. */
  readonly n: number;
  readonly meanDifference: number;
  readonly sd: number;
  readonly standardError: number;
  readonly confidence: number;
  /** The paired t interval: mean ± t(1 − (1 − confidence)/2, n − 1) · sd/√n; NaN bounds for n < 2. */
  readonly low: number;
  readonly high: number;
  /** Differences above, below and equal to 0, and the exact two-sided sign-test p (ties dropped). */
  readonly positive: number;
  readonly negative: number;
  readonly ties: number;
  readonly signTestP: number;
}

/** The paired t interval and the sign test on differences a_i − b_i (pairs at the same seed). */
export function pairedInterval(differences: readonly number[], confidence = 0.95): PairedInterval {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const n = differences.length;
  const m = mean(differences);
  const sd = sampleSd(differences);
  const se = sd / Math.sqrt(n);
  const half = n < 2 ? NaN : studentTQuantile(1 - (1 - confidence) / 2, n - 1) * se;
  const positive = differences.filter((d) => d > 0).length;
  const negative = differences.filter((d) => d < 0).length;
  return {
    n, meanDifference: m, sd, standardError: se, confidence, low: m - half, high: m + half,
    positive, negative, ties: n - positive - negative, signTestP: signTestP(positive, negative),
  };
}

/** Exact two-sided sign test: P(a split at least this uneven) under Binomial(k + l, 1/2). */
export function signTestP(positive: number, negative: number): number {
  const n = positive + negative;
  if (n === 0) return 1;
  const k = Math.min(positive, negative);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}
