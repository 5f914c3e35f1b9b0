// The worker pool (src/pool/) on annealing restarts: R restarts (different seeds) of the K = 3
// mnist-lenet problem (groups of 20/50/500 channels, the fixture of bench/anneal.mjs) at the
// METHOD.md defaults (c = 0.995, T_min = T₀·1e-4, N = 100·K·L, p_jump = 0.1), run with
// `pool.map` on 2 workers against the same run on 1 worker, measured in the same process, plus
// the serial direct calls on the main thread for reference. Every pooled run must return the
// serial results bit for bit. Workers are started (and warmed) before timing.
// Usage: npm run build && node bench/pool.mjs [--quick] [--restarts R]
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { initKernels, anneal, createPool, hardwareConcurrency } from '../dist/internal.js';
import { table, fmt } from './util.mjs';

const quick = process.argv.includes('--quick');
const restartsArg = process.argv.indexOf('--restarts');
const RESTARTS = restartsArg > 0 ? Number(process.argv[restartsArg + 1]) : quick ? 8 : 16;
const REPS = quick ? 3 : 5;

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** bench/anneal.mjs's mnist-lenet problem: γ polarised as after sparsity training, 5–10 candidates per cell. */
function lenetProblem(mode, seed) {
  const r = rng(seed);
  const K = 3, widths = [20, 50, 500];
  const share = [25 * 576 * 20, 25 * 64 * 20 * 50, 16 * 50 * 500 + 500 * 10];
  const total = share.reduce((s, x) => s + x, 0);
  const gammas = [], candidates = [];
  for (let k = 0; k < K; k++) {
    gammas.push(widths.map((w) => Float32Array.from({ length: w }, () => (r() < 0.45 ? r() * 0.02 : 0.3 + r() * 0.7))));
    candidates.push(widths.map(() => {
      const n = 5 + Math.floor(r() * 6);
      const set = new Set();
      while (set.size < n) set.add(Math.round(r() * 0.2 * 1e4) / 1e4);
      return Float64Array.from([...set].sort((a, b) => a - b));
    }));
  }
  return {
    networks: K,
    groups: widths.map((width, l) => ({ width, minChannels: Math.max(1, Math.ceil(0.05 * width)), weight: share[l] / total })),
    gammas, candidates, mode, alpha: 0.01,
    flops: { constant: 0, linear: [25 * 576, 0, 10], edges: [{ a: 0, b: 1, coef: 25 * 64 }, { a: 1, b: 2, coef: 16 }] },
  };
}

/**
 * Times the runners in turns (A, B, C, A, B, C, ...) after one warm-up each, so that load from
 * other processes drifting during the run falls on all of them alike. Per runner: the median,
 * min and max wall time (ms) and the last result.
 */
async function timeInTurns(runners, reps) {
  const results = runners.map(() => undefined);
  const times = runners.map(() => []);
  for (let i = 0; i < runners.length; i++) results[i] = await runners[i]();
  for (let rep = 0; rep < reps; rep++) {
    for (let i = 0; i < runners.length; i++) {
      const t = performance.now();
      results[i] = await runners[i]();
      times[i].push(performance.now() - t);
    }
  }
  return times.map((ts, i) => {
    ts.sort((a, b) => a - b);
    return { ms: ts[ts.length >> 1], min: ts[0], max: ts[ts.length - 1], result: results[i] };
  });
}

const same = (a, b) =>
  a.length === b.length &&
  a.every((x, i) => x.energy === b[i].energy && x.accepted === b[i].accepted && x.t0 === b[i].t0 &&
    x.best.every((v, j) => v === b[i].best[j]) && x.trace.every((v, j) => Object.is(v, b[i].trace[j])));

await initKernels();
const load = loadavg().map((x) => fmt(x, 1)).join(', ');
const rows = [];
for (const mode of ['width', 'mask']) {
  const problem = lenetProblem(mode, 1);
  const start = new Int32Array(problem.networks * problem.groups.length);
  const jobs = Array.from({ length: RESTARTS }, (_, i) => ({ type: 'anneal', problem, options: { seed: 1 + i, start } }));

  const pools = [createPool({ size: 1 }), createPool({ size: 2 })];
  let serial, pooled;
  try {
    const serialRun = () => jobs.map((job) => anneal(job.problem, job.options));
    [serial, ...pooled] = await timeInTurns([serialRun, () => pools[0].map(jobs), () => pools[1].map(jobs)], REPS);
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  pooled = { 1: pooled[0], 2: pooled[1] };
  const ratio = pooled[1].ms / pooled[2].ms;
  const row = (name, t, vs) => [
    `mnist-lenet (20/50/500), ${mode}`, name, `${fmt(t.ms, 0)} ms (${fmt(t.min, 0)}–${fmt(t.max, 0)})`,
    fmt((RESTARTS * 1e3) / t.ms, 1), vs, same(t.result, serial.result) ? 'yes' : '**NO**',
  ];
  rows.push(row('main thread, serial calls', serial, '—'));
  rows.push(row('pool, 1 worker', pooled[1], '1.00×'));
  rows.push(row('pool, 2 workers', pooled[2], `**${fmt(ratio, 2)}×**`));
  if (!same(pooled[1].result, serial.result) || !same(pooled[2].result, serial.result)) process.exitCode = 1;
}

console.log(`\nAnnealing restarts on the worker pool (K = 3, ${RESTARTS} restarts per run at METHOD.md defaults; median of ${REPS} runs taken in turns after a warm-up, min–max in brackets)\n`);
console.log(table(['problem', 'runner', 'wall time per run', 'restarts/s', '2 workers / 1 worker', 'same results as serial'], rows));
console.log(
  `\nnode ${process.version}, ${hardwareConcurrency()} cores, load average before the run ${load}; ` +
    `command: node bench/pool.mjs${quick ? ' --quick' : ''}${restartsArg > 0 ? ` --restarts ${RESTARTS}` : ''}`,
);
