/**
 * Minimal SVG charts for the self-contained report: no script, no external asset, so the
 * report opens anywhere, offline. Each function returns an <svg> element as a string.
 */
const W = 560;
const H = 220;
const M = { left: 48, right: 12, top: 14, bottom: 30 };

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const num = (x: number) => (Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 0.01) ? x.toExponential(1) : String(+x.toFixed(3)));

function frame(title: string, body: string, xLabel: string, yLabel: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">` +
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="#fafafa" stroke="#ccc"/>` +
    body +
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 4}" text-anchor="middle" font-size="11">${esc(xLabel)}</text>` +
    `<text x="12" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 12 ${(M.top + H - M.bottom) / 2})">${esc(yLabel)}</text>` +
    `</svg>`;
}

function axes(x0: number, x1: number, y0: number, y1: number) {
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const sy = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const xv = x0 + f * (x1 - x0);
      const yv = y0 + f * (y1 - y0);
      return `<text x="${sx(xv)}" y="${H - M.bottom + 12}" text-anchor="middle" font-size="9">${num(xv)}</text>` +
        `<text x="${M.left - 4}" y="${sy(yv) + 3}" text-anchor="end" font-size="9">${num(yv)}</text>`;
    })
    .join('');
  return { sx, sy, ticks };
}

/** Histogram of |γ| on [0, 1] (100 bins) with candidate thresholds (dashed) and the chosen one (red). */
export function gammaHistogramSvg(title: string, gammas: ArrayLike<number>, candidates: readonly number[], chosen?: number): string {
  const bins = new Array<number>(100).fill(0);
  for (let i = 0; i < gammas.length; i++) {
    const g = Math.min(1, Math.abs(gammas[i]!));
    bins[Math.min(99, Math.floor(g * 100))]!++;
  }
  const max = Math.max(1, ...bins);
  const { sx, sy, ticks } = axes(0, 1, 0, max);
  const bars = bins
    .map((c, i) => (c ? `<rect x="${sx(i / 100)}" y="${sy(c)}" width="${sx(0.01) - sx(0) - 0.5}" height="${sy(0) - sy(c)}" fill="#4a78b5"/>` : ''))
    .join('');
  const lines = candidates
    .map((t) => `<line x1="${sx(t)}" x2="${sx(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#888" stroke-dasharray="3 3"/>`)
    .join('');
  const pick = chosen === undefined ? '' : `<line x1="${sx(chosen)}" x2="${sx(chosen)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#d62728" stroke-width="2"/>`;
  return frame(title, bars + lines + pick + ticks + `<text x="${W - M.right - 4}" y="${M.top + 12}" text-anchor="end" font-size="11">${esc(title)}</text>`, '|γ|', 'channels');
}

/** Line plot of series (e.g. the annealing energy per temperature step, one line per restart). */
export function lineChartSvg(title: string, series: readonly { label: string; values: ArrayLike<number> }[], xLabel: string, yLabel: string): string {
  const all = series.flatMap((s) => Array.from(s.values));
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const { sx, sy, ticks } = axes(0, n - 1, lo, hi === lo ? lo + 1 : hi);
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
  const paths = series
    .map((s, j) => {
      const step = Math.max(1, Math.floor(s.values.length / 400));
      const pts: string[] = [];
      for (let i = 0; i < s.values.length; i += step) pts.push(`${sx(i).toFixed(1)},${sy(s.values[i]!).toFixed(1)}`);
      return `<polyline fill="none" stroke="${colors[j % colors.length]}" stroke-width="1.2" points="${pts.join(' ')}"><title>${esc(s.label)}</title></polyline>`;
    })
    .join('');
  return frame(title, paths + ticks, xLabel, yLabel);
}

/** Grouped bars: widths per layer before (grey) and after (blue). */
export function widthsSvg(title: string, layers: readonly { name: string; before: number; after: number }[]): string {
  const max = Math.max(1, ...layers.map((l) => l.before));
  const { sy, ticks } = axes(0, 1, 0, max);
  const slot = (W - M.left - M.right) / Math.max(1, layers.length);
  const bars = layers
    .map((l, i) => {
      const x = M.left + i * slot + slot * 0.15;
      const w = slot * 0.35;
      return `<rect x="${x}" y="${sy(l.before)}" width="${w}" height="${sy(0) - sy(l.before)}" fill="#bbb"><title>${esc(l.name)}: ${l.before}</title></rect>` +
        `<rect x="${x + w}" y="${sy(l.after)}" width="${w}" height="${sy(0) - sy(l.after)}" fill="#4a78b5"><title>${esc(l.name)}: ${l.after}</title></rect>` +
        `<text x="${x + w}" y="${H - M.bottom + 12}" text-anchor="middle" font-size="9">${esc(l.name.slice(0, 14))}</text>`;
    })
    .join('');
  const yTicks = ticks.split('</text>').filter((t) => t.includes('text-anchor="end"')).map((t) => t + '</text>').join('');
  return frame(title, bars + yTicks, 'layer (grey: before, blue: after)', 'channels');
}

export interface ErrorBarPoint {
  readonly x: number;
  readonly y: number;
  /** Half-lengths of the error bars (e.g. one sd); 0 or NaN draws none. */
  readonly xError: number;
  readonly yError: number;
  readonly label: string;
}

/**
 * Points with error bars in both directions, one colour per series, and a front (e.g. the
 * Pareto-optimal points) joined by a dashed line; the legend names each series.
 */
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
  const { sx, sy, ticks } = axes(x0, x1, y0, y1);
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
  const marks = series.map((s, j) => {
    const c = colors[j % colors.length]!;
    return s.points.map((p) => {
      const xe = bar(p.xError);
      const ye = bar(p.yError);
      return `<line x1="${sx(p.x - xe).toFixed(1)}" x2="${sx(p.x + xe).toFixed(1)}" y1="${sy(p.y).toFixed(1)}" y2="${sy(p.y).toFixed(1)}" stroke="${c}"/>` +
        `<line x1="${sx(p.x).toFixed(1)}" x2="${sx(p.x).toFixed(1)}" y1="${sy(p.y - ye).toFixed(1)}" y2="${sy(p.y + ye).toFixed(1)}" stroke="${c}"/>` +
        `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3.5" fill="${c}"><title>${esc(`${s.label}, ${p.label}`)}</title></circle>`;
    }).join('') + `<text x="${W - M.right - 6}" y="${M.top + 14 + 13 * j}" text-anchor="end" font-size="10" fill="${c}">${esc(s.label)}</text>`;
  }).join('');
  const ordered = [...front].sort((a, b) => a.x - b.x);
  const line = ordered.length < 2 ? '' : `<polyline fill="none" stroke="#444" stroke-dasharray="4 3" points="${ordered.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`;
  return frame(title, line + marks + ticks, xLabel, yLabel);
}

export { esc };
