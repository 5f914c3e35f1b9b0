// The report's annealing plot: one best-so-far curve per restart, non-increasing, over a log
// temperature axis that falls from left to right; and report.html draws it from a real run's restarts.
import { describe, expect, it } from 'vitest';
import { annealingSvg, type AnnealingCurve } from 'slimprune/internal';

/** A restart's trace that wanders up and down (an annealing accepts uphill moves when hot). */
function wandering(steps: number, seed: number): Float64Array {
  const trace = new Float64Array(steps);
  let s = seed;
  for (let i = 0; i < steps; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    trace[i] = 1 + 2 * Math.exp(-i / 40) * (s / 2147483648);
  }
  return trace;
}

const curves: AnnealingCurve[] = [
  { label: 'restart 1', t0: 0.5, cooling: 0.95, startEnergy: 2.5, trace: wandering(180, 1) },
  { label: 'restart 2', t0: 0.2, cooling: 0.95, startEnergy: 3, trace: wandering(160, 2) },
  { label: 'restart 3', t0: 0.8, cooling: 0.9, startEnergy: 1.8, trace: wandering(90, 3) },
];

function bestPaths(svg: string): { restart: number; points: [number, number][] }[] {
  return [...svg.matchAll(/<path class="best-so-far" data-restart="(\d+)"[^>]* d="([^"]+)"/g)].map((m) => ({
    restart: Number(m[1]),
    points: m[2]!.split(' ').map((p) => p.slice(1).split(',').map(Number) as [number, number]),
  }));
}

describe('annealing plot', () => {
  const svg = annealingSvg('annealing', curves);

  it('draws one best-so-far path and one light accepted-energy line per restart', () => {
    expect(bestPaths(svg).map((p) => p.restart)).toEqual([0, 1, 2]);
    expect(svg.match(/<polyline class="accepted"/g)).toHaveLength(3);
    expect(svg).toMatch(/stroke-opacity="0.3"/);
  });

  it('has best-so-far energies that never rise (SVG y grows downwards)', () => {
    for (const { points } of bestPaths(svg)) {
      for (let i = 1; i < points.length; i++) expect(points[i]![1]).toBeGreaterThanOrEqual(points[i - 1]![1]);
    }
    // The traces do rise somewhere, so the test would see a raw trace drawn as "best".
    const raw = Array.from(curves[0]!.trace);
    expect(raw.some((e, i) => i > 0 && e > raw[i - 1]!)).toBe(true);
  });

  it('places temperature steps on a log axis, hot on the left', () => {
    const [first, , third] = bestPaths(svg);
    // T = t0 · c^i: log T is linear in the step, so equal steps are equal distances on a log axis.
    const dx = first!.points.slice(1).map((p, i) => p[0] - first!.points[i]![0]);
    for (const d of dx) expect(d).toBeCloseTo(dx[0]!, 0);
    expect(dx[0]).toBeGreaterThan(0);
    // Restart 3 cools faster (0.9 against 0.95): each of its steps covers log10(0.9)/log10(0.95) ≈ 2.05 times the distance.
    const dx3 = third!.points[1]![0] - third!.points[0]![0];
    expect(dx3 / dx[0]!).toBeCloseTo(Math.log10(0.9) / Math.log10(0.95), 1);
    // The hottest start (restart 3's t0 = 0.8) is at the left edge; decade labels are powers of ten.
    expect(third!.points[0]![0]).toBeCloseTo(48, 0);
    expect(svg).toContain('>1e-1</text>');
  });

  it('keeps long runs to a few hundred points, the last step included', () => {
    const long = annealingSvg('long', [{ label: 'r', t0: 1, cooling: 0.999, startEnergy: 2, trace: wandering(5000, 4) }]);
    const [path] = bestPaths(long);
    expect(path!.points.length).toBeLessThanOrEqual(402);
    expect(path!.points.at(-1)![0]).toBeCloseTo(560 - 12, 0);
  });
});
