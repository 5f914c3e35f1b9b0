// The sweep report's accuracy-vs-FLOPs plot: round-number ticks whatever the data's range, every
// point and its error bars inside the plot, each method's points joined in order of FLOPs, and the
// legend beside the plot, not over it.
import { describe, expect, it } from 'vitest';
import { errorBarScatterSvg, niceTicks } from 'slimprune/internal';

describe('accuracy vs FLOPs plot', () => {
  it('ticks at 1, 2 or 5 × 10^k inside the range, with the decimals the step needs', () => {
    expect(niceTicks(17.29, 48.56)).toEqual({ values: [20, 30, 40], decimals: 0 });
    expect(niceTicks(99.172, 99.438, 7)).toEqual({ values: [99.2, 99.25, 99.3, 99.35, 99.4].map((v) => expect.closeTo(v, 9)), decimals: 2 });
    expect(niceTicks(-0.3, 0.3).values).toContain(0);
    for (const [lo, hi] of [[0.001, 0.0013], [1e5, 3.3e5], [-7, -2]] as const) {
      const { values } = niceTicks(lo, hi);
      expect(values.length).toBeGreaterThanOrEqual(3);
      for (const v of values) expect(v).toBeGreaterThanOrEqual(lo - 1e-12);
      for (const v of values) expect(v).toBeLessThanOrEqual(hi + 1e-12);
    }
  });

  it('draws every point in the plot, each series joined by FLOPs, the legend outside the plot', () => {
    const points = (y: number) => [45, 20, 30].map((x, i) => ({ x, y: y + i / 10, xError: 0.5, yError: 0.05, label: `t${i}` }));
    const svg = errorBarScatterSvg('t', [{ label: 'a', points: points(99) }, { label: 'b', points: points(98.5) }], [{ x: 20, y: 99.1 }, { x: 45, y: 99 }], 'FLOPs kept (%)', 'acc');
    const plot = /<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number);
    const [left, top, right, bottom] = [plot[0]!, plot[1]!, plot[0]! + plot[2]!, plot[1]! + plot[3]!];
    const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="4" fill="[^"]+" stroke/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(circles).toHaveLength(6);
    for (const [x, y] of circles) expect(x > left && x < right && y > top && y < bottom).toBe(true);
    // A curve per series, its x increasing.
    const curves = [...svg.matchAll(/<polyline fill="none" stroke="#[0-9a-f]{6}" stroke-opacity[^>]*points="([^"]+)"/g)].map((m) => m[1]!.split(' ').map((p) => Number(p.split(',')[0])));
    expect(curves).toHaveLength(2);
    for (const xs of curves) expect([...xs].sort((p, q) => p - q)).toEqual(xs);
    // The legend (names and the front's key) right of the plot.
    const legend = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-size="11">([^<]+)<\/text>/g)].map((m) => [Number(m[1]), m[2]] as const);
    expect(legend.map(([, name]) => name)).toEqual(['a', 'b', 'Pareto front']);
    for (const [x] of legend) expect(x).toBeGreaterThan(right);
    expect(svg).toContain('stroke-dasharray="5 4" points=');
  });
});
