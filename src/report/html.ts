/**
 * The self-contained report of a run (report.html): the figures of METHOD.md §9 and the plots
 * people would rather look at — each group's γ histogram with its candidates and the chosen
 * threshold, the annealing energy over temperature steps, widths per layer before and after.
 */
import type { PruneMetrics, PruneRun, RunSettings } from './run.ts';
import { annealingSvg, esc, gammaHistogramSvg, widthsSvg } from './svg.ts';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => `${x.toFixed(2)} ms`;

/** Rows of the methods table: this run, plus any other runs given (e.g. the baselines). */
export function methodsTable(runs: readonly PruneRun[]): string {
  const head = ['method', 'acc. before', 'after compaction', 'after fine-tune', 'channels kept', 'params', 'FLOPs (MACs)', 'weights', 'gzip', 'batch 1', 'batch 64', 'deployed¹ batch 1', 'deployed¹ batch 64'];
  const first = runs[0]!.metrics;
  const rows = [
    ['unpruned (network used)', pct(first.before.accuracy), '—', '—', `${first.channels.total}`, int(first.before.params), int(first.before.flops),
      int(first.before.weightBytes), int(first.before.gzipBytes), ms(first.before.latencyBatch1Ms), ms(first.before.latencyBatch64Ms),
      ms(first.before.fusedLatencyBatch1Ms), ms(first.before.fusedLatencyBatch64Ms)],
    ...runs.map((r) => {
      const m = r.metrics;
      return [methodLabel(r), pct(m.before.accuracy), pct(m.afterCompaction.accuracy), pct(m.after.accuracy), `${m.channels.kept} / ${m.channels.total}`,
        `${int(m.after.params)} (${pct(m.after.params / m.before.params)})`, `${int(m.after.flops)} (${pct(m.after.flops / m.before.flops)})`,
        int(m.after.weightBytes), int(m.after.gzipBytes), ms(m.after.latencyBatch1Ms), ms(m.after.latencyBatch64Ms),
        ms(m.after.fusedLatencyBatch1Ms), ms(m.after.fusedLatencyBatch64Ms)];
    }),
  ];
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('') + '</tbody></table>' +
    '<p>¹ Deployed: BatchNorm folded into the layer before it and ReLU fused into it (fuseBatchNorm), the form one ships; same outputs.</p>';
}

function methodLabel(r: PruneRun): string {
  const m = r.metrics;
  return m.method === 'contrast-sa' ? `contrast-sa (${STRUCTURE_LABELS[m.config.structureFrom]})` : m.method;
}

const STRUCTURE_LABELS: Record<string, string> = {
  'k-star': 'network k*',
  full: "k*'s widths on a full-set network",
  joint: 'full-set network annealed with the K',
};

/** How the compact model was fine-tuned, in words (the config's fine-tuning options). */
export function fineTuneLabel(c: RunSettings): string {
  if (c.fineTuneEpochs === 0) return 'no fine-tuning';
  const parts = [`${c.fineTuneEpochs} fine-tuning epoch${c.fineTuneEpochs === 1 ? '' : 's'}`];
  if (c.fineTuneLearningRate !== undefined) parts.push(`from learning rate ${c.fineTuneLearningRate}`);
  if (c.fadeEpochs > 0) parts.push(`the pruned channels fading out over the first ${c.fadeEpochs}`);
  if (c.distill) parts.push(`distilled from the network before compaction (T = ${c.distill.temperature}, w = ${c.distill.weight})`);
  return parts.join(', ');
}

