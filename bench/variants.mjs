// Variants of the method on networks sparsity-trained once (METHOD.md §3–§8): each variant is a
// prune() configuration; networks with identical inputs come from the network cache, so a
// variant of selection or fine-tuning costs only its own selection, compaction and fine-tuning.
// Prints one markdown row per variant (as RESULTS.md's tables) and appends its metrics as a JSON
// line to --jsonl.
//
//   npm run build
//   node bench/variants.mjs --task mnist-lenet --budget full --cache runs/networks \
//     method=contrast-sa  method=contrast-sa,structureFrom=full,alpha=0.1  method=polarization
//
// A variant is key=value pairs of PruneConfig, comma-separated; numbers are numbers, and
// candidates.source=histogram sets a nested option. --budget quick|full is the CLI's budget
// (default full); --workers N trains missing networks on N workers (default 2).
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { prune, loadTaskData, folderNetworkCache, networkJobs, trainNetworks, resolveConfig } from '../dist/internal.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    task: { type: 'string', default: 'mnist-lenet' },
    budget: { type: 'string', default: 'full' },
    cache: { type: 'string', default: 'runs/networks' },
    workers: { type: 'string', default: '2' },
    data: { type: 'string' },
    jsonl: { type: 'string' },
  },
});
const BUDGETS = { quick: { trainImages: 30_000, epochs: 3, fineTuneEpochs: 1, restarts: 4 }, full: {} };
if (!(args.budget in BUDGETS)) throw new Error(`--budget must be quick or full, got ${args.budget}`);
if (positionals.length === 0) throw new Error('name at least one variant, e.g. method=contrast-sa,structureFrom=full');

function parseVariant(text) {
  const config = {};
  for (const pair of text.split(',')) {
    const [key, raw] = pair.split('=');
    if (!key || raw === undefined) throw new Error(`variant '${text}': '${pair}' is not key=value`);
    const value = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    const [outer, inner] = key.split('.');
    if (inner) config[outer] = { ...config[outer], [inner]: value };
    else config[outer] = value;
  }
  return config;
}

const base = { ...BUDGETS[args.budget], task: args.task, workers: Number(args.workers), ...(args.data && { dataSource: args.data }) };
const variants = positionals.map((v) => ({ label: v, config: { ...base, ...parseVariant(v) } }));
const data = await loadTaskData(args.task, args.data);
const cache = folderNetworkCache(args.cache);

// Every missing network of every variant in one pass over the pool.
const jobs = variants.flatMap((v) => networkJobs(resolveConfig(v.config), data));
const t0 = performance.now();
for (const n of await trainNetworks(data, jobs, {
  workers: Number(args.workers), cache,
  onProgress: (k, p) => p.batch === p.batches && process.stderr.write(`network ${k + 1}/${jobs.length} epoch ${p.epoch + 1}/${p.epochs}\n`),
})) n.model.dispose();
process.stderr.write(`networks ready in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

const pct = (x) => `${(100 * x).toFixed(2)}%`;
console.log('| variant | acc. before | after compaction | after fine-tuning | channels kept | params | FLOPs | latency b1 / b64 (unpruned) | deployed b1 / b64 (unpruned) | fine-tune curve | seconds |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const v of variants) {
  const started = performance.now();
  const run = await prune(v.config, { data, cache });
  const m = run.metrics;
  console.log(
    `| ${v.label} | ${pct(m.before.accuracy)} | ${pct(m.afterCompaction.accuracy)} | **${pct(m.after.accuracy)}** | ` +
      `${m.groups.map((g) => g.kept).join(' / ')} | ${m.after.params.toLocaleString('en')} (${((100 * m.after.params) / m.before.params).toFixed(1)}%) | ` +
      `${m.after.flops.toLocaleString('en')} (${((100 * m.after.flops) / m.before.flops).toFixed(1)}%) | ` +
      `${m.after.latencyBatch1Ms.toFixed(2)} / ${m.after.latencyBatch64Ms.toFixed(1)} ms (${m.before.latencyBatch1Ms.toFixed(2)} / ${m.before.latencyBatch64Ms.toFixed(1)}) | ` +
      `${m.after.fusedLatencyBatch1Ms.toFixed(2)} / ${m.after.fusedLatencyBatch64Ms.toFixed(1)} ms (${m.before.fusedLatencyBatch1Ms.toFixed(2)} / ${m.before.fusedLatencyBatch64Ms.toFixed(1)}) | ` +
      `${m.fineTuneAccuracy.map(pct).join(' → ')} | ${((performance.now() - started) / 1000).toFixed(0)} |`,
  );
  if (args.jsonl) appendFileSync(args.jsonl, JSON.stringify({ variant: v.label, budget: args.budget, ...m }) + '\n');
  run.model.dispose();
}
