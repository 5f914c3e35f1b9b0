// Intra-op kernel threads: the convolutions and the products they serve, split by rows between
// this thread and helpers over a shared memory, give the bits of one thread; so does a training
// step. In every runtime (the browser runner serves a cross-origin isolated page).
import { suite, assert, assertEqual, assertBitEqual, assertRejects, testRng, randomArray } from '../harness.ts';
import {
  initKernels, setKernelThreads, kernelThreads, kernelThreadsSupported, kernels, conv2dGeometry,
  conv2d, conv2dBackpropInput, conv2dBackpropFilter, inputSize, outputSize, filterSize, registerWasmKernels,
  batchMoments, batchNormGrad, batchNorm, maxPoolBackprop, momentumUpdate,
  SparsityTrainer, type Conv2DGeometry,
} from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';
import { tinyNet, syntheticSet, SyntheticSource, weightValues } from './train-fixtures.ts';

/**
 * LeNet's conv2 and conv1 (batch 16; conv1 runs on the thin-layer path), a pruned ResNet layer on
 * the thin path, a padded stride-2 conv, and a matrix product's 1×1 form.
 */
const GEOMETRIES: Conv2DGeometry[] = [
  conv2dGeometry([16, 12, 12, 20], [5, 5, 20, 50], { padding: 'valid' }),
  conv2dGeometry([16, 28, 28, 1], [5, 5, 1, 20], { padding: 'valid' }),
  conv2dGeometry([16, 16, 16, 5], [3, 3, 5, 9], { padding: 'same' }),
  conv2dGeometry([8, 15, 15, 13], [3, 3, 13, 9], { strides: 2, padding: 'same' }),
  conv2dGeometry([1, 1, 130, 37], [1, 1, 37, 21], { padding: 'valid' }),
];

/** Every kernel that threads split, on shapes around their split points, copied out. */
function outputs(): [string, Float32Array][] {
  const rng = testRng(91);
  const convs = GEOMETRIES.flatMap((g, i): [string, Float32Array][] => {
    const x = randomArray(inputSize(g), rng);
    const f = randomArray(filterSize(g), rng);
    const dy = randomArray(outputSize(g), rng);
    return [
      [`conv ${i} forward`, conv2d(g, x, f, { bias: randomArray(g.outC, rng), relu: true })],
      [`conv ${i} input gradient`, conv2dBackpropInput(g, dy, f)],
      [`conv ${i} filter gradient`, conv2dBackpropFilter(g, x, dy)],
    ];
  });
  const others = ([[16 * 24 * 24, 20], [64, 500], [9, 13], [5, 3]] as const).flatMap(([rows, cols]): [string, Float32Array][] => {
    const x = randomArray(rows * cols, rng, -2, 3);
    const dy = randomArray(rows * cols, rng);
    const m = batchMoments(x, rows, cols);
    const rsqrt = randomArray(cols, rng, 0.2, 3);
    const p = { mean: m.mean, scale: randomArray(cols, rng, 0, 1), rsqrt, minusRsqrt: rsqrt.map((r) => -r), minusHalfRsqrtCubed: rsqrt.map((r) => r * r * r * -0.5) };
    const g = batchNormGrad(x, dy, rows, cols, p);
    const normed = batchNorm(x, rows, cols, { mean: m.mean, variance: m.variance, offset: randomArray(cols, rng), scale: p.scale, epsilon: 1e-3 });
    const step = momentumUpdate(x, dy, randomArray(rows * cols, rng), { momentum: 0.9, learningRate: 0.1, weightDecay: 5e-4 });
    const shape = `[${rows}, ${cols}]`;
    return [
      [`mean ${shape}`, m.mean], [`variance ${shape}`, m.variance], [`BatchNorm dx ${shape}`, g.dx], [`dγ ${shape}`, g.dScale],
      [`dβ ${shape}`, g.dOffset], [`BatchNorm ${shape}`, normed], [`momentum value ${shape}`, step.value], [`momentum slot ${shape}`, step.accumulation],
    ];
  });
  const pool = conv2dGeometry([6, 24, 24, 20], [2, 2, 20, 20], { strides: 2, padding: 'valid' });
  const pooled = maxPoolBackprop(pool, randomArray(inputSize(pool), rng), randomArray(outputSize(pool), rng));
  return [...convs, ...others, ['max-pool gradient', pooled]];
}

export const kernelThreadsSuite = suite('kernel threads', (test) => {
  test('convolutions, their gradients, BatchNorm, max-pool and momentum kernels on 2 threads ≡ on 1, bit for bit', async () => {
    await initKernels();
    assert(kernelThreadsSupported(), 'shared WebAssembly memory is available here');
    await setKernelThreads(1);
    const one = outputs();
    // Every call split, however small.
    await setKernelThreads(2, { minParallelWork: 0 });
    try {
      assertEqual(kernelThreads(), 2, 'threads in use');
      assertEqual(kernels().flavour, 'threads', 'kernel build');
      const two = outputs();
      one.forEach(([what, want], i) => assertBitEqual(two[i]![1], want, what));
    } finally {
      await setKernelThreads(1);
    }
    assertEqual(kernelThreads(), 1, 'threads after setKernelThreads(1)');
    assertEqual(kernels().flavour, 'simd', 'kernel build after setKernelThreads(1)');
  });

  test('training steps on 2 kernel threads ≡ on 1: every weight, bit for bit', async () => {
    const tf = await useTfjsBackend('wasm');
    await registerWasmKernels();
    const source = new SyntheticSource(syntheticSet(48, 6), 16, 4);
    const recipe = { epochs: 1, optimizer: { kind: 'sgd' as const, learningRate: 0.05, momentum: 0.9 }, regularizer: { kind: 'polarization' as const, lambda: 1e-3, t: 1.2 } };
    const runs: Float32Array[][] = [];
    for (const threads of [1, 2]) {
      await setKernelThreads(threads, { minParallelWork: 0 });
      try {
        const model = tinyNet(6, [12, 10]);
        const trainer = await SparsityTrainer.create(model, recipe, { backend: 'wasm' });
        for (const batch of source.epoch(0)) await trainer.step(batch);
        runs.push(weightValues(model));
        trainer.dispose();
        model.dispose();
      } finally {
        await setKernelThreads(1);
      }
    }
    runs[0]!.forEach((w, i) => assertBitEqual(runs[1]![i]!, w, `weight ${i}`));
    void tf;
  });

  test('bad counts are refused', async () => {
    await assertRejects(() => setKernelThreads(0), /count must be a whole number from 1 to 64, got 0/);
    await assertRejects(() => setKernelThreads(2.5), /got 2.5/);
    await assertRejects(() => setKernelThreads(2, { minParallelWork: -1 }), /minParallelWork must be a number >= 0, got -1/);
    assertEqual(kernelThreads(), 1, 'threads after a refused call');
  });
});
