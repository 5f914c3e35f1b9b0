// Training-mode BatchNorm, fused: the moments and gradient kernels ≡ their scalar specification,
// bit for bit; the specification ≡ tfjs's graph (tf.moments + tf.batchNorm and their gradients on
// 'wasm'), bit for bit; and the trainer's steps with the layers fused ≡ without, bit for bit.
import { suite, assert, assertEqual, assertBitEqual, assertThrows, testRng, randomArray } from '../harness.ts';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  initKernels, batchMoments, batchNormGrad, batchMomentsReference, batchNormGradReference, registerWasmKernels,
  SparsityTrainer, withFusedBatchNorm, fusableBatchNorms, fusedBatchNormAvailable, type BatchNormGradParams,
} from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';
import { tinyNet, syntheticSet, SyntheticSource, weightValues } from './train-fixtures.ts';

// Channel counts around the 4-lane vectors (1, 3, 4, 5, 13, 20, 50, 500), rows from 1.
const SHAPES: [number, number][] = [[1, 1], [1, 5], [4, 1], [3, 7], [5, 4], [9, 13], [7, 3], [64, 500], [64 * 8 * 8, 50], [2 * 24 * 24, 20]];

function gradParams(cols: number, rng: () => number, mean: Float32Array): BatchNormGradParams {
  const f = Math.fround;
  const rsqrt = randomArray(cols, rng, 0.2, 3);
  return {
    mean, scale: randomArray(cols, rng, 0, 1), rsqrt,
    minusRsqrt: rsqrt.map((r) => -r),
    minusHalfRsqrtCubed: rsqrt.map((r) => f(f(f(r * r) * r) * -0.5)),
  };
}

/** A BatchNorm that normalizes axis 1 of a channels-last activation: not fusable, tfjs's own call. */
function axisOneNet(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 8 }) }));
  model.add(tfl.layers.batchNormalization({ axis: 1 }));
  model.add(tfl.layers.batchNormalization({ gammaInitializer: tfl.initializers.constant({ value: 0.5 }) }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 9 }) }));
  return model;
}

