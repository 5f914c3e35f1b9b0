// Forward pooling (assembly/pool.ts, for slimprune/infer): the WASM kernel ≡ its scalar
// reference, bit for bit, on swept shapes ('same' and 'valid', strides 1–3, windows 1–3, channel
// counts around the 4-lane blocks, odd sizes); the reference ≡ tfjs's maxPool / avgPool; bad
// arguments are refused naming the kernel.
import * as tf from '@tensorflow/tfjs-core';
import { suite, assertAllClose, assertBitEqual, assertThrows, randomArray, testRng } from '../harness.ts';
import { useTfjsBackend } from '../tfjs.ts';
import { initKernels, conv2dGeometry, pool2d, pool2dReference, type Conv2DGeometry } from 'slimprune/internal';

interface Shape { x: [number, number, number, number]; window: number; stride: number; padding: 'same' | 'valid' }

function shapes(): Shape[] {
  const rng = testRng(501);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  const list: Shape[] = [];
  for (const padding of ['same', 'valid'] as const) {
    for (const channels of [1, 3, 4, 5, 8, 9]) {
      for (const stride of [1, 2, 3]) {
        const window = pick([1, 2, 3]);
        const h = window + pick([0, 1, 4, 7]);
        list.push({ x: [pick([1, 2]), h, h + pick([0, 1, 2]), channels], window, stride, padding });
      }
    }
  }
  return list;
}

const geometryOf = (s: Shape): Conv2DGeometry =>
  conv2dGeometry(s.x, [s.window, s.window, s.x[3], s.x[3]], { strides: s.stride, padding: s.padding });

export const poolingSuite = suite('pooling forward', (test) => {
  test('WASM ≡ reference, bit for bit, max and average, on swept shapes', async () => {
    await initKernels();
    const rng = testRng(502);
    for (const s of shapes()) {
      const g = geometryOf(s);
      const x = randomArray(s.x.reduce((a, b) => a * b, 1), rng, -3, 3);
      for (const mode of ['max', 'average'] as const) {
        assertBitEqual(pool2d(g, x, mode), pool2dReference(g, x, mode), `${mode} x[${s.x}] window ${s.window} stride ${s.stride} ${s.padding}`);
      }
    }
  });

  test("reference ≡ tfjs's maxPool and avgPool (same windows, padding not counted)", async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(503);
    for (const s of shapes()) {
      const g = geometryOf(s);
      const x = randomArray(s.x.reduce((a, b) => a * b, 1), rng, -3, 3);
      const t = tf.tensor4d(x, s.x);
      const max = tf.maxPool(t, s.window, s.stride, s.padding);
      const avg = tf.avgPool(t, s.window, s.stride, s.padding);
      const what = `x[${s.x}] window ${s.window} stride ${s.stride} ${s.padding}`;
      assertAllClose(pool2dReference(g, x, 'max'), max.dataSync(), { rtol: 0, atol: 0 }, `max ${what}`);
      assertAllClose(pool2dReference(g, x, 'average'), avg.dataSync(), { rtol: 1e-6, atol: 1e-6 }, `average ${what}`);
      tf.dispose([t, max, avg]);
    }
  });

  test('refuses a geometry that changes the channels, a dilated window, a wrong mode or size', async () => {
    await initKernels();
    const g = conv2dGeometry([1, 4, 4, 2], [2, 2, 2, 2], { strides: 2 });
    const x = new Float32Array(32);
    assertThrows(() => pool2d(conv2dGeometry([1, 4, 4, 2], [2, 2, 2, 3]), x, 'max'), /pool2d: pooling keeps the channels/, 'channels');
    assertThrows(() => pool2d(conv2dGeometry([1, 4, 4, 2], [2, 2, 2, 2], { dilations: 2 }), x, 'max'), /pool2d: pooling windows are not dilated/, 'dilation');
    assertThrows(() => pool2d(g, x, 'min' as never), /pool2d: mode must be 'max' or 'average'/, 'mode');
    assertThrows(() => pool2d(g, new Float32Array(31), 'max'), /pool2d/, 'size');
    assertThrows(() => pool2dReference(g, new Float32Array(31), 'max'), /pool2dReference/, 'size (reference)');
  });
});
