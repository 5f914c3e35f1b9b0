import { suite, assert, assertAllClose, assertThrows, testRng, randomArray } from '../harness.ts';
import {
  initKernels, depthwiseConv2dGeometry, depthwiseConv2d, depthwiseConv2dBackpropInput,
  depthwiseConv2dBackpropFilter, depthwiseConv2dReference, depthwiseConv2dBackpropInputReference,
  depthwiseConv2dBackpropFilterReference, inputSize, outputSize, depthwiseFilterSize,
  type Conv2DOptions, type Conv2DGeometry,
} from 'slimprune/internal';
import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from '../tfjs.ts';
// tfjs-core alone registers no gradients; slimprune imports the tfjs umbrella package, which does.

interface Shape {
  x: [number, number, number, number];
  /** [kh, kw, inC, channel multiplier] */
  f: [number, number, number, number];
  opts: Conv2DOptions;
}

/**
 * Swept shapes: odd spatial sizes; channel counts (inC·multiplier) not divisible by 4 so the
 * scalar tail runs, and above 16 so the 16-channel blocks run; multiplier 1 and 2 (and 3); every
 * padding mode; stride 2; dilation 2, also together with stride 2 (which tfjs refuses, so those
 * shapes are checked against the adjoint identity only).
 */
function sweptShapes(): Shape[] {
  const shapes: Shape[] = [];
  const rng = testRng(21);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const paddings: Conv2DOptions['padding'][] = ['same', 'valid', 1, [[0, 2], [1, 0]]];
  for (const k of [1, 3, 5]) {
    for (const stride of [1, 2]) {
      for (const padding of paddings) {
        const mult = pick([1, 2]);
        const inC = pick([1, 3, 5, 9, 17]);
        const dilation = k === 3 && rng() < 0.4 ? 2 : 1;
        shapes.push({ x: [pick([1, 2]), pick([5, 7, 9]), pick([6, 7, 11]), inC], f: [k, k, inC, mult], opts: { strides: stride, padding, dilations: dilation } });
      }
    }
  }
  shapes.push({ x: [1, 8, 9, 4], f: [3, 1, 4, 3], opts: { strides: [2, 1], padding: 'same' } });
  shapes.push({ x: [2, 13, 13, 20], f: [3, 3, 20, 1], opts: { padding: 'same' } });
  shapes.push({ x: [1, 9, 9, 6], f: [3, 3, 6, 2], opts: { strides: 2, dilations: 2, padding: 'same' } });
  // More output pixels (576) than one filter-gradient chunk holds (16384 / 40 = 409 for 40 channels).
  shapes.push({ x: [1, 24, 24, 20], f: [3, 3, 20, 2], opts: { padding: 'same' } });
  return shapes;
}

const describe = (s: Shape, g: Conv2DGeometry) =>
  `x[${s.x}] f[${s.f}] ${JSON.stringify(s.opts)} → out ${g.outH}×${g.outW}×${g.outC}`;

