import { suite, skip, assert, assertAllClose, assertBitEqual, assertThrows, testRng, randomArray } from '../harness.ts';
import {
  initKernels, detectWasmFeatures, setRelaxedSimd, conv2dGeometry, conv2d, conv2dBackpropInput, conv2dBackpropFilter,
  conv2dOnPath, conv2dTakesThinPath,
  conv2dReference, conv2dBackpropInputReference, conv2dBackpropFilterReference,
  inputSize, outputSize, filterSize, type Conv2DOptions, type Conv2DGeometry,
} from 'slimprune/internal';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients; slimprune imports the tfjs umbrella package, which does.

interface Shape {
  x: [number, number, number, number];
  f: [number, number, number, number];
  opts: Conv2DOptions;
}

/**
 * Swept shapes: odd spatial sizes, channel counts not divisible by 4 (the scalar tails run) and
 * below/above one 8-channel block, every padding mode, stride 2 and dilation 2.
 */
function sweptShapes(): Shape[] {
  const shapes: Shape[] = [];
  const rng = testRng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const paddings: Conv2DOptions['padding'][] = ['same', 'valid', 1, [[0, 2], [1, 0]]];
  for (const k of [1, 3, 5]) {
    for (const stride of [1, 2]) {
      for (const padding of paddings) {
        const inC = pick([1, 3, 5, 8, 13]);
        const outC = pick([1, 3, 8, 9, 20]);
        const h = pick([5, 7, 9]);
        const w = pick([6, 7, 11]);
        const dilation = k === 3 && stride === 1 && rng() < 0.5 ? 2 : 1;
        shapes.push({ x: [pick([1, 2]), h, w, inC], f: [k, k, inC, outC], opts: { strides: stride, padding, dilations: dilation } });
      }
    }
  }
  // Non-square filters and strides, and a size that exercises many 6-pixel tiles plus a tail.
  shapes.push({ x: [1, 8, 9, 4], f: [3, 1, 4, 7], opts: { strides: [2, 1], padding: 'same' } });
  shapes.push({ x: [3, 13, 13, 16], f: [3, 3, 16, 17], opts: { padding: 'same' } });
  return shapes;
}

/**
 * Unit-stride shapes for the thin-layer path: 1-24 output channels (group sizes 1-5 and their
 * sums), 1-13 input channels, square and 1-wide filters, dilation in one or both axes, every
 * padding mode, widths that leave every tail of the 8-pixel tile.
 */
function thinShapes(): Shape[] {
  const shapes: Shape[] = [];
  const rng = testRng(17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const paddings: Conv2DOptions['padding'][] = ['same', 'valid', 1, [[0, 2], [1, 0]]];
  const filters: [number, number][] = [[1, 1], [3, 3], [5, 5], [3, 1], [1, 3], [2, 4]];
  for (const outC of [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16, 20, 24]) {
    const [kh, kw] = pick(filters);
    const inC = pick([1, 2, 3, 5, 9, 13]);
    const dilations: [number, number] = pick([[1, 1], [1, 1], [2, 1], [1, 2], [2, 2]]);
    const h = pick([5, 8, 11]) + (kh - 1) * dilations[0];
    const w = pick([1, 3, 7, 8, 9, 15, 17]) + (kw - 1) * dilations[1];
    shapes.push({ x: [pick([1, 2, 3]), h, w, inC], f: [kh, kw, inC, outC], opts: { padding: pick(paddings), dilations } });
  }
  return shapes;
}

const describe = (s: Shape, g: Conv2DGeometry) =>
  `x[${s.x}] f[${s.f}] ${JSON.stringify(s.opts)} → out ${g.outH}×${g.outW}`;

function tfPadding(g: Conv2DGeometry, opts: Conv2DOptions): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  const p = opts.padding ?? 'valid';
  if (p === 'same' || p === 'valid') return p;
  const [[t, b], [l, r]] = typeof p === 'number' ? [[p, p], [p, p]] : p;
  return [[0, 0], [t, b], [l, r], [0, 0]];
}

