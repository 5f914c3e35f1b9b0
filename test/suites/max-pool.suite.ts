import { suite, assertBitEqual, assertAllClose, assertThrows, testRng, randomArray } from '../harness.ts';
import {
  initKernels, conv2dGeometry, maxPoolBackprop, maxPoolBackpropReference, inputSize, outputSize, type Conv2DGeometry,
} from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';

/** [x shape, window, stride, padding] */
const CASES: [[number, number, number, number], number, number, 'same' | 'valid'][] = [
  [[2, 8, 8, 5], 2, 2, 'valid'],
  [[1, 7, 9, 4], 3, 2, 'same'],
  [[2, 6, 5, 3], 3, 1, 'same'],
  [[1, 24, 24, 20], 2, 2, 'valid'],
  [[1, 5, 5, 9], 2, 1, 'valid'],
];

function poolGeometry(x: [number, number, number, number], window: number, stride: number, padding: 'same' | 'valid'): Conv2DGeometry {
  return conv2dGeometry(x, [window, window, x[3], x[3]], { strides: stride, padding });
}

export const maxPoolSuite = suite('max-pool gradient', (test) => {
  test('WASM ≡ reference, with ties resolved to the first maximum', async () => {
    await initKernels();
    const rng = testRng(41);
    for (const [xs, window, stride, padding] of CASES) {
      const g = poolGeometry(xs, window, stride, padding);
      // Quantised values make ties common.
      const x = randomArray(inputSize(g), rng).map((v) => Math.round(v * 3) / 3);
      const dy = randomArray(outputSize(g), rng);
      assertBitEqual(maxPoolBackprop(g, x, dy), maxPoolBackpropReference(g, x, dy), `[${xs}] ${window}/${stride} ${padding}`);
    }
  });

  test('reference ≡ tfjs (cpu) max-pool gradient', async () => {
    const tf = await useTfjsBackend('cpu');
    const rng = testRng(42);
    for (const [xs, window, stride, padding] of CASES) {
      const g = poolGeometry(xs, window, stride, padding);
      const x = randomArray(inputSize(g), rng);
      const dy = randomArray(outputSize(g), rng);
      const xt = tf.tensor4d(x, xs);
      const dyt = tf.tensor4d(dy, [g.batch, g.outH, g.outW, g.outC]);
      const dx = tf.grad((a: import('@tensorflow/tfjs-core').Tensor) =>
        tf.sum(tf.mul(tf.maxPool(a as import('@tensorflow/tfjs-core').Tensor4D, window, stride, padding), dyt)))(xt);
      assertAllClose(maxPoolBackpropReference(g, x, dy), dx.dataSync(), {}, `[${xs}] ${window}/${stride} ${padding}`);
      tf.dispose([xt, dyt, dx]);
    }
  });

  test('bad arguments get clear errors', async () => {
    await initKernels();
    const g = poolGeometry([1, 4, 4, 3], 2, 2, 'valid');
    assertThrows(() => maxPoolBackprop(g, new Float32Array(47), new Float32Array(12)), /x has 47 elements, expected 48/);
    assertThrows(() => maxPoolBackprop(g, new Float32Array(48), new Float32Array(13)), /dy has 13 elements, expected 12/);
    const mismatched = conv2dGeometry([1, 4, 4, 3], [2, 2, 3, 5], { strides: 2 });
    assertThrows(() => maxPoolBackprop(mismatched, new Float32Array(48), new Float32Array(20)), /pooling keeps the channels/);
  });
});
