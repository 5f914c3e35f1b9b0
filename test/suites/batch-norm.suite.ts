// BatchNorm's normalization behind our FusedBatchNorm on 'wasm': WASM ≡ the scalar specification,
// bit for bit, and the specification ≡ tfjs's batchNorm.
import { suite, assertAllClose, assertBitEqual, assertThrows, testRng, randomArray } from '../harness.ts';
import { initKernels, batchNorm, batchNormReference } from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';

const SHAPES: [number, number][] = [[1, 1], [3, 7], [5, 4], [9, 13], [64, 500], [64 * 8 * 8, 50], [2 * 24 * 24, 20]];

export const batchNormSuite = suite('BatchNorm normalization', (test) => {
  test('WASM ≡ reference (bit for bit) ≡ tfjs batchNorm', async () => {
    await initKernels();
    const tf = await useTfjsBackend('cpu');
    const rng = testRng(55);
    for (const [rows, cols] of SHAPES) {
      const x = randomArray(rows * cols, rng, -3, 3);
      const p = {
        mean: randomArray(cols, rng), variance: randomArray(cols, rng, 0, 2), offset: randomArray(cols, rng),
        scale: randomArray(cols, rng, 0, 1), epsilon: 1e-3,
      };
      const want = batchNormReference(x, rows, cols, p);
      assertBitEqual(batchNorm(x, rows, cols, p), want, `wasm [${rows}, ${cols}]`);
      const oracle = tf.batchNorm(tf.tensor2d(x, [rows, cols]), p.mean, p.variance, p.offset, p.scale, p.epsilon);
      assertAllClose(want, oracle.dataSync(), { rtol: 1e-5, atol: 1e-5 }, `reference [${rows}, ${cols}] vs tfjs`);
      oracle.dispose();
    }
  });

  test('bad arguments get clear errors', async () => {
    await initKernels();
    const x = new Float32Array(6);
    const p = { mean: new Float32Array(3), variance: new Float32Array(3), offset: new Float32Array(3), scale: new Float32Array(3), epsilon: 1e-3 };
    assertThrows(() => batchNorm(x, 3, 3, p), /x has 6 elements, expected 9/);
    assertThrows(() => batchNorm(x, 3, 2, p), /mean has 3 elements, expected 2/);
    assertThrows(() => batchNorm(x, 2, 3, { ...p, epsilon: -1 }), /epsilon must be a finite number >= 0, got -1/);
    assertThrows(() => batchNorm(x, 2, 3, p, new Float32Array(5)), /out has 5 elements, expected 6/);
  });
});
