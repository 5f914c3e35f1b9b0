// Shared helpers for the benchmarks: medians of repeated timings and markdown tables.
import { performance } from 'node:perf_hooks';

/** Median wall time (ms) of `reps` runs of fn after `warmup` runs. */
export async function medianMs(fn, { reps = 7, warmup = 2, minTotalMs = 0 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  const start = performance.now();
  while (times.length < reps || performance.now() - start < minTotalMs) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function seededArray(n, seed) {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export const fmt = (x, digits = 1) => x.toFixed(digits);

/**
 * The latency benchmarks' pruning: a random half (at least one) of each group's channels, seeded
 * (`keepBitsetFromIndices` and `Xoshiro128` from dist/internal.js, passed in so this file
 * imports nothing of the build).
 */
export function halfMasks(graph, seed, { keepBitsetFromIndices, Xoshiro128 }) {
  const rng = new Xoshiro128(seed);
  return graph.groups.map((g) => {
    const order = Array.from({ length: g.width }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return keepBitsetFromIndices(g.width, order.slice(0, Math.max(1, Math.round(g.width / 2))).sort((a, b) => a - b));
  });
}

/** The latency benchmarks' flags: --tasks, --reps, --rounds, --seed. */
export const LATENCY_OPTIONS = {
  tasks: { type: 'string', default: 'mnist-lenet,cifar-vgg,cifar-resnet' },
  reps: { type: 'string', default: '15' }, rounds: { type: 'string', default: '3' }, seed: { type: 'string', default: '1' },
};

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
