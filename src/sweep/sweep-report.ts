/**
 * The sweep's report.html: self-contained (inline SVG, no script), per task the accuracy against
 * FLOPs kept of every method and target, each point the mean over seeds with ±1 sd bars both ways,
 * the Pareto front over all of them dashed, and the tables of sweep-tables.ts.
 */
import { errorBarScatterSvg } from '../report/scatter-svg.ts';
import { esc } from '../report/svg.ts';
import { sweepMarkdown } from './sweep-tables.ts';
import type { MethodSummary, SweepSummary } from './summary.ts';

function paretoFront(points: readonly MethodSummary[]): MethodSummary[] {
  return points.filter((m) => !points.some((o) => o !== m && o.accuracy.mean >= m.accuracy.mean && o.flops.mean <= m.flops.mean &&
    (o.accuracy.mean > m.accuracy.mean || o.flops.mean < m.flops.mean)));
}

/** The markdown tables as HTML tables (the only markdown they use: headings, pipes, bold). */
function markdownToHtml(md: string): string {
  const out: string[] = [];
  let inTable = false;
  const inline = (s: string) => esc(s).replace(/\*\*(.+?)\*\*/g, '<b>$1</b>');
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      if (/^\|[-|]+\|$/.test(line)) continue;
      const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => inline(c.trim().replace(/\\\|/g, '|')));
      out.push(inTable ? `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>` : `<table><tr>${cells.map((c) => `<th>${c}</th>`).join('')}</tr>`);
      inTable = true;
      continue;
    }
    if (inTable) out.push('</table>');
    inTable = false;
    const h = /^(#+) (.*)$/.exec(line);
    if (h) out.push(`<h${h[1]!.length}>${inline(h[2]!)}</h${h[1]!.length}>`);
    else if (line.trim() !== '') out.push(`<p>${inline(line)}</p>`);
  }
  if (inTable) out.push('</table>');
  return out.join('\n');
}

export function sweepReportHtml(summary: SweepSummary): string {
  const plots = [...new Set(summary.methods.map((m) => JSON.stringify([m.task, m.model])))].map((key) => {
    const [task, model] = JSON.parse(key) as [string, string | null];
    const mine = summary.methods.filter((m) => m.task === task && m.model === model && m.seeds.length > 0);
    const byMethod = new Map<string, MethodSummary[]>();
    for (const m of mine) byMethod.set(m.method, [...(byMethod.get(m.method) ?? []), m]);
    const series = [...byMethod].map(([label, ms]) => ({
      label,
      points: ms.map((m) => ({
        x: 100 * m.flops.mean, y: 100 * m.accuracy.mean, xError: 100 * m.flops.sd, yError: 100 * m.accuracy.sd,
        label: `${m.target}${m.lambda === null ? '' : `, λ = ${m.lambda}`}: ${(100 * m.accuracy.mean).toFixed(2)}% at ${(100 * m.flops.mean).toFixed(1)}% FLOPs (${m.seeds.length} seeds)`,
      })),
    }));
    const front = paretoFront(mine).map((m) => ({ x: 100 * m.flops.mean, y: 100 * m.accuracy.mean }));
    const title = `${task}${model === null ? '' : ` · ${model}`}: accuracy vs FLOPs, mean ± sd over seeds`;
    return series.length === 0 ? '' : `<h2>${esc(title)}</h2>` + errorBarScatterSvg(title, series, front, 'FLOPs kept (%)', 'test accuracy (%)');
  }).join('\n');
  // The sweep's heading (cells done, failed, of how many) first, then the plots, then the tables.
  const [heading = '', ...tables] = sweepMarkdown(summary).split('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>slimprune sweep</title><style>` +
    'body{font:14px system-ui,sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}' +
    `</style></head><body>${markdownToHtml(heading)}\n${plots}\n${markdownToHtml(tables.join('\n'))}</body></html>\n`;
}
