// The annealing inner loop (METHOD.md §5–§6): moves per second of the WebAssembly kernel
// (assembly/anneal.ts: per-candidate bitsets, SIMD XOR/popcount, integer contrast sums) against
// the readable TypeScript reference (src/kernels/reference/anneal.ts, which rebuilds the touched
// mask from γ on every move), on the same problems and options in the same process; both must
// return the same result, which the table checks. Plus the wall time of one WASM restart at the
// METHOD.md defaults (c = 0.995, T_min = T₀·1e-4, N = 100·K·L, p_jump = 0.1).
// Usage: npm run build && node bench/anneal.mjs [--quick]
import { performance } from 'node:perf_hooks';
import { initKernels, anneal, annealReference } from '../dist/internal.js';
import { table, fmt } from './util.mjs';

const quick = process.argv.includes('--quick');
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

/**
 * K = 3 networks of one architecture. γ polarised as after sparsity training (METHOD.md §2: ~45%
 * near 0, the rest in [0.3, 1]); 5–10 ascending candidate thresholds below the 0.2 cap per
 * (network, group); contrast weights = each group's share of the FLOPs.
 */
function makeProblem(name, widths, flops, mode, seed) {
  const r = rng(seed);
  const K = 3;
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
  const share = flops.share;
  const total = share.reduce((s, x) => s + x, 0);
  const groups = widths.map((width, l) => ({
    width, minChannels: Math.max(1, Math.ceil(0.05 * width)), weight: share[l] / total,
  }));
  return { name, problem: { networks: K, groups, gammas, candidates, mode, alpha: 0.01, flops: flops.model } };
}

// mnist-lenet (METHOD.md §10): conv5×5 1→20 (24×24), conv5×5 20→50 (8×8), dense 800→500, dense 500→10.
const LENET = {
  widths: [20, 50, 500],
  flops: {
    model: { constant: 0, linear: [25 * 576, 0, 10], edges: [{ a: 0, b: 1, coef: 25 * 64 }, { a: 1, b: 2, coef: 16 }] },
    share: [25 * 576 * 20, 25 * 64 * 20 * 50, 16 * 50 * 500 + 500 * 10],
  },
};

// cifar-vgg: VGG-11-BN at half width, conv3×3 same, outputs 32,16,8,8,4,4,2,2 px, dense 256→10.
const VGG_WIDTHS = [32, 64, 128, 128, 256, 256, 256, 256];
const VGG_SIDE = [32, 16, 8, 8, 4, 4, 2, 2];
const VGG = {
  widths: VGG_WIDTHS,
  flops: {
    model: {
      constant: 0,
      linear: VGG_WIDTHS.map((_, l) => (l === 0 ? 27 * 1024 : l === 7 ? 10 : 0)),
      edges: VGG_WIDTHS.slice(1).map((_, i) => ({ a: i, b: i + 1, coef: 9 * VGG_SIDE[i + 1] ** 2 })),
    },
    share: VGG_WIDTHS.map((w, l) => (l === 0 ? 27 * 1024 * w : 9 * VGG_SIDE[l] ** 2 * VGG_WIDTHS[l - 1] * w) + (l === 7 ? 10 * w : 0)),
  },
};

/** Median of `reps` timed runs (after `warmup`), returning [median ms, last result]. */
function timeRuns(fn, reps, warmup, minTotalMs = 0) {
  let result;
  for (let i = 0; i < warmup; i++) result = fn();
  const times = [];
  const start = performance.now();
  while (times.length < reps || performance.now() - start < minTotalMs) {
    const t = performance.now();
    result = fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return [times[times.length >> 1], result];
}

await initKernels();
const cases = [];
for (const mode of ['width', 'mask']) {
  cases.push(makeProblem('mnist-lenet (20/50/500)', LENET.widths, LENET.flops, mode, 1));
  cases.push(makeProblem('cifar-vgg (8 groups, 32–256)', VGG.widths, VGG.flops, mode, 2));
}

const rows = [];
for (const { name, problem } of cases) {
  const K = problem.networks, L = problem.groups.length;
  const start = new Int32Array(K * L);
  // The same options for both: a short schedule so that the reference finishes in seconds.
  const options = { seed: 1, start, cooling: 0.95, movesPerTemperature: 10 * K * L };
  const [refMs, ref] = timeRuns(() => annealReference(problem, options), REPS, 1);
  const [wasmMs, ours] = timeRuns(() => anneal(problem, options), Math.max(REPS, 15), 3, 300);
  const same = ours.energy === ref.energy && ours.accepted === ref.accepted && ours.best.every((v, i) => v === ref.best[i]);
  const [fullMs, full] = timeRuns(() => anneal(problem, { seed: 1, start }), REPS, 1);
  const refRate = ref.moves / (refMs / 1e3);
  const wasmRate = ours.moves / (wasmMs / 1e3);
  rows.push([
    name, problem.mode, String(ours.moves), fmt(refRate / 1e3, 1), fmt(wasmRate / 1e6, 2), `${fmt(wasmRate / refRate, 0)}×`,
    same ? 'yes' : '**NO**', `${fmt(fullMs, 0)} ms (${fmt(full.moves / 1e6, 2)} M moves)`,
  ]);
  if (!same) process.exitCode = 1;
}

console.log(`\nAnnealing moves per second (K = 3; median of ${REPS}+ runs; ${quick ? 'quick' : 'full'} mode)\n`);
console.log(table(
  ['problem', 'contrast', 'moves/run', 'reference (k moves/s)', 'WASM (M moves/s)', 'WASM / ref', 'same result', 'one WASM restart at METHOD defaults'],
  rows,
));
console.log(`\nnode ${process.version}, command: node bench/anneal.mjs${quick ? ' --quick' : ''}`);