export const conv2dSuite = suite('conv2d', (test) => {
  test('WASM forward ≡ reference on swept shapes (with bias and ReLU)', async () => {
    await initKernels();
    const rng = testRng(1);
    for (const s of sweptShapes()) {
      const g = conv2dGeometry(s.x, s.f, s.opts);
      const x = randomArray(inputSize(g), rng);
      const f = randomArray(filterSize(g), rng);
      const bias = randomArray(g.outC, rng);
      assertAllClose(conv2d(g, x, f), conv2dReference(g, x, f), {}, `forward ${describe(s, g)}`);
      assertAllClose(
        conv2d(g, x, f, { bias, relu: true }),
        conv2dReference(g, x, f, { bias, relu: true }),
        {},
        `forward+bias+relu ${describe(s, g)}`,
      );
      const residual = randomArray(outputSize(g), rng);
      for (const epilogue of [{ residual }, { bias, residual, relu: true }]) {
        assertAllClose(conv2d(g, x, f, epilogue), conv2dReference(g, x, f, epilogue), {}, `forward+residual ${JSON.stringify(Object.keys(epilogue))} ${describe(s, g)}`);
      }
    }
  });

  test('the thin-layer path ≡ the GEMM bit for bit, and ≡ reference, on swept unit-stride shapes', async () => {
    await initKernels();
    const rng = testRng(11);
    for (const s of thinShapes()) {
      const g = conv2dGeometry(s.x, s.f, s.opts);
      const x = randomArray(inputSize(g), rng);
      const f = randomArray(filterSize(g), rng);
      const bias = randomArray(g.outC, rng);
      const residual = randomArray(outputSize(g), rng);
      for (const epilogue of [{}, { bias, relu: true }, { bias }, { bias, residual, relu: true }, { residual }]) {
        const what = `${describe(s, g)} ${JSON.stringify(Object.keys(epilogue))}`;
        const thin = conv2dOnPath('thin', g, x, f, epilogue);
        assertBitEqual(thin, conv2dOnPath('gemm', g, x, f, epilogue), `thin vs GEMM ${what}`);
        assertAllClose(thin, conv2dReference(g, x, f, epilogue), {}, `thin vs reference ${what}`);
      }
    }
  });

  test('the shape rule takes the thin path for few, part-block output channels at unit strides', async () => {
    await initKernels();
    const at = (outC: number, strides = 1) => conv2dTakesThinPath(conv2dGeometry([2, 16, 16, 9], [3, 3, 9, outC], { strides, padding: 'same' }));
    for (const outC of [1, 3, 5, 9, 12, 13, 20]) assert(at(outC), `${outC} outputs should take the thin path`);
    for (const outC of [8, 16, 24, 28, 64]) assert(!at(outC), `${outC} outputs should take the GEMM`);
    assert(!at(5, 2), 'a stride-2 convolution cannot take the thin path');
    assert(!conv2dTakesThinPath(conv2dGeometry([64, 4, 4, 20], [3, 3, 20, 12], { padding: 'same' })), 'outputs narrower than the 8-pixel tile take the GEMM');
    assert(!conv2dTakesThinPath(conv2dGeometry([1, 1, 64, 500], [1, 1, 500, 10], {})), 'a dense layer (1×1) takes the GEMM');
    assertThrows(() => conv2dOnPath('thin', conv2dGeometry([1, 8, 8, 3], [3, 3, 3, 5], { strides: 2 }), new Float32Array(192), new Float32Array(135)), /unit strides/);
  });

  test('WASM input gradient ≡ reference on swept shapes', async () => {
    await initKernels();
    const rng = testRng(2);
    for (const s of sweptShapes()) {
      const g = conv2dGeometry(s.x, s.f, s.opts);
      const dy = randomArray(outputSize(g), rng);
      const f = randomArray(filterSize(g), rng);
      assertAllClose(conv2dBackpropInput(g, dy, f), conv2dBackpropInputReference(g, dy, f), {}, `dx ${describe(s, g)}`);
    }
  });

  test('WASM filter gradient ≡ reference on swept shapes', async () => {
    await initKernels();
    const rng = testRng(3);
    for (const s of sweptShapes()) {
      const g = conv2dGeometry(s.x, s.f, s.opts);
      const x = randomArray(inputSize(g), rng);
      const dy = randomArray(outputSize(g), rng);
      assertAllClose(conv2dBackpropFilter(g, x, dy), conv2dBackpropFilterReference(g, x, dy), {}, `dfilter ${describe(s, g)}`);
    }
  });

  test('reference ≡ tfjs (cpu) conv2d and both gradients', async () => {
    await tf.setBackend('cpu');
    const rng = testRng(4);
    for (const s of sweptShapes()) {
      const g = conv2dGeometry(s.x, s.f, s.opts);
      const x = randomArray(inputSize(g), rng);
      const f = randomArray(filterSize(g), rng);
      const dy = randomArray(outputSize(g), rng);
      const strides: [number, number] = [g.strideH, g.strideW];
      const dilations: [number, number] = [g.dilationH, g.dilationW];
      const pad = tfPadding(g, s.opts);
      const xt = tf.tensor4d(x, s.x);
      const ft = tf.tensor4d(f, s.f);
      const dyt = tf.tensor4d(dy, [g.batch, g.outH, g.outW, g.outC]);
      const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, strides, pad, 'NHWC', dilations);
      const y = conv(xt, ft);
      assertAllClose(conv2dReference(g, x, f), y.dataSync(), {}, `tfjs forward ${describe(s, g)}`);
      // tfjs has no gradient for dilated conv2d; the reference's dilation is covered by the forward check.
      if (g.dilationH === 1 && g.dilationW === 1) {
        const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), dyt)),
        )([xt, ft]);
        assertAllClose(conv2dBackpropInputReference(g, dy, f), dx!.dataSync(), {}, `tfjs dx ${describe(s, g)}`);
        assertAllClose(conv2dBackpropFilterReference(g, x, dy), df!.dataSync(), {}, `tfjs dfilter ${describe(s, g)}`);
        tf.dispose([dx!, df!]);
      }
      tf.dispose([xt, ft, dyt, y]);
    }
  });

  test('the relaxed-SIMD (FMA) build ≡ reference', async () => {
    setRelaxedSimd(true);
    try {
      const k = await initKernels();
      assert(k.flavour === 'relaxed-simd', `expected the relaxed build, got ${k.flavour}`);
      const rng = testRng(5);
      for (const s of sweptShapes().slice(0, 8)) {
        const g = conv2dGeometry(s.x, s.f, s.opts);
        const x = randomArray(inputSize(g), rng);
        const f = randomArray(filterSize(g), rng);
        const dy = randomArray(outputSize(g), rng);
        assertAllClose(conv2d(g, x, f), conv2dReference(g, x, f), {}, `relaxed forward ${describe(s, g)}`);
        if (g.strideH === 1 && g.strideW === 1) {
          assertBitEqual(conv2dOnPath('thin', g, x, f), conv2dOnPath('gemm', g, x, f), `relaxed thin vs GEMM ${describe(s, g)}`);
        }
        assertAllClose(conv2dBackpropFilter(g, x, dy), conv2dBackpropFilterReference(g, x, dy), {}, `relaxed dfilter ${describe(s, g)}`);
      }
    } finally {
      setRelaxedSimd(false);
      await initKernels();
    }
  }, {
    // Node 20 validates relaxed SIMD only behind a flag.
    skip: skip('this runtime does not validate relaxed SIMD', () => detectWasmFeatures().relaxedSimd),
  });

  test('conv2dReference takes conv2d\'s arguments: the epilogue object and out', async () => {
    await initKernels();
    const rng = testRng(6);
    const g = conv2dGeometry([2, 7, 6, 5], [3, 3, 5, 9], { padding: 'same' });
    const x = randomArray(inputSize(g), rng);
    const f = randomArray(filterSize(g), rng);
    const bias = randomArray(g.outC, rng);
    const plain = conv2dReference(g, x, f);
    const out = new Float32Array(outputSize(g));
    const fused = conv2dReference(g, x, f, { bias, relu: true }, out);
    assert(fused === out, 'conv2dReference returns the out it was given');
    assertAllClose(fused, conv2d(g, x, f, { bias, relu: true }), {}, 'conv2dReference ≡ conv2d with { bias, relu }');
    let zeros = 0;
    for (let i = 0; i < fused.length; i++) {
      const want = Math.max(0, Math.fround(plain[i]! + bias[i % g.outC]!));
      assert(Number.isFinite(fused[i]!), `element ${i} is ${fused[i]}`);
      assert(Math.abs(fused[i]! - want) <= 1e-5, `element ${i}: ${fused[i]}, expected relu(y + bias) = ${want}`);
      if (fused[i] === 0) zeros++;
    }
    assert(zeros > 0 && zeros < fused.length, `ReLU zeroed ${zeros} of ${fused.length} elements`);
    assertAllClose(conv2dReference(g, x, f, { bias }), conv2d(g, x, f, { bias }), {}, 'bias only');
  });

  test('a wrong argument to conv2d or conv2dReference throws, naming the kernel and the argument', async () => {
    await initKernels();
    const g = conv2dGeometry([1, 5, 5, 3], [3, 3, 3, 8], { padding: 'same' });
    const x = new Float32Array(inputSize(g));
    const f = new Float32Array(filterSize(g));
    const bias = new Float32Array(g.outC);
    const positional = (fn: typeof conv2d) => () => (fn as (...a: unknown[]) => unknown)(g, x, f, bias, true);
    assertThrows(positional(conv2dReference), /^conv2dReference: epilogue must be an object \{ bias\?: Float32Array, residual\?: Float32Array, relu\?: boolean \}, got Float32Array/);
    assertThrows(positional(conv2d), /^conv2d: epilogue must be an object .*got Float32Array/);
    assertThrows(() => conv2dReference(g, { length: 75 } as unknown as Float32Array, f), /^conv2dReference: x must be a Float32Array, got Object/);
    assertThrows(() => conv2dReference(g, x, f.subarray(1)), /^conv2dReference: filter has 215 elements, expected 216/);
    assertThrows(() => conv2dReference(g, x, f, { bias: bias.subarray(1) }), /^conv2dReference: epilogue.bias has 7 elements, expected 8/);
    assertThrows(() => conv2dReference(g, x, f, { relu: 1 as unknown as boolean }), /^conv2dReference: epilogue.relu must be true or false, got number/);
    assertThrows(() => conv2dReference(g, x, f, {}, new Float32Array(3)), /^conv2dReference: out has 3 elements, expected 200/);
    assertThrows(() => conv2dBackpropInputReference(g, x, f), /^conv2dBackpropInputReference: dy has 75 elements, expected 200/);
    assertThrows(() => conv2dBackpropFilterReference(g, x, [] as unknown as Float32Array), /^conv2dBackpropFilterReference: dy must be a Float32Array, got Array/);
    assertThrows(() => conv2dReference(undefined as unknown as Conv2DGeometry, x, f), /^conv2dReference: geometry must be an object from conv2dGeometry\(\)/);
  });

  test('bad arguments get clear errors', async () => {
    await initKernels();
    assertThrows(() => conv2dGeometry([1, 5, 5, 3], [3, 3, 4, 8]), /takes 4 input channels but the input has 3/);
    assertThrows(() => conv2dGeometry([1, -5, 5, 3], [3, 3, 3, 8]), /input shape must be 4 positive integers/);
    assertThrows(() => conv2dGeometry([1, 5, 5, 3], [3, 3, 3]), /filter shape must be 4 positive integers/);
    assertThrows(() => conv2dGeometry([1, 2, 2, 3], [3, 3, 3, 8]), /does not fit a 2×2 input/);
    assertThrows(() => conv2dGeometry([1, 5, 5, 3], [3, 3, 3, 8], { strides: 0 }), /strides must be positive integers/);
    assertThrows(() => conv2dGeometry([1, 5, 5, 3], [3, 3, 3, 8], { padding: -1 }), /non-negative integers/);
    const g = conv2dGeometry([1, 5, 5, 3], [3, 3, 3, 8], { padding: 'same' });
    const x = new Float32Array(inputSize(g));
    const f = new Float32Array(filterSize(g));
    assertThrows(() => conv2d(g, x.subarray(1), f), /x has 74 elements, expected 75/);
    assertThrows(() => conv2d(g, new Float64Array(75) as unknown as Float32Array, f), /x must be a Float32Array, got Float64Array/);
    assertThrows(() => conv2d(g, x, f, { bias: new Float32Array(7) }), /bias has 7 elements, expected 8/);
    assertThrows(() => conv2dBackpropFilter(g, x, new Float32Array(3)), /dy has 3 elements, expected 200/);
    assertThrows(() => conv2dBackpropInput(g, new Float32Array(200), new Float32Array(1)), /filter has 1 elements, expected 216/);
  });
});
