// Training throughput of LeNet-5-BN (mnist-lenet, batch 64): ours against PyTorch CPU measured in
// the same run, on the same machine, in alternating rounds (medians over rounds).
//   ours:    a plain tfjs step and our sparsity trainer's step, tfjs-backend-wasm + our kernels,
//            one thread, and the trainer with its convolutions on two kernel threads;
//   PyTorch: bench/pytorch-lenet.py (the same network, plain and polarization steps) at 1 and 2
//            threads, run by the interpreter given (Debian: apt-get install python3-torch
//            libopenblas0-pthread, then /usr/bin/python3; without OpenBLAS, Debian's torch does its
//            dense layers with the reference BLAS).
// Usage: npm run build && node bench/train-vs-pytorch.mjs [--python /usr/bin/python3] [--steps 20] [--rounds 5]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../dist/internal.js';
import { plainStepImagesPerSecond, trainerStepImagesPerSecond } from './lenet-steps.mjs';
import { table } from './util.mjs';

const { values } = parseArgs({
  options: { python: { type: 'string', default: 'python3' }, steps: { type: 'string', default: '20' }, rounds: { type: 'string', default: '5' } },
});
const steps = Number(values.steps);
const rounds = Number(values.rounds);

const probe = spawnSync(values.python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.error(`${values.python} cannot import torch (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}).\n` +
    'Install PyTorch for it (Debian: apt-get install python3-torch libopenblas0-pthread, interpreter /usr/bin/python3) or pass --python.');
  process.exit(2);
}

async function oursImagesPerSecond() {
  return {
    plain: await plainStepImagesPerSecond(steps),
    polarization: await trainerStepImagesPerSecond(steps),
    polarization2: await trainerStepImagesPerSecond(steps, { threads: 2 }),
  };
}

/** One process per thread count: OpenBLAS and OpenMP read their thread counts at start. */
function pytorchImagesPerSecond(threads) {
  const script = new URL('./pytorch-lenet.py', import.meta.url).pathname;
  const r = spawnSync(values.python, [script, '--steps', String(steps), '--rounds', '1', '--threads', String(threads)], {
    encoding: 'utf8',
    env: {
      ...process.env,
      OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads),
      // glibc hands PyTorch's large per-step buffers back to the kernel (mmap/munmap, trim) and
      // faults them in again next step: on this host that made PyTorch's rate vary 3× between
      // rounds (881–3,042 images/s). Keeping them in the heap makes it steady at its best.
      MALLOC_MMAP_THRESHOLD_: String(2 ** 32), MALLOC_TRIM_THRESHOLD_: String(2 ** 32), MALLOC_TOP_PAD_: String(2 ** 29),
    },
  });
  if (r.status !== 0) throw new Error(`bench/pytorch-lenet.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout).imagesPerSecond;
}

await tf.setBackend('wasm');
await registerWasmKernels();
const samples = {};
const add = (key, v) => (samples[key] ??= []).push(v);
for (let round = 0; round < rounds; round++) {
  const ours = await oursImagesPerSecond();
  add('ours plain/1', ours.plain);
  add('ours polarization/1', ours.polarization);
  add('ours polarization/2', ours.polarization2);
  for (const threads of [1, 2]) {
    for (const [key, v] of Object.entries(pytorchImagesPerSecond(threads))) add(`pytorch ${key}`, v);
  }
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const name = {
  'ours plain/1': 'ours: plain tfjs step, wasm + our kernels, 1 thread',
  'ours polarization/1': 'ours: sparsity trainer (wd + polarization + clamp), 1 thread',
  'ours polarization/2': 'ours: sparsity trainer, convolutions on 2 kernel threads',
  'pytorch plain/1': 'PyTorch: plain step, 1 thread',
  'pytorch polarization/1': 'PyTorch: polarization step, 1 thread',
  'pytorch plain/2': 'PyTorch: plain step, 2 threads',
  'pytorch polarization/2': 'PyTorch: polarization step, 2 threads',
};
const trainer = m['ours polarization/1'];
console.log(`### mnist-lenet training, batch 64: ours and PyTorch ${probe.stdout.trim()} in one run (medians of ${rounds} rounds of ${steps} steps)\n`);
const range = (k) => `${Math.min(...samples[k]).toFixed(0)}–${Math.max(...samples[k]).toFixed(0)}`;
const trainer2 = m['ours polarization/2'];
console.log(table(['path', 'images/s (median)', 'range over rounds', 'our trainer (1 thread) vs this', 'our trainer (2 threads) vs this'], Object.keys(name).map((k) => [
  name[k], m[k].toFixed(0), range(k), `${(trainer / m[k]).toFixed(2)}×`, `${(trainer2 / m[k]).toFixed(2)}×`,
])));
