// Channel masking and compaction (METHOD.md §8): our AssemblyScript kernels against tfjs's gather
// (the same compaction, tf.gather(x, idx, axis)) and a broadcast multiply (the same mask) on
// tfjs-backend-wasm and tfjs-backend-cpu, in the same process. Times include the copies in and
// out on both sides (our wrapper's arena copies; tfjs's dataSync).
// Usage: node bench/channels.mjs [--quick]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { initKernels, maskChannels, gatherChannels, keepBitsetFromIndices } from '../dist/internal.js';
import { medianMs, table, seededArray, fmt } from './util.mjs';

const quick = process.argv.includes('--quick');

// [label, shape, axis]: the tensors compaction touches, about half the channels kept at random.
const SHAPES = [
  ['conv filter HWIO, out channels (inner 1)', [3, 3, 128, 256], 3],
  ['conv filter HWIO, in channels (inner 256)', [3, 3, 256, 256], 2],
  ['dense rows behind a flatten [H·W, C, out]', [16, 256, 500], 1],
  ['BN vector', [256], 0],
  ['activations NHWC b64 8×8×128, channels (inner 1)', [64, 8, 8, 128], 3],
];

await initKernels();
const rows = [];
for (const [label, shape, axis] of quick ? SHAPES.slice(0, 2) : SHAPES) {
  const n = shape.reduce((a, b) => a * b, 1);
  const axisLen = shape[axis];
  const x = seededArray(n, 1);
  const r = seededArray(axisLen, 2);
  const keep = [];
  for (let c = 0; c < axisLen; c++) if (r[c] > 0) keep.push(c);
  const idx = Int32Array.from(keep);
  const bits = keepBitsetFromIndices(axisLen, idx);
  const opts = { reps: quick ? 5 : 15, warmup: 3 };
  const oursGather = await medianMs(() => gatherChannels(x, shape, axis, idx), opts);
  const oursMask = await medianMs(() => maskChannels(x, shape, axis, bits), opts);
  const timeTf = async (backend) => {
    await tf.setBackend(backend);
    await tf.ready();
    const xt = tf.tensor(x, shape);
    const it = tf.tensor1d(idx, 'int32');
    const m = new Float32Array(axisLen);
    for (const c of keep) m[c] = 1;
    const mt = tf.tensor(m, shape.map((d, i) => (i === axis ? d : 1)));
    const run = (fn) => medianMs(() => {
      const y = fn();
      y.dataSync();
      y.dispose();
    }, opts);
    const gather = await run(() => tf.gather(xt, it, axis));
    const mask = await run(() => tf.mul(xt, mt));
    tf.dispose([xt, it, mt]);
    return { gather, mask };
  };
  const wasm = await timeTf('wasm');
  const cpu = await timeTf('cpu');
  const us = (ms) => fmt(ms * 1e3, 0);
  rows.push([
    `${label} [${shape}] keep ${keep.length}/${axisLen}`,
    us(oursGather), us(wasm.gather), us(cpu.gather), `**${fmt(wasm.gather / oursGather, 1)}×**`,
    us(oursMask), us(wasm.mask), us(cpu.mask), `**${fmt(wasm.mask / oursMask, 1)}×**`,
  ]);
}
console.log('### Channel compaction and masking, µs (median)\n');
console.log(table([
  'tensor', 'ours gather', 'tfjs-wasm gather', 'tfjs-cpu gather', 'ours / tfjs-wasm',
  'ours mask', 'tfjs-wasm mul', 'tfjs-cpu mul', 'ours / tfjs-wasm',
], rows));
