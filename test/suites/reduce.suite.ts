// The column reduction behind our Sum and Mean on 'wasm': WASM ≡ the scalar specification, bit
// for bit (the same f32 additions in the same order), and the specification ≡ tfjs's sum/mean.
import { suite, assertAllClose, assertBitEqual, assertThrows, testRng, randomArray } from '../harness.ts';
import { initKernels, reduceRows, reduceRowsReference } from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';

// [rows, cols]: vector columns, scalar tails, a single row or column, BatchNorm's shapes.
const SHAPES: [number, number][] = [
  [1, 1], [1, 7], [9, 1], [5, 3], [6, 4], [7, 5], [3, 13], [64, 10], [64 * 24 * 24, 20], [64 * 8 * 8, 50], [64, 500],
];

export const reduceSuite = suite('column reduction (Sum, Mean)', (test) => {
  test('WASM ≡ reference (bit for bit) ≡ tfjs sum and mean over the leading axes', async () => {
    await initKernels();
    const tf = await useTfjsBackend('cpu');
    const rng = testRng(33);
    for (const [rows, cols] of SHAPES) {
      const x = randomArray(rows * cols, rng, -2, 3);
      for (const mean of [false, true]) {
        const what = `${mean ? 'mean' : 'sum'} [${rows}, ${cols}]`;
        const want = reduceRowsReference(x, rows, cols, mean);
        assertBitEqual(reduceRows(x, rows, cols, mean), want, `wasm ${what}`);
        const t = tf.tensor2d(x, [rows, cols]);
        const oracle = (mean ? tf.mean(t, 0) : tf.sum(t, 0));
        // tfjs-backend-cpu adds in float64 and rounds once: the f32 partial sums differ by rounding.
        assertAllClose(want, oracle.dataSync(), { rtol: 1e-4, atol: 1e-4 * Math.sqrt(rows) }, `reference ${what} vs tfjs`);
        tf.dispose([t, oracle]);
      }
    }
  });

  test('bad arguments get clear errors', async () => {
    await initKernels();
    const x = new Float32Array(6);
    assertThrows(() => reduceRows(x, 0, 6), /rows must be an integer >= 1, got 0/);
    assertThrows(() => reduceRows(x, 2, 1.5), /cols must be an integer >= 1, got 1.5/);
    assertThrows(() => reduceRows(x, 2, 4), /x has 6 elements, expected 8/);
    assertThrows(() => reduceRows(x, 2, 3, false, new Float32Array(2)), /out has 2 elements, expected 3/);
  });
});
