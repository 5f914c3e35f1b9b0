// The sweep's statistics against known values: Student's t quantiles (tables to 9 digits, and the
// closed forms of ν = 1 and ν = 2), the incomplete beta's identities, the sign test's exact
// binomial tails, and a paired interval whose figures RESULTS.md reports by hand.
import { describe, expect, it } from 'vitest';
import {
  mean, sampleSd, logGamma, regularizedIncompleteBeta, studentTCdf, studentTQuantile, pairedInterval, signTestP,
} from 'slimprune/internal';

describe('sweep statistics', () => {
  it('gives Student t quantiles of the published tables', () => {
    const known: [number, number, number][] = [
      [0.975, 1, 12.706204736], [0.975, 2, 4.302652730], [0.975, 4, 2.776445105], [0.975, 9, 2.262157163],
      [0.975, 30, 2.042272456], [0.95, 10, 1.812461123], [0.995, 5, 4.032142984], [0.9, 3, 1.637744354],
      [0.975, 1000, 1.962339081],
    ];
    for (const [p, nu, t] of known) {
      expect(studentTQuantile(p, nu)).toBeCloseTo(t, 7);
      expect(studentTQuantile(1 - p, nu)).toBeCloseTo(-t, 7);
      expect(studentTCdf(t, nu)).toBeCloseTo(p, 9);
    }
    // Closed forms: ν = 1 is the Cauchy distribution, ν = 2 has t = (2p − 1)/√(2p(1 − p)).
    for (const p of [0.6, 0.8, 0.95, 0.99]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
    }
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(() => studentTQuantile(1, 3)).toThrow(/in \(0, 1\)/);
  });

  it('computes the incomplete beta and ln Γ', () => {
    for (const x of [0.1, 0.37, 0.5, 0.9]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedIncompleteBeta(x, 3, 1)).toBeCloseTo(x ** 3, 12);
      expect(regularizedIncompleteBeta(x, 2.5, 4)).toBeCloseTo(1 - regularizedIncompleteBeta(1 - x, 4, 2.5), 12);
    }
    expect(regularizedIncompleteBeta(0.5, 7.3, 7.3)).toBeCloseTo(0.5, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('gives the sign test its exact binomial tail', () => {
    expect(signTestP(5, 0)).toBeCloseTo(2 / 32, 12);
    expect(signTestP(4, 1)).toBeCloseTo((2 * 6) / 32, 12);
    expect(signTestP(2, 2)).toBe(1);
    expect(signTestP(0, 0)).toBe(1);
    expect(signTestP(9, 1)).toBeCloseTo((2 * 11) / 1024, 12);
  });

  it('gives the paired t interval of per-seed differences', () => {
    // RESULTS.md: the default minus Polarization over five seeds, mean −0.024, standard error 0.036.
    const d = [0.04, 0.06, -0.14, -0.06, -0.02];
    const r = pairedInterval(d);
    expect(r.meanDifference).toBeCloseTo(-0.024, 12);
    expect(r.standardError).toBeCloseTo(0.036, 3);
    expect(r.sd).toBeCloseTo(sampleSd(d), 15);
    const half = 2.776445105 * r.standardError;
    expect(r.low).toBeCloseTo(-0.024 - half, 8);
    expect(r.high).toBeCloseTo(-0.024 + half, 8);
    expect([r.positive, r.negative, r.ties]).toEqual([2, 3, 0]);
    expect(r.signTestP).toBe(1);
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(Number.isNaN(pairedInterval([0.1]).low)).toBe(true);
  });
});
