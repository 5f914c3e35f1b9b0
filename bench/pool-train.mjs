// Two mnist-lenet sparsity trainings as 'train' jobs on a pool of 2 workers, against the same two
// run one after the other on a pool of 1 worker, in turns; results must be identical.
// Usage: node bench/pool-train.mjs [images per network] [epochs] [rounds]
import { createPool, resolveConfig, sparsityRecipe } from '../dist/internal.js';
import { table } from './util.mjs';

const images = Number(process.argv[2] ?? 8000);
const epochs = Number(process.argv[3] ?? 1);
const rounds = Number(process.argv[4] ?? 2);
const config = resolveConfig({ task: 'mnist-lenet', method: 'contrast-sa', networks: 2, epochs, seed: 1 });
const jobs = [0, 1].map((k) => ({
  type: 'train',
  config,
  network: k,
  indices: Int32Array.from({ length: images }, (_, i) => k * images + i),
  recipe: sparsityRecipe('mnist-lenet', 'polarization', { epochs }),
}));

async function wall(size) {
  const pool = createPool({ size });
  try {
    await pool.run({ type: 'anneal', problem: { networks: 2, groups: [{ width: 2, minChannels: 1, weight: 1 }], gammas: [[Float32Array.of(0.1, 0.9)], [Float32Array.of(0.2, 0.8)]], candidates: [[[0.5]], [[0.5]]], mode: 'width', alpha: 0.01, flops: { constant: 1, linear: [1], edges: [] } }, options: { seed: 1, start: Int32Array.of(0, 0) } });
    const t0 = performance.now();
    const results = await pool.map(jobs.map((j) => ({ ...j, indices: j.indices.slice() })));
    return { ms: performance.now() - t0, digest: results.map((r) => r.weights[0].values.slice(0, 4).join(',')).join('|') };
  } finally {
    await pool.close();
  }
}

const one = [];
const two = [];
let same = true;
for (let r = 0; r < rounds; r++) {
  const a = await wall(1);
  const b = await wall(2);
  one.push(a.ms);
  two.push(b.ms);
  same &&= a.digest === b.digest;
}
const median = (xs) => xs.slice().sort((x, y) => x - y)[Math.floor(xs.length / 2)];
console.log(`### Two mnist-lenet trainings (${images} images, ${epochs} epoch each) on the pool (\`node bench/pool-train.mjs ${images} ${epochs} ${rounds}\`)\n`);
console.log(table(['runner', 'wall time (median)', 'speed-up', 'same weights'], [
  ['pool, 1 worker (one after the other)', `${(median(one) / 1000).toFixed(1)} s`, '1.00×', '—'],
  ['pool, 2 workers', `${(median(two) / 1000).toFixed(1)} s`, `**${(median(one) / median(two)).toFixed(2)}×**`, same ? 'yes' : 'NO'],
]));
