// The elementwise kernels of slimprune/infer (assembly/elementwise.ts): add_f32 with and without
// its fused ReLU, and relu_f32, ≡ their scalar references bit for bit on swept lengths (around the
// 4-lane blocks, so the scalar tail runs) with special values among the inputs (±0, NaN, ±∞,
// subnormals), computed apart and in place (out = a, out = b, out = x); the references ≡ tfjs's
// add and relu; bad arguments are refused naming the kernel.
import * as tf from '@tensorflow/tfjs-core';
import { suite, assertAllClose, assertBitEqual, assertThrows, randomArray, testRng } from '../harness.ts';
import { useTfjsBackend } from '../tfjs.ts';
import { initKernels, add, addReference, relu, reluReference } from 'slimprune/internal';

const LENGTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 1023] as const;
const SPECIAL = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-45, -1e-45, 1e-39, 3.4e38, -3.4e38];

/** Random values in ±3 with a special value at about one place in five. */
function inputs(n: number, rng: () => number, specials: boolean): Float32Array {
  const x = randomArray(n, rng, -3, 3);
  if (specials) for (let i = 0; i < n; i++) if (rng() < 0.2) x[i] = SPECIAL[Math.floor(rng() * SPECIAL.length)]!;
  return x;
}

export const elementwiseSuite = suite('elementwise kernels', (test) => {
  test('add_f32 (with and without its ReLU) and relu_f32 ≡ reference, bit for bit, on swept lengths', async () => {
    await initKernels();
    const rng = testRng(601);
    for (const n of LENGTHS) {
      const a = inputs(n, rng, true);
      const b = inputs(n, rng, true);
      for (const fused of [false, true]) assertBitEqual(add(a, b, fused), addReference(a, b, fused), `add n=${n} relu=${fused}`);
      assertBitEqual(relu(a), reluReference(a), `relu n=${n}`);
    }
  });

  test('in place: out = a, out = b and out = x give the same bits, and leave the other input alone', async () => {
    await initKernels();
    const rng = testRng(602);
    for (const n of LENGTHS) {
      const a = inputs(n, rng, true);
      const b = inputs(n, rng, true);
      for (const fused of [false, true]) {
        const want = addReference(a, b, fused);
        const [aBefore, bBefore] = [a.slice(), b.slice()];
        const overA = a.slice();
        assertBitEqual(add(overA, b, fused, overA), want, `add into a, n=${n} relu=${fused}`);
        assertBitEqual(overA, want, `a after add into a, n=${n}`);
        assertBitEqual(b, bBefore, `b after add into a, n=${n}`);
        const overB = b.slice();
        add(a, overB, fused, overB);
        assertBitEqual(overB, want, `b after add into b, n=${n} relu=${fused}`);
        assertBitEqual(a, aBefore, `a after add into b, n=${n}`);
        const both = a.slice();
        assertBitEqual(add(both, both, fused, both), addReference(a, a, fused), `a + a into a, n=${n} relu=${fused}`);
      }
      const x = a.slice();
      relu(x, x);
      assertBitEqual(x, reluReference(a), `relu in place, n=${n}`);
      const into = new Float32Array(n);
      add(a, b, false, into);
      assertBitEqual(into, addReference(a, b), `add into a third array, n=${n}`);
    }
  });

  test("reference ≡ tfjs's add and relu", async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(603);
    for (const n of LENGTHS.filter((m) => m > 0)) {
      const a = inputs(n, rng, false);
      const b = inputs(n, rng, false);
      const [sum, rectified, both] = tf.tidy(() => {
        const s = tf.add(tf.tensor1d(a), tf.tensor1d(b));
        return [s.dataSync(), tf.relu(tf.tensor1d(a)).dataSync(), tf.relu(s).dataSync()];
      });
      assertAllClose(addReference(a, b), sum!, { rtol: 0, atol: 0 }, `add n=${n}`);
      assertAllClose(reluReference(a), rectified!, { rtol: 0, atol: 0 }, `relu n=${n}`);
      assertAllClose(addReference(a, b, true), both!, { rtol: 0, atol: 0 }, `add + relu n=${n}`);
    }
  });

  test('refuses inputs of different lengths, arrays that are not Float32Array, a relu flag that is not a boolean', async () => {
    await initKernels();
    const x = new Float32Array(5);
    assertThrows(() => add(x, new Float32Array(4)), /add: b has 4 elements, expected 5/, 'lengths');
    assertThrows(() => add(x, x, false, new Float32Array(6)), /add: out has 6 elements, expected 5/, 'out length');
    assertThrows(() => add([1, 2] as unknown as Float32Array, x), /add: a must be a Float32Array, got Array/, 'a plain array');
    assertThrows(() => add(x, x, 1 as unknown as boolean), /add: relu must be true or false/, 'relu flag');
    assertThrows(() => relu(new Float64Array(3) as unknown as Float32Array), /relu: x must be a Float32Array, got Float64Array/, 'relu of doubles');
    assertThrows(() => addReference(x, new Float32Array(4)), /addReference: b has 4 elements/, 'lengths (reference)');
    assertThrows(() => reluReference(x, new Float32Array(4)), /reluReference: out has 4 elements/, 'out length (reference)');
  });
});
