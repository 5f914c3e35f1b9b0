import {
  suite, assert, assertAllClose, assertBitEqual, assertDeepEqual, assertThrows, testRng, randomArray,
} from '../harness.ts';
import {
  initKernels, maskChannels, gatherChannels, maskChannelsReference, gatherChannelsReference,
  keepBitsetFromIndices, keepIndicesFromBitset, channelView,
} from 'slimprune/internal';
import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from '../tfjs.ts';

/** Named keep sets over n channels: single (first, last, middle), all, a run, sparse, random. */
function keepSets(n: number, rng: () => number): [string, number[]][] {
  const all = Array.from({ length: n }, (_, c) => c);
  const sets: [string, number[]][] = [
    ['first', [0]],
    ['last', [n - 1]],
    ['single', [Math.floor(rng() * n)]],
    ['all', all],
    ['run', all.slice(Math.floor(n / 4), Math.max(Math.floor(n / 4) + 1, Math.floor((3 * n) / 4)))],
    ['every third', all.filter((c) => c % 3 === 1 || n === 1)],
  ];
  for (let r = 0; r < 2; r++) {
    const random = all.filter(() => rng() < 0.5);
    sets.push([`random ${r}`, random.length > 0 ? random : [n - 1]]);
  }
  return sets;
}

/** Random data with the values whose masking is easy to get wrong: NaN, −0, ±Infinity. */
function trickyArray(length: number, rng: () => number): Float32Array {
  const x = randomArray(length, rng);
  const special = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < length; i += 7) x[i] = special[(i / 7) % special.length]!;
  return x;
}

const SHAPE_SWEEP = (() => {
  const shapes: [number, number, number][] = [];
  let i = 0;
  for (const inner of [1, 3, 4, 5, 17]) {
    for (const axisLen of [1, 7, 20, 33, 50]) shapes.push([[1, 3, 2][i++ % 3]!, axisLen, inner]);
  }
  return shapes;
})();

/** Rank-1 to rank-4 tensors the pruner compacts, with the axis it prunes (see assembly/channel_mask.ts). */
const REAL_SHAPES: [string, number[], number][] = [
  ['BN vector', [20], 0],
  ['HWIO filter, out channels', [3, 3, 5, 20], -1],
  ['HWIO filter, in channels', [3, 3, 20, 7], 2],
  ['dense weight rows', [50, 17], 0],
  ['dense weight columns', [50, 17], 1],
  ['flatten rows [H·W, C, out]', [4, 4, 7, 9], 2],
  ['rank 3, middle axis', [2, 7, 3], 1],
];