export const batchNormTrainingSuite = suite('BatchNorm training, fused', (test) => {
  test('WASM ≡ reference, bit for bit, on swept shapes', async () => {
    await initKernels();
    const rng = testRng(71);
    for (const [rows, cols] of SHAPES) {
      const x = randomArray(rows * cols, rng, -3, 4);
      const dy = randomArray(rows * cols, rng, -1, 1);
      const moments = batchMomentsReference(x, rows, cols);
      const ours = batchMoments(x, rows, cols);
      assertBitEqual(ours.mean, moments.mean, `mean [${rows}, ${cols}]`);
      assertBitEqual(ours.variance, moments.variance, `variance [${rows}, ${cols}]`);
      const p = gradParams(cols, rng, moments.mean);
      const want = batchNormGradReference(x, dy, rows, cols, p);
      const got = batchNormGrad(x, dy, rows, cols, p);
      assertBitEqual(got.dx, want.dx, `dx [${rows}, ${cols}]`);
      assertBitEqual(got.dScale, want.dScale, `dγ [${rows}, ${cols}]`);
      assertBitEqual(got.dOffset, want.dOffset, `dβ [${rows}, ${cols}]`);
    }
  });

  test("reference ≡ tfjs's moments, batchNorm and their gradients on wasm, bit for bit", async () => {
    const tf = await useTfjsBackend('wasm');
    await registerWasmKernels();
    const rng = testRng(72);
    for (const shape of [[64, 24, 24, 20], [64, 500], [2, 6, 6, 5], [3, 7], [4, 3, 3, 1]]) {
      const cols = shape.at(-1)!;
      const rows = shape.reduce((a, b) => a * b, 1) / cols;
      const axes = shape.slice(0, -1).map((_, i) => i);
      const [xv, dyv] = [randomArray(rows * cols, rng, -2, 3), randomArray(rows * cols, rng, -1, 1)];
      const [x, dy] = [tf.tensor(xv, shape), tf.tensor(dyv, shape)];
      const [gamma, beta] = [tf.tensor1d(randomArray(cols, rng, 0, 1)), tf.tensor1d(randomArray(cols, rng))];
      const moments = tf.moments(x, axes);
      const want = batchMomentsReference(xv, rows, cols);
      assertBitEqual(want.mean, moments.mean.dataSync(), `mean [${shape}]`);
      assertBitEqual(want.variance, moments.variance.dataSync(), `variance [${shape}]`);
      // Σ y · dy has the gradient dy at y exactly (Sum's and Mul's gradients multiply by 1).
      const [dx, dGamma, dBeta] = tf.grads((x: typeof dy, g: typeof dy, b: typeof dy) => {
        const { mean, variance } = tf.moments(x, axes);
        return tf.sum(tf.mul(tf.batchNorm(x, mean, variance, b, g, 1e-3), dy));
      })([x, gamma, beta]);
      const r = tf.rsqrt(tf.add(moments.variance, tf.scalar(1e-3)));
      const p: BatchNormGradParams = {
        mean: moments.mean.dataSync() as Float32Array, scale: gamma.dataSync() as Float32Array, rsqrt: r.dataSync() as Float32Array,
        minusRsqrt: tf.mul(r, tf.scalar(-1)).dataSync() as Float32Array,
        minusHalfRsqrtCubed: tf.mul(tf.mul(tf.mul(r, r), r), tf.scalar(-0.5)).dataSync() as Float32Array,
      };
      const got = batchNormGradReference(xv, dyv, rows, cols, p);
      assertBitEqual(got.dx, dx!.dataSync(), `dx [${shape}]`);
      assertBitEqual(got.dScale, dGamma!.dataSync(), `dγ [${shape}]`);
      assertBitEqual(got.dOffset, dBeta!.dataSync(), `dβ [${shape}]`);
      tf.dispose([x, dy, gamma, beta, moments.mean, moments.variance, dx!, dGamma!, dBeta!, r]);
    }
  });

  test('trainer steps with BatchNorm fused ≡ unfused: every weight and moving statistic, bit for bit, no tensor left', async () => {
    const tf = await useTfjsBackend('wasm');
    await registerWasmKernels();
    assert(fusedBatchNormAvailable(), 'the fused kernels are registered on wasm');
    const source = new SyntheticSource(syntheticSet(40, 5), 16, 3);
    const recipe = { epochs: 1, optimizer: { kind: 'sgd' as const, learningRate: 0.05, momentum: 0.9 }, regularizer: { kind: 'polarization' as const, lambda: 1e-3, t: 1.2 } };
    const runs = [];
    for (const fuse of [false, true]) {
      const model = tinyNet(4);
      assertEqual(fusableBatchNorms(model).length, 2, 'fusable layers of the tiny net (4-D and 2-D)');
      const trainer = await SparsityTrainer.create(model, recipe, { backend: 'wasm', fuseBatchNorm: fuse });
      const counts: number[] = [];
      const kernels = new Set<string>();
      for (let epoch = 0; epoch < 2; epoch++) {
        for (const batch of source.epoch(epoch)) {
          if (epoch === 0 && counts.length === 0) {
            (await tf.profile(async () => { await trainer.step(batch); })).kernelNames.forEach((k) => kernels.add(k));
          } else {
            await trainer.step(batch);
          }
          counts.push(tf.memory().numTensors);
        }
      }
      assertEqual(kernels.has('SlimpruneBatchNormGrad'), fuse, `fused gradient kernel ran (fused ${fuse})`);
      assertEqual(kernels.has('Square'), !fuse, `tfjs's moments ran (fused ${fuse})`);
      assert(counts.every((n) => n === counts[0]), `tensors after each step, fused ${fuse}: ${counts.join(', ')}`);
      runs.push(weightValues(model));
      trainer.dispose();
      model.dispose();
    }
    const [plain, fused] = runs as [Float32Array[], Float32Array[]];
    assertEqual(fused.length, plain.length, 'weights');
    plain.forEach((w, i) => assertBitEqual(fused[i]!, w, `weight ${i}`));
  });

  test("inference, and a BatchNorm over another axis than the last, run tfjs's own call: same outputs and moving statistics", async () => {
    // (tfjs cannot differentiate a BatchNorm over axis 1 of a 4-D tensor at all: its gradient's
    // reshape fails, fused or not. Its forward pass and moving statistics are compared here.)
    const tf = await useTfjsBackend('wasm');
    await registerWasmKernels();
    const x = tf.tensor4d(randomArray(5 * 36, testRng(73)), [5, 6, 6, 1]);
    const results = [];
    for (const fuse of [false, true]) {
      const model = axisOneNet();
      const layers = fuse ? fusableBatchNorms(model) : [];
      assertEqual(fusableBatchNorms(model).length, 2, 'both layers have γ and β');
      const outputs = withFusedBatchNorm(layers, () => [
        model.apply(x, { training: true }) as ReturnType<typeof tf.add>,
        model.apply(x, { training: false }) as ReturnType<typeof tf.add>,
      ]);
      assert(layers.every((l) => !Object.hasOwn(l, 'call')), 'the layers have their own call back');
      results.push([...outputs.map((t) => t.dataSync().slice() as Float32Array), ...weightValues(model)]);
      tf.dispose(outputs);
      model.dispose();
    }
    const [plain, fused] = results as [Float32Array[], Float32Array[]];
    plain.forEach((v, i) => assertBitEqual(fused[i]!, v, i < 2 ? ['training output', 'inference output'][i] : `weight ${i - 2}`));
    x.dispose();
  });

  test('bad arguments get clear errors', async () => {
    await initKernels();
    const x = new Float32Array(6);
    const p = gradParams(3, testRng(74), new Float32Array(3));
    assertThrows(() => batchMoments(x, 3, 3), /x has 6 elements, expected 9/);
    assertThrows(() => batchMoments(x, 0, 3), /rows must be an integer >= 1, got 0/);
    assertThrows(() => batchNormGrad(x, new Float32Array(5), 2, 3, p), /dy has 5 elements, expected 6/);
    assertThrows(() => batchNormGrad(x, x, 3, 2, p), /mean has 3 elements, expected 2/);
    assertThrows(() => batchNormGrad(x, x, 2, 3, p, { dx: new Float32Array(2) }), /out has 2 elements, expected 6/);
  });
});
