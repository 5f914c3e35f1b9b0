/**
 * Accuracy against cost as a scatter with error bars: one colour per series (a method), its
 * points joined in order of x (the method's curve over its targets), ±1 sd bars both ways, a
 * dashed front (the Pareto-optimal points), round-number ticks with light grid lines, and the
 * legend beside the plot, where it covers no point. Self-contained SVG, like the rest of the
 * report.
 */
import { esc } from './svg.ts';

const W = 760;
const H = 380;
const M = { left: 64, right: 170, top: 16, bottom: 44 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export interface ErrorBarPoint {
  readonly x: number;
  readonly y: number;
  /** Half-lengths of the error bars (e.g. one sd); 0 or NaN draws none. */
  readonly xError: number;
  readonly yError: number;
  readonly label: string;
}

/** About `count` ticks on [lo, hi] at a step of 1, 2 or 5 × 10^k, and the decimals that step needs. */
export function niceTicks(lo: number, hi: number, count = 6): { values: number[]; decimals: number } {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const values: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { values, decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) };
}

export function errorBarScatterSvg(
  title: string, series: readonly { label: string; points: readonly ErrorBarPoint[] }[], front: readonly { x: number; y: number }[], xLabel: string, yLabel: string,
): string {
  const bar = (e: number) => (Number.isFinite(e) ? e : 0);
  const all = series.flatMap((s) => s.points);
  const xs = all.flatMap((p) => [p.x - bar(p.xError), p.x + bar(p.xError)]);
  const ys = all.flatMap((p) => [p.y - bar(p.yError), p.y + bar(p.yError)]);
  const pad = (lo: number, hi: number) => { const d = (hi - lo || Math.abs(hi) || 1) * 0.08; return [lo - d, hi + d] as const; };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const [left, right, top, bottom] = [M.left, W - M.right, M.top, H - M.bottom];
  const sx = (x: number) => left + ((x - x0) / (x1 - x0)) * (right - left);
  const sy = (y: number) => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
  const f = (v: number) => v.toFixed(1);

  const xTicks = niceTicks(x0, x1);
  const yTicks = niceTicks(y0, y1, 7);
  const grid = [
    ...xTicks.values.map((v) => `<line x1="${f(sx(v))}" x2="${f(sx(v))}" y1="${top}" y2="${bottom}" stroke="#e6e6e6"/>` +
      `<text x="${f(sx(v))}" y="${bottom + 14}" text-anchor="middle" font-size="10">${v.toFixed(xTicks.decimals)}</text>`),
    ...yTicks.values.map((v) => `<line x1="${left}" x2="${right}" y1="${f(sy(v))}" y2="${f(sy(v))}" stroke="#e6e6e6"/>` +
      `<text x="${left - 5}" y="${f(sy(v) + 3)}" text-anchor="end" font-size="10">${v.toFixed(yTicks.decimals)}</text>`),
  ].join('');

  const ordered = [...front].sort((a, b) => a.x - b.x);
  const frontLine = ordered.length < 2 ? '' :
    `<polyline fill="none" stroke="#555" stroke-width="1.2" stroke-dasharray="5 4" points="${ordered.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(' ')}"><title>Pareto front</title></polyline>`;
  const marks = series.map((s, j) => {
    const c = COLORS[j % COLORS.length]!;
    const byX = [...s.points].sort((a, b) => a.x - b.x);
    const curve = byX.length < 2 ? '' : `<polyline fill="none" stroke="${c}" stroke-opacity="0.45" stroke-width="1.5" points="${byX.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(' ')}"/>`;
    return curve + byX.map((p) => {
      const [xe, ye] = [bar(p.xError), bar(p.yError)];
      return `<line x1="${f(sx(p.x - xe))}" x2="${f(sx(p.x + xe))}" y1="${f(sy(p.y))}" y2="${f(sy(p.y))}" stroke="${c}"/>` +
        `<line x1="${f(sx(p.x))}" x2="${f(sx(p.x))}" y1="${f(sy(p.y - ye))}" y2="${f(sy(p.y + ye))}" stroke="${c}"/>` +
        `<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="4" fill="${c}" stroke="#fff" stroke-width="1"><title>${esc(`${s.label}, ${p.label}`)}</title></circle>`;
    }).join('');
  }).join('');
  const legend = [
    ...series.map((s, j) => {
      const y = top + 10 + 18 * j;
      return `<circle cx="${right + 18}" cy="${y}" r="4" fill="${COLORS[j % COLORS.length]}"/><text x="${right + 28}" y="${y + 4}" font-size="11">${esc(s.label)}</text>`;
    }),
    ordered.length < 2 ? '' : (() => {
      const y = top + 10 + 18 * series.length;
      return `<line x1="${right + 10}" x2="${right + 26}" y1="${y}" y2="${y}" stroke="#555" stroke-dasharray="5 4"/><text x="${right + 28}" y="${y + 4}" font-size="11">Pareto front</text>`;
    })(),
  ].join('');

  const mid = (top + bottom) / 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">` +
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="#fcfcfc" stroke="#bbb"/>` +
    grid + frontLine + marks + legend +
    `<text x="${(left + right) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>` +
    `<text x="16" y="${mid}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${mid})">${esc(yLabel)}</text>` +
    `</svg>`;
}