export const channelMaskSuite = suite('channel masks', (test) => {
  test('WASM mask and gather ≡ reference (bit for bit) on swept [outer, axisLen, inner]', async () => {
    await initKernels();
    const rng = testRng(11);
    for (const shape of SHAPE_SWEEP) {
      const x = trickyArray(shape[0] * shape[1] * shape[2], rng);
      for (const [name, keep] of keepSets(shape[1], rng)) {
        const what = `[${shape}] keep ${name} (${keep.length}/${shape[1]})`;
        const bits = keepBitsetFromIndices(shape[1], keep);
        const before = x.slice();
        assertBitEqual(maskChannels(x, shape, 1, bits), maskChannelsReference(x, shape, 1, bits), `mask ${what}`);
        const idx = Int32Array.from(keep);
        assertBitEqual(gatherChannels(x, shape, 1, idx), gatherChannelsReference(x, shape, 1, idx), `gather ${what}`);
        assertBitEqual(x, before, `input left unchanged ${what}`);
      }
      // An all-clear mask is allowed: every element becomes +0.
      const none = new Uint32Array(Math.ceil(shape[1] / 32));
      const zeroed = maskChannels(x, shape, 1, none);
      assert(zeroed.every((v) => Object.is(v, 0)), `all-clear mask gives +0 everywhere for [${shape}]`);
      // Masks padded to whole v128s (assembly/bitset.ts) are accepted as they are.
      const keep = keepSets(shape[1], rng).at(-1)![1];
      const padded = new Uint32Array(4 * Math.ceil(shape[1] / 128));
      padded.set(keepBitsetFromIndices(shape[1], keep));
      assertBitEqual(maskChannels(x, shape, 1, padded), maskChannelsReference(x, shape, 1, padded), `padded mask [${shape}]`);
    }
  });

  test('reference ≡ tfjs (cpu): gather = tf.gather(x, idx, axis), mask = x · broadcast mask', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(12);
    for (const [label, shape, axis] of REAL_SHAPES) {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = randomArray(n, rng);
      const a = axis < 0 ? axis + shape.length : axis;
      const axisLen = shape[a]!;
      const xt = tf.tensor(x, shape);
      for (const [name, keep] of keepSets(axisLen, rng)) {
        const what = `${label} [${shape}] axis ${axis} keep ${name}`;
        const idx = tf.tensor1d(keep, 'int32');
        const gathered = tf.gather(xt, idx, a);
        assertBitEqual(gatherChannelsReference(x, shape, axis, keep), gathered.dataSync(), `gather ${what}`);
        const m = new Float32Array(axisLen);
        for (const c of keep) m[c] = 1;
        const mt = tf.tensor(m, shape.map((d, i) => (i === a ? d : 1)));
        const masked = tf.mul(xt, mt);
        const bits = keepBitsetFromIndices(axisLen, keep);
        // allclose, not bit-equal: x·0 is −0 for negative x where the mask writes +0.
        assertAllClose(maskChannelsReference(x, shape, axis, bits), masked.dataSync(), { rtol: 0, atol: 0 }, `mask ${what}`);
        tf.dispose([idx, gathered, mt, masked]);
      }
      xt.dispose();
    }
  });

  test('mask then gather = gather on kept channels, +0 on pruned ones', async () => {
    await initKernels();
    const rng = testRng(13);
    for (const [label, shape, axis] of REAL_SHAPES) {
      const x = trickyArray(shape.reduce((a, b) => a * b, 1), rng);
      const axisLen = shape[axis < 0 ? axis + shape.length : axis]!;
      for (const [name, keep] of keepSets(axisLen, rng)) {
        const what = `${label} keep ${name}`;
        const bits = keepBitsetFromIndices(axisLen, keep);
        const masked = maskChannels(x, shape, axis, bits);
        assertBitEqual(gatherChannels(masked, shape, axis, keep), gatherChannels(x, shape, axis, keep), `kept slices ${what}`);
        const pruned = Array.from({ length: axisLen }, (_, c) => c).filter((c) => !keep.includes(c));
        if (pruned.length > 0) {
          const rest = gatherChannels(masked, shape, axis, pruned);
          assert(rest.every((v) => Object.is(v, 0)), `pruned slices are +0 after masking, ${what}`);
        }
      }
    }
  });

  test('bitset helpers: LSB-first words, round trip, channel view', () => {
    const bits = keepBitsetFromIndices(40, [0, 5, 31, 32, 39]);
    assertDeepEqual(Array.from(bits), [(1 | (1 << 5) | (1 << 31)) >>> 0, 1 | (1 << 7)], 'bitset words');
    assertDeepEqual(Array.from(keepIndicesFromBitset(40, bits)), [0, 5, 31, 32, 39], 'indices back');
    assertDeepEqual(Array.from(keepIndicesFromBitset(3, new Uint32Array(1))), [], 'empty keep set from a clear bitset');
    assertDeepEqual(channelView([3, 3, 5, 20], -1), { outer: 45, axisLen: 20, inner: 1 }, 'HWIO out-channel view');
    assertDeepEqual(channelView([3, 3, 20, 7], 2), { outer: 9, axisLen: 20, inner: 7 }, 'HWIO in-channel view');
  });

  test('bad arguments get clear errors', async () => {
    await initKernels();
    const x = new Float32Array(3 * 20);
    const shape = [3, 20];
    const bits = keepBitsetFromIndices(20, [1, 2]);
    assertThrows(() => gatherChannels(x, shape, 1, []), /keep is empty; compaction must keep at least one channel/);
    assertThrows(() => gatherChannels(x, shape, 1, [3, 3]), /keep\[1\] = 3 does not follow keep\[0\] = 3.*strictly ascending/);
    assertThrows(() => gatherChannels(x, shape, 1, [4, 2]), /keep\[1\] = 2 does not follow keep\[0\] = 4/);
    assertThrows(() => gatherChannels(x, shape, 1, [0, 20]), /keep\[1\] = 20 is outside \[0, 20\)/);
    assertThrows(() => gatherChannels(x, shape, 1, [-1]), /keep\[0\] = -1 is outside/);
    assertThrows(() => gatherChannels(x, shape, 1, [1.5]), /keep\[0\] is 1.5, not an integer/);
    assertThrows(() => gatherChannels(x, shape, 1, new Float32Array([1]) as unknown as Int32Array), /keep must be an Int32Array or an array of integers.*got Float32Array/);
    assertThrows(() => gatherChannels(x, shape, 2, [0]), /axis must be an integer in \[-2, 2\) for a rank-2 shape, got 2/);
    assertThrows(() => gatherChannels(x, shape, 0.5, [0]), /axis must be an integer/);
    assertThrows(() => gatherChannels(x, [3, -20], 1, [0]), /shape must be one or more positive integers, got \[3, -20\]/);
    assertThrows(() => gatherChannels(x, [3, 2.5], 1, [0]), /shape must be one or more positive integers/);
    assertThrows(() => gatherChannels(x, [], 0, [0]), /shape must be one or more positive integers/);
    assertThrows(() => gatherChannels(x.subarray(1), shape, 1, [0]), /x has 59 elements, expected 60/);
    assertThrows(() => gatherChannels(new Float64Array(60) as unknown as Float32Array, shape, 1, [0]), /x must be a Float32Array, got Float64Array/);
    assertThrows(() => maskChannels(x, shape, 1, Int32Array.from([1]) as unknown as Uint32Array), /keep must be a Uint32Array bitset.*got Int32Array/);
    assertThrows(() => maskChannels(new Float32Array(120), [3, 40], 1, new Uint32Array(1)), /keep has 1 words, expected 2 \(ceil\(40 \/ 32\)\)/);
    assertThrows(() => maskChannels(x, shape, 1, Uint32Array.of(1, 0, 4, 0)), /keep has bit 66 set but the axis has only 20 channels/);
    assertThrows(() => maskChannels(x, shape, 1, Uint32Array.of(1 << 21)), /keep has bit 21 set but the axis has only 20 channels/);
    assertThrows(() => maskChannels(x, shape, -1, bits.subarray(0, 0)), /keep has 0 words, expected 1/);
    assertThrows(() => keepIndicesFromBitset(20, Uint32Array.of(1 << 20)), /keep has bit 20 set/);
    assertThrows(() => maskChannelsReference(x.subarray(2), shape, 1, bits), /x has 58 elements, expected 60/);
    assertThrows(() => keepBitsetFromIndices(0, []), /axisLen must be a positive integer/);
  });
});
