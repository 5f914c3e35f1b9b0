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
  // A key in the series' colours, right-aligned along the top edge.
  const key = series.length < 2 ? '' : series
    .map((s, j) => `<text x="${W - M.right - 4}" y="${M.top + 12 + 12 * j}" text-anchor="end" font-size="10" fill="${colors[j % colors.length]}">${esc(s.label)}</text>`)
    .join('');
  return frame(title, paths + ticks + key, xLabel, yLabel);
}

/** What the annealing plot reads of one restart (select/structure.ts's RestartSummary has it). */
export interface AnnealingCurve {
  readonly label: string;
  /** Initial temperature and geometric cooling factor: step i ran at t0 · cooling^i. */
  readonly t0: number;
  readonly cooling: number;
  readonly startEnergy: number;
  /** Energy at the end of each temperature step. */
  readonly trace: ArrayLike<number>;
}

/** Step indices to draw of n: every one up to `most`, else evenly spaced ones, always the last. */
function sampledSteps(n: number, most: number): number[] {
  const step = Math.max(1, Math.ceil(n / most));
  const steps: number[] = [];
  for (let i = 0; i < n; i += step) steps.push(i);
  if (n > 0 && steps.at(-1) !== n - 1) steps.push(n - 1);
  return steps;
}

/**
 * The annealing: per restart, the best energy so far (solid, non-increasing) and the energy at
 * the end of each temperature step (light), against the temperature on a log axis, falling from
 * left to right as the run cools. The raw energies of several restarts overlap into a band that
 * cannot be read; the best-so-far curves show which restart found what, and when.
 */
export function annealingSvg(title: string, curves: readonly AnnealingCurve[]): string {
  const logT = (c: AnnealingCurve, i: number) => Math.log10(c.t0) + i * Math.log10(c.cooling);
  const drawn = curves.filter((c) => c.trace.length > 0 && c.t0 > 0);
  if (drawn.length === 0) return frame(title, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="11">no temperature steps</text>`, 'temperature (log)', 'energy E(θ)');
  const hiT = Math.max(...drawn.map((c) => logT(c, 0)));
  const loT = Math.min(...drawn.map((c) => logT(c, c.trace.length - 1)));
  const energies = drawn.flatMap((c) => [c.startEnergy, ...Array.from(c.trace)]);
  const lo = Math.min(...energies);
  const hi = Math.max(...energies);
  const { sy, ticks } = axes(0, 1, lo, hi === lo ? lo + 1 : hi);
  // High temperature on the left: the x axis reads as time.
  const sx = (lt: number) => M.left + ((hiT - lt) / (hiT - loT || 1)) * (W - M.left - M.right);
  const yTicks = ticks.split('</text>').filter((t) => t.includes('text-anchor="end"')).map((t) => t + '</text>').join('');
  const decades: string[] = [];
  for (let d = Math.ceil(loT); d <= Math.floor(hiT); d++) {
    decades.push(`<text x="${sx(d).toFixed(1)}" y="${H - M.bottom + 12}" text-anchor="middle" font-size="9">1e${d}</text>`);
  }
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
  const paths = drawn.map((c, j) => {
    const color = colors[j % colors.length]!;
    const steps = sampledSteps(c.trace.length, 400);
    let best = c.startEnergy;
    const bestSoFar = new Float64Array(c.trace.length);
    for (let i = 0; i < c.trace.length; i++) bestSoFar[i] = best = Math.min(best, c.trace[i]!);
    const point = (i: number, e: number) => `${sx(logT(c, i)).toFixed(1)},${sy(e).toFixed(1)}`;
    const accepted = steps.map((i) => point(i, c.trace[i]!)).join(' ');
    const bestPath = steps.map((i, n) => `${n === 0 ? 'M' : 'L'}${point(i, bestSoFar[i]!)}`).join(' ');
    return `<polyline class="accepted" fill="none" stroke="${color}" stroke-opacity="0.3" stroke-width="0.8" points="${accepted}"/>` +
      `<path class="best-so-far" data-restart="${j}" fill="none" stroke="${color}" stroke-width="1.6" d="${bestPath}"><title>${esc(c.label)}: best ${num(bestSoFar[c.trace.length - 1]!)}</title></path>`;
  }).join('');
  const key = `<text x="${W - M.right - 4}" y="${M.top + 12}" text-anchor="end" font-size="10">solid: best so far · light: energy at each step's end</text>`;
  return frame(title, paths + yTicks + decades.join('') + key, 'temperature (log scale, cooling →)', 'energy E(θ)');
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

export { esc };
