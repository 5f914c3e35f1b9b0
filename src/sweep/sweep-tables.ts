/**
 * A sweep's summary as markdown, one section per task: every cell (a failed one with its error),
 * mean ± sd per method and target, each method's cost per seed, the paired differences with their
 * intervals, and the Pareto-optimal method per FLOPs band. The same data is table.json.
 */
import type { CellResult } from './cell-result.ts';
import { targetText } from './grid.ts';
import type { PairedInterval } from './statistics.ts';
import type { SweepSummary } from './summary.ts';

const pct = (x: number, digits = 2) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '—');
const pts = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(3)}` : '—');
const pm = (s: { mean: number; sd: number }, digits = 2) => `${pct(s.mean, digits)} ± ${Number.isFinite(s.sd) ? (100 * s.sd).toFixed(digits) : '—'}`;
const num = (s: { mean: number; sd: number }, digits: number) => `${s.mean.toFixed(digits)} ± ${Number.isFinite(s.sd) ? s.sd.toFixed(digits) : '—'}`;
const cellText = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
// A cell without a λ of its own has the grid base's (the recipe's, unless base sets one).
const lambdaText = (l: number | null) => (l === null ? 'base' : String(l));

function cellRow(c: CellResult): string {
  const o = c.outcome;
  const where = `${c.execution.worker}, ${c.execution.seconds.toFixed(0)} s`;
  if (c.status === 'failed' || !o) {
    return `| ${c.cell.method} | ${targetText(c.cell.target)} | ${lambdaText(c.cell.lambda)} | ${c.cell.seed} | failed: ${cellText(c.error ?? 'unknown error')} | | | | | ${where} |`;
  }
  return `| ${c.cell.method} | ${targetText(c.cell.target)} | ${lambdaText(c.cell.lambda)} | ${c.cell.seed} | ${pct(o.accuracy)} | ${pct(o.compactAccuracy)} | ` +
    `${pct(o.flops, 1)} | ${pct(o.params, 1)} | ${o.widths.join(' / ')} | ${where} |`;
}

/** Cells by method name, target, λ and seed, so that a method's seeds are rows together. */
function byPlace(a: CellResult, b: CellResult): number {
  return (a.cell.method === b.cell.method ? 0 : a.cell.method < b.cell.method ? -1 : 1) ||
    targetText(a.cell.target).localeCompare(targetText(b.cell.target)) || (a.cell.lambda ?? -Infinity) - (b.cell.lambda ?? -Infinity) || a.cell.seed - b.cell.seed;
}

function interval(p: PairedInterval): string {
  return `${pts(p.meanDifference)} [${pts(p.low)}, ${pts(p.high)}]`;
}

export function sweepMarkdown(summary: SweepSummary): string {
  const tasks = [...new Set(summary.cells.map((c) => JSON.stringify([c.cell.task, c.cell.model])))].map((k) => JSON.parse(k) as [string, string | null]);
  const out: string[] = [
    `# Sweep: ${summary.counts.done} cells done, ${summary.counts.failed} failed, of ${summary.counts.total}` +
      (summary.counts.pending > 0 ? ` (${summary.counts.pending} not run yet: this is the sweep so far)` : ''), '',
    'Accuracy is test accuracy after fine-tuning; FLOPs and params are the fractions of the unpruned model kept. ' +
      'Paired differences are method a minus method b at the same seed, in points (percentage points) of accuracy and of FLOPs kept, ' +
      'with the 95% paired t interval (Student t with n − 1 degrees of freedom on the per-seed differences) and the exact two-sided sign test.', '',
  ];
  for (const [task, model] of tasks) {
    const mine = <T extends { task: string; model: string | null }>(xs: readonly T[]) => xs.filter((x) => x.task === task && x.model === model);
    out.push(`## ${task}${model === null ? '' : ` · ${model}`}`, '', '### Every cell', '',
      '| method | target | λ | seed | accuracy | after compaction | FLOPs | params | widths | ran on |', '|---|---|---|---|---|---|---|---|---|---|',
      ...summary.cells.filter((c) => c.cell.task === task && c.cell.model === model).sort(byPlace).map(cellRow), '',
      '### Per method, over seeds (mean ± sd)', '', '| method | target | λ | seeds | accuracy | FLOPs | params | failed |', '|---|---|---|---|---|---|---|---|',
      ...mine(summary.methods).map((m) => `| ${m.method} | ${m.target} | ${lambdaText(m.lambda)} | ${m.seeds.length} | ${pm(m.accuracy)} | ${pm(m.flops, 1)} | ${pm(m.params, 1)} | ${m.failed} |`), '');
    const costs = mine(summary.costs);
    if (costs.length > 0) {
      out.push('### Cost per seed (every target of a method at one seed)', '',
        "Wall seconds of a method's cells at one seed, summed over its targets, and the networks they trained (mean ± sd over the seeds whose cells all ran; a network one cell trained serves the method's other cells from the cache).", '',
        '| method | λ | cells per seed | seeds | seconds per seed | networks trained per seed |', '|---|---|---|---|---|---|',
        ...costs.map((c) => `| ${c.method} | ${lambdaText(c.lambda)} | ${c.cellsPerSeed} | ${c.seeds.length} | ${num(c.secondsPerSeed, 0)} | ${num(c.networksPerSeed, 1)} |`), '');
    }
    const paired = mine(summary.paired);
    if (paired.length > 0) {
      out.push('### Paired differences at the same seed (a − b)', '', '| a | b | target | λ | seeds | accuracy, points [95% CI] | a > b / a < b / ties, sign-test p | FLOPs kept, points [95% CI] |', '|---|---|---|---|---|---|---|---|',
        ...paired.map((p) => `| ${p.a} | ${p.b} | ${p.target} | ${lambdaText(p.lambda)} | ${p.seeds.length} | ${interval(p.accuracy)} | ` +
          `${p.accuracy.positive} / ${p.accuracy.negative} / ${p.accuracy.ties}, p = ${p.accuracy.signTestP.toPrecision(3)} | ${interval(p.flops)} |`), '');
    }
    out.push('### Pareto-optimal per FLOPs band', '',
      'Means over the seeds every method of the band has (each method\'s own where they share none).', '',
      '| band | λ | seeds | Pareto front (by mean accuracy) | most accurate on the front |', '|---|---|---|---|---|',
      ...mine(summary.pareto).map((b) => `| ${b.band} | ${lambdaText(b.lambda)} | ${b.seeds.length > 0 ? b.seeds.join(', ') : 'none shared'} | ${b.front.join(', ')} | ` +
        `**${b.best}**${b.missing.length > 0 ? ` (so far: no result yet for ${b.missing.join(', ')})` : ''} |`), '');
  }
  return out.join('\n');
}