function tfPadding(opts: Conv2DOptions): 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]] {
  const p = opts.padding ?? 'valid';
  if (p === 'same' || p === 'valid' || typeof p === 'number') return p;
  const [[t, b], [l, r]] = p;
  return [[0, 0], [t, b], [l, r], [0, 0]];
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export const depthwiseConv2dSuite = suite('depthwise conv2d', (test) => {
  test('WASM forward and both gradients ≡ reference on swept shapes', async () => {
    await initKernels();
    const rng = testRng(22);
    for (const s of sweptShapes()) {
      const g = depthwiseConv2dGeometry(s.x, s.f, s.opts);
      const x = randomArray(inputSize(g), rng);
      const f = randomArray(depthwiseFilterSize(g), rng);
      const dy = randomArray(outputSize(g), rng);
      const what = describe(s, g);
      assertAllClose(depthwiseConv2d(g, x, f), depthwiseConv2dReference(g, x, f), {}, `forward ${what}`);
      assertAllClose(depthwiseConv2dBackpropInput(g, dy, f), depthwiseConv2dBackpropInputReference(g, dy, f), {}, `dx ${what}`);
      assertAllClose(depthwiseConv2dBackpropFilter(g, x, dy), depthwiseConv2dBackpropFilterReference(g, x, dy), {}, `dfilter ${what}`);
    }
  });

  test('reference ≡ tfjs (cpu) depthwiseConv2d and tf.grads of it', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(23);
    let gradients = 0;
    for (const s of sweptShapes()) {
      const g = depthwiseConv2dGeometry(s.x, s.f, s.opts);
      // tfjs refuses stride > 1 together with dilation > 1 (forward and gradients).
      if ((g.strideH > 1 || g.strideW > 1) && (g.dilationH > 1 || g.dilationW > 1)) continue;
      const x = randomArray(inputSize(g), rng);
      const f = randomArray(depthwiseFilterSize(g), rng);
      const dy = randomArray(outputSize(g), rng);
      const strides: [number, number] = [g.strideH, g.strideW];
      const dilations: [number, number] = [g.dilationH, g.dilationW];
      const pad = tfPadding(s.opts);
      const xt = tf.tensor4d(x, s.x);
      const ft = tf.tensor4d(f, s.f);
      const dyt = tf.tensor4d(dy, [g.batch, g.outH, g.outW, g.outC]);
      const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.depthwiseConv2d(a, b, strides, pad, 'NHWC', dilations);
      const y = conv(xt, ft);
      const what = describe(s, g);
      assertAllClose(depthwiseConv2dReference(g, x, f), y.dataSync(), {}, `tfjs forward ${what}`);
      // tfjs has no gradient for dilated depthwiseConv2d; the adjoint test below covers those.
      if (g.dilationH === 1 && g.dilationW === 1) {
        const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a as tf.Tensor4D, b as tf.Tensor4D))([xt, ft], dyt);
        assertAllClose(depthwiseConv2dBackpropInputReference(g, dy, f), dx!.dataSync(), {}, `tfjs dx ${what}`);
        assertAllClose(depthwiseConv2dBackpropFilterReference(g, x, dy), df!.dataSync(), {}, `tfjs dfilter ${what}`);
        tf.dispose([dx!, df!]);
        gradients++;
      }
      tf.dispose([xt, ft, dyt, y]);
    }
    assert(gradients >= 15, `compared gradients on ${gradients} shapes`);
  });

  test('gradients are the adjoints of the forward pass (covers dilation with stride 2)', async () => {
    await initKernels();
    const rng = testRng(24);
    // <dy, conv(x, f)> = <dx(dy, f), x> = <df(x, dy), f>: linear in x and in f.
    for (const s of sweptShapes()) {
      const g = depthwiseConv2dGeometry(s.x, s.f, s.opts);
      const x = randomArray(inputSize(g), rng);
      const f = randomArray(depthwiseFilterSize(g), rng);
      const dy = randomArray(outputSize(g), rng);
      const y = depthwiseConv2dReference(g, x, f);
      const lhs = dot(dy, y);
      const viaInput = dot(depthwiseConv2dBackpropInputReference(g, dy, f), x);
      const viaFilter = dot(depthwiseConv2dBackpropFilterReference(g, x, dy), f);
      const tol = 1e-4 * (1 + Math.abs(lhs));
      assert(Math.abs(viaInput - lhs) <= tol, `<dx, x> = ${viaInput}, <dy, y> = ${lhs} for ${describe(s, g)}`);
      assert(Math.abs(viaFilter - lhs) <= tol, `<df, f> = ${viaFilter}, <dy, y> = ${lhs} for ${describe(s, g)}`);
    }
  });

  test('bad arguments get clear errors', async () => {
    await initKernels();
    assertThrows(() => depthwiseConv2dGeometry([1, 5, 5, 3], [3, 3, 4, 2]), /depthwiseConv2d: the filter takes 4 input channels but the input has 3/);
    assertThrows(() => depthwiseConv2dGeometry([1, 5, 5, 3], [3, 3, 3, 0]), /filter shape must be 4 positive integers \(height, width, in channels, channel multiplier\)/);
    assertThrows(() => depthwiseConv2dGeometry([1, 5, -5, 3], [3, 3, 3, 1]), /input shape must be 4 positive integers/);
    assertThrows(() => depthwiseConv2dGeometry([1, 2, 2, 3], [3, 3, 3, 1]), /depthwiseConv2d: a 3×3 \(dilated\) filter does not fit a 2×2 input/);
    assertThrows(() => depthwiseConv2dGeometry([1, 5, 5, 3], [3, 3, 3, 1], { strides: [1, 0] }), /strides must be positive integers/);
    assertThrows(() => depthwiseConv2dGeometry([1, 5, 5, 3], [3, 3, 3, 1], { padding: [[1, -1], [0, 0]] }), /explicit padding must be non-negative integers/);
    const g = depthwiseConv2dGeometry([1, 5, 5, 3], [3, 3, 3, 2], { padding: 'same' });
    const x = new Float32Array(inputSize(g));
    const f = new Float32Array(depthwiseFilterSize(g));
    const dy = new Float32Array(outputSize(g));
    assertThrows(() => depthwiseConv2d(g, x.subarray(1), f), /depthwiseConv2d: x has 74 elements, expected 75/);
    assertThrows(() => depthwiseConv2d(g, x, new Float32Array(27)), /filter has 27 elements, expected 54/);
    assertThrows(() => depthwiseConv2dBackpropInput(g, Array.from(dy) as unknown as Float32Array, f), /dy must be a Float32Array, got Array/);
    assertThrows(() => depthwiseConv2dBackpropFilter(g, x, new Float32Array(75)), /dy has 75 elements, expected 150/);
    assertThrows(() => depthwiseConv2dBackpropFilter({ ...g, outC: 7 }, x, dy), /geometry.outC \(7\) must be inC \(3\) × the channel multiplier/);
    assertThrows(() => depthwiseConv2dBackpropInput({ ...g, strideH: 0 }, dy, f), /geometry.strideH must be an integer >= 1, got 0/);
    assertThrows(() => depthwiseConv2dReference({ ...g, padTop: 1.5 }, x, f), /geometry.padTop must be an integer >= 0, got 1.5/);
  });
});
