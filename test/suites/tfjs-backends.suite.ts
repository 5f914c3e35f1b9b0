import { suite, assertAllClose, assertEqual, testRng, randomArray } from '../harness.ts';
import { useTfjsBackend } from '../tfjs.ts';

export const tfjsBackendsSuite = suite('tfjs backends', (test) => {
  test("conv2d agrees on 'cpu' and 'wasm'", async () => {
    const rng = testRng(5);
    const xShape: [number, number, number, number] = [2, 9, 7, 5];
    const fShape: [number, number, number, number] = [3, 3, 5, 6];
    const x = randomArray(2 * 9 * 7 * 5, rng);
    const f = randomArray(3 * 3 * 5 * 6, rng);
    const results: Record<string, Float32Array> = {};
    for (const name of ['wasm', 'cpu'] as const) {
      const tf = await useTfjsBackend(name);
      assertEqual(tf.getBackend(), name, 'active backend');
      const y = tf.tidy(() => tf.conv2d(tf.tensor4d(x, xShape), tf.tensor4d(f, fShape), [2, 1], 'same'));
      results[name] = (await y.data()) as Float32Array;
      assertEqual(y.shape.join('x'), '2x5x7x6', 'output shape');
      y.dispose();
    }
    // Ends on 'cpu', the backend the other suites' oracles expect.
    assertAllClose(results.wasm!, results.cpu!, { rtol: 1e-5 }, 'wasm vs cpu conv2d');
  });
});