export function reportHtml(run: PruneRun, others: readonly PruneRun[] = []): string {
  const m = run.metrics;
  const d = run.decision;
  const k = d.network;
  const histograms = run.graph.groups
    .map((g, l) => gammaHistogramSvg(
      `${g.producers.join('+')} (${g.width} → ${m.groups[l]!.kept})`,
      d.importance[k]![l]!,
      d.candidates?.[k]?.[l]?.thresholds ?? [],
      d.thresholds[l],
    ))
    .join('\n');
  const annealing = d.selection
    ? annealingSvg('annealing energy', d.selection.restarts.map((r, i) => ({ label: `restart ${i + 1} (seed ${r.seed})`, ...r })))
    : '<p>No annealing: this method thresholds each network directly.</p>';
  const widths = widthsSvg('widths per group', m.groups.map((g) => ({ name: g.layers.join('+'), before: g.width, after: g.kept })));
  const warned = [run, ...others].flatMap((r) => r.metrics.warnings.map((w) => (others.length === 0 ? w : `${methodLabel(r)}: ${w}`)));
  const warnings = warned.length === 0 ? '' : `<h2>Warnings</h2>\n<ul>${warned.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>\n`;
  const stages = Object.entries(m.stageSeconds).map(([s, t]) => `<tr><td>${esc(s)}</td><td>${(t ?? 0).toFixed(1)} s</td></tr>`).join('');
  const networks = m.networksTrained.map((n, i) =>
    `<tr><td>${i + 1}${i === k ? ' (kept)' : ''}</td><td>${int(n.images)}</td><td>${pct(n.testAccuracy)}</td><td>${n.seconds.toFixed(1)} s${n.cached ? " (earlier run, from the network cache)" : ""}</td>` +
    `<td>${pct(n.polarization.zero)} near 0, ${pct(n.polarization.between)} between${n.polarization.separated ? '' : ' (not separated)'}</td></tr>`).join('');
  const subject = m.task ?? m.data.description;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>slimprune: ${esc(subject)} / ${esc(m.method)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:8px}code{background:#f3f3f3;padding:1px 4px}
</style></head><body>
<h1>${esc(subject)} pruned with ${esc(m.method)}</h1>
<p>Runtime ${esc(m.runtime)}; seed ${m.seeds.run}; ${m.config.networks} network(s), ${esc(m.config.sampling)} samples;
${esc(fineTuneLabel(m.config))}. All figures were measured in this run.</p>
${warnings}${dataSection(m)}<h2>Methods</h2>
${methodsTable([run, ...others])}${targetSection(m)}
<h2>Accuracy per class</h2>
${classTable(m)}
<h2>Widths per group</h2>
${widths}
<h2>γ histograms of the network whose thresholds were chosen (dashed: candidates, red: chosen threshold)</h2>
<div class="grid">${histograms}</div>
<h2>Annealing</h2>
${annealing}
<h2>Networks trained</h2>
<table><thead><tr><th>network</th><th>images</th><th>test accuracy</th><th>time</th><th>polarization</th></tr></thead><tbody>${networks}</tbody></table>
<h2>Stages</h2>
<table><tbody>${stages}</tbody></table>
<h2>Configuration</h2>
<pre>${esc(JSON.stringify(m.config, null, 2))}</pre>
</body></html>
`;
}

function dataSection(m: PruneMetrics): string {
  const d = m.data;
  return `<h2>Data</h2>
<p><code>${esc(d.description)}</code>: ${int(d.trainImages)} training and ${int(d.testImages)} test images of ${d.shape.join(' × ')} (height × width × channels),
${d.classNames.length} classes: ${d.classNames.map(esc).join(', ')}.${m.pretrained ? ` The model as given scored ${pct(m.pretrained.accuracy)} on the test images before anything changed it.` : ''}</p>
`;
}

function targetSection(m: PruneMetrics): string {
  const t = m.target;
  if (!t) return '';
  const [[what, value]] = Object.entries(t.requested) as [[string, number]];
  const show = (x: number) => (what === 'latencyMs' ? `${x.toFixed(2)} ms` : pct(x));
  return `\n<p>Target: ${esc(what === 'latencyMs' ? 'batch-1 latency' : `${what} kept`)} ${show(value)}; reached ${show(t.reached)} ` +
    `(${t.relativeError >= 0 ? '+' : ''}${(100 * t.relativeError).toFixed(1)}% of the target) by ${esc(t.how)}.</p>`;
}

function classTable(m: PruneMetrics): string {
  const cell = (x: number | null | undefined) => (x === null || x === undefined ? '–' : pct(x));
  const rows = m.data.classNames.map((name, c) =>
    `<tr><td>${c}: ${esc(name)}</td>${m.pretrained ? `<td>${cell(m.pretrained.classAccuracy[c])}</td>` : ''}` +
    `<td>${cell(m.classAccuracy.before[c])}</td><td>${cell(m.classAccuracy.after[c])}</td></tr>`).join('');
  return `<table><thead><tr><th>class</th>${m.pretrained ? '<th>model as given</th>' : ''}<th>before pruning</th><th>after fine-tuning</th></tr></thead><tbody>${rows}</tbody></table>`;
}
