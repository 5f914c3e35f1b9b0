import { suite, assertBitEqual, assertThrows, testRng, randomArray } from '../harness.ts';
import { initKernels, tile, tileReference } from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';

const CASES: [number[], number[]][] = [
  [[5], [3]],
  [[1, 1, 1, 7], [4, 3, 2, 1]],
  [[2, 3], [1, 1]],
  [[2, 3], [3, 2]],
  [[3, 1, 2], [2, 5, 3]],
  [[1, 2, 1, 3, 1], [2, 1, 3, 1, 2]],
];

export const tileSuite = suite('tile', (test) => {
  test('WASM ≡ reference ≡ tfjs tile', async () => {
    await initKernels();
    const tf = await useTfjsBackend('cpu');
    const rng = testRng(21);
    for (const [shape, reps] of CASES) {
      const x = randomArray(shape.reduce((a, b) => a * b, 1), rng);
      const expected = tf.tile(tf.tensor(x, shape), reps);
      assertBitEqual(tileReference(x, shape, reps), expected.dataSync(), `reference [${shape}] × [${reps}]`);
      assertBitEqual(tile(x, shape, reps), expected.dataSync(), `wasm [${shape}] × [${reps}]`);
      expected.dispose();
    }
  });

  test('bad arguments get clear errors', async () => {
    await initKernels();
    const x = new Float32Array(6);
    assertThrows(() => tile(x, [2, 3], [2]), /reps has 1 entries for a rank-2 tensor/);
    assertThrows(() => tile(x, [2, 3], [0, 1]), /reps\[0\] must be a positive integer/);
    assertThrows(() => tile(x, [2, -3], [1, 1]), /shape\[1\] must be a positive integer/);
    assertThrows(() => tile(x, [2, 4], [1, 1]), /x has 6 elements, expected 8/);
    assertThrows(() => tile(x, [1, 1, 1, 1, 1, 1, 1, 1, 6], new Array(9).fill(1)), /rank must be 1..8/);
    assertThrows(() => tile(x, [2, 3], [2, 1], new Float32Array(5)), /out has 5 elements, expected 12/);
  });
});
