import { suite, assert, assertEqual, assertDeepEqual, assertAllClose, assertBitEqual, testRng, randomArray } from '../harness.ts';
import { registerWasmGradients, registerWasmKernels, originalWasmKernel } from 'slimprune/internal';
import * as tfl from '@tensorflow/tfjs-layers';
// tfjs-core alone registers no gradients; slimprune imports the tfjs umbrella package, which does.
import { useTfjsBackend } from '../tfjs.ts';

/** conv + BatchNorm + ReLU + max-pool + dense: the shape of every reference network. */
function smallConvNet(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({
    inputShape: [9, 9, 3], filters: 6, kernelSize: 3, padding: 'same', useBias: false,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
  }));
  model.add(tfl.layers.batchNormalization({ gammaInitializer: tfl.initializers.constant({ value: 0.5 }) }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({
    filters: 5, kernelSize: 3, strides: 2, padding: 'valid',
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
  }));
  model.add(tfl.layers.batchNormalization());
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }));
  return model;
}

/** A depthwise-separable block, whose gradients tfjs-backend-wasm also lacks. */
function smallDepthwiseNet(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.depthwiseConv2d({
    inputShape: [9, 9, 3], kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', useBias: false,
    depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
  }));
  model.add(tfl.layers.batchNormalization());
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.conv2d({ filters: 5, kernelSize: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }));
  model.add(tfl.layers.globalAveragePooling2d({}));
  model.add(tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }) }));
  return model;
}

/** Gradients of a softmax cross-entropy loss with respect to every trainable weight. */
async function gradients(
  build: () => tfl.LayersModel, backend: 'cpu' | 'wasm', weights: Float32Array[], x: Float32Array, labels: Int32Array,
) {
  const tf = await useTfjsBackend(backend);
  const model = build();
  model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape)));
  const xs = tf.tensor4d(x, [labels.length, 9, 9, 3]);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
  // Layer names differ between model instances, so gradients are keyed by position.
  const variables = model.trainableWeights.map((w) => w.read() as ReturnType<typeof tf.variable>);
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as ReturnType<typeof tf.add>) as ReturnType<typeof tf.scalar>,
    variables,
  );
  const out = Object.fromEntries(
    model.trainableWeights.map((w, i) => [`weight ${i} [${w.shape}]`, grads[variables[i]!.name]!.dataSync().slice()]),
  );
  const loss = value.dataSync()[0]!;
  tf.dispose([xs, ys, value, ...Object.values(grads)]);
  model.dispose();
  return { loss, grads: out };
}

export const tfjsTrainingSuite = suite('tfjs wasm training', (test) => {
  test('registers the kernels tfjs-backend-wasm lacks, then the faster replacements, once', async () => {
    await useTfjsBackend('wasm');
    const gaps = await registerWasmGradients();
    assert(gaps.length === 0 || gaps.includes('Conv2DBackpropFilter'), `registered ${gaps.join(', ')}`);
    const replaced = await registerWasmKernels();
    assert(replaced.length === 0 || replaced.includes('BatchMatMul'), `replaced ${replaced.join(', ')}`);
    const again = await registerWasmKernels();
    assertEqual(again.length, 0, 'kernels registered by a second call');
  });

  test('replaced kernels equal the cpu backend, including the cases they hand back', async () => {
    const rng = testRng(13);
    const cases: [string, (tf: typeof import('@tensorflow/tfjs-core')) => import('@tensorflow/tfjs-core').Tensor][] = [
      ['matMul', (tf) => tf.matMul(tf.tensor2d(randomArray(7 * 13, testRng(1)), [7, 13]), tf.tensor2d(randomArray(13 * 9, testRng(2)), [13, 9]))],
      ['matMul Aᵀ', (tf) => tf.matMul(tf.tensor2d(randomArray(13 * 7, testRng(3)), [13, 7]), tf.tensor2d(randomArray(13 * 9, testRng(4)), [13, 9]), true, false)],
      ['matMul Bᵀ', (tf) => tf.matMul(tf.tensor2d(randomArray(7 * 13, testRng(5)), [7, 13]), tf.tensor2d(randomArray(9 * 13, testRng(6)), [9, 13]), false, true)],
      ['matMul AᵀBᵀ (original kernel)', (tf) => tf.matMul(tf.tensor2d(randomArray(13 * 7, testRng(7)), [13, 7]), tf.tensor2d(randomArray(9 * 13, testRng(8)), [9, 13]), true, true)],
      ['batched matMul (original kernel)', (tf) => tf.matMul(tf.tensor3d(randomArray(2 * 5 * 6, testRng(9)), [2, 5, 6]), tf.tensor3d(randomArray(2 * 6 * 3, testRng(10)), [2, 6, 3]))],
      // _FusedMatMul: ours without a bias or activation (a Dense before a BatchNorm), the original otherwise.
      ['fused matMul, no bias', (tf) => tf.fused.matMul({ a: tf.tensor2d(randomArray(7 * 13, testRng(62)), [7, 13]), b: tf.tensor2d(randomArray(13 * 9, testRng(63)), [13, 9]) })],
      ['fused matMul with a bias (original kernel)', (tf) => tf.fused.matMul({ a: tf.tensor2d(randomArray(7 * 13, testRng(64)), [7, 13]), b: tf.tensor2d(randomArray(13 * 9, testRng(65)), [13, 9]), bias: tf.tensor1d(randomArray(9, testRng(66))) })],
      ['fused matMul with ReLU (original kernel)', (tf) => tf.fused.matMul({ a: tf.tensor2d(randomArray(7 * 13, testRng(67)), [7, 13]), b: tf.tensor2d(randomArray(13 * 9, testRng(68)), [13, 9]), activation: 'relu' })],
      ['tile', (tf) => tf.tile(tf.tensor4d(randomArray(5, testRng(11)), [1, 1, 1, 5]), [3, 4, 2, 1])],
      ['tile int32 (original kernel)', (tf) => tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [2, 3])],
      // Sum and Mean: ours over every axis but the last (any order, kept dims or not), the original otherwise.
      ['sum over the leading axes, kept dims', (tf) => tf.sum(tf.tensor4d(randomArray(3 * 5 * 4 * 6, testRng(40)), [3, 5, 4, 6]), [0, 1, 2], true)],
      ['sum over the leading axes in another order (original kernel)', (tf) => tf.sum(tf.tensor4d(randomArray(3 * 5 * 4 * 6, testRng(44)), [3, 5, 4, 6]), [2, 0, 1])],
      ['mean over the leading axes', (tf) => tf.mean(tf.tensor3d(randomArray(7 * 3 * 9, testRng(41)), [7, 3, 9]), [0, 1])],
      ['sum over the last axis (original kernel)', (tf) => tf.sum(tf.tensor2d(randomArray(7 * 9, testRng(42)), [7, 9]), 1)],
      ['mean over every axis (original kernel)', (tf) => tf.mean(tf.tensor2d(randomArray(7 * 9, testRng(43)), [7, 9]))],
      ['sum int32 (original kernel)', (tf) => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0)],
      // FusedBatchNorm: ours with per-channel or scalar parameters, the original without a scale or offset.
      ['batchNorm per channel', (tf) => tf.batchNorm(tf.tensor4d(randomArray(2 * 3 * 4 * 6, testRng(45)), [2, 3, 4, 6]), randomArray(6, testRng(46)), randomArray(6, testRng(47), 0.1, 2), randomArray(6, testRng(48)), randomArray(6, testRng(49)), 1e-3)],
      ['batchNorm with a scalar offset', (tf) => tf.batchNorm(tf.tensor2d(randomArray(5 * 6, testRng(50)), [5, 6]), randomArray(6, testRng(51)), randomArray(6, testRng(52), 0.1, 2), tf.tensor1d([0.25]), randomArray(6, testRng(53)), 1e-3)],
      ['batchNorm without scale (original kernel)', (tf) => tf.batchNorm(tf.tensor2d(randomArray(5 * 6, testRng(54)), [5, 6]), randomArray(6, testRng(55)), randomArray(6, testRng(56), 0.1, 2), randomArray(6, testRng(57)))],
      // Conv2D and FusedConv2D: ours (valid and same padding, plain and fused) and the cases it hands back.
      ['conv2d 1 channel in, 5×5 valid', (tf) => tf.conv2d(tf.tensor4d(randomArray(20 * 20 * 20, testRng(14)), [20, 20, 20, 1]), tf.tensor4d(randomArray(25 * 12, testRng(15)), [5, 5, 1, 12]), 1, 'valid')],
      ['fused conv2d 6 channels in, 3×3 same, bias + ReLU', (tf) => tf.fused.conv2d({
        x: tf.tensor4d(randomArray(5 * 30 * 30 * 6, testRng(16)), [5, 30, 30, 6]), filter: tf.tensor4d(randomArray(9 * 6 * 20, testRng(17)), [3, 3, 6, 20]),
        strides: 1, pad: 'same', bias: tf.tensor1d(randomArray(20, testRng(18))), activation: 'relu',
      })],
      ['fused conv2d 8 channels in, stride 2 (ours, padded copy)', (tf) => tf.fused.conv2d({
        x: tf.tensor4d(randomArray(40 * 31 * 31 * 8, testRng(19)), [40, 31, 31, 8]), filter: tf.tensor4d(randomArray(9 * 8 * 4, testRng(20)), [3, 3, 8, 4]),
        strides: 2, pad: 'same', bias: tf.tensor1d(randomArray(4, testRng(21))),
      })],
      ['fused conv2d, elu (original kernel)', (tf) => tf.fused.conv2d({
        x: tf.tensor4d(randomArray(12 * 20 * 20, testRng(22)), [12, 20, 20, 1]), filter: tf.tensor4d(randomArray(25 * 6, testRng(23)), [5, 5, 1, 6]), strides: 1, pad: 'valid', activation: 'elu',
      })],
      ['conv2d 8 channels in, 3×3 same (ours, padded copy)', (tf) => tf.conv2d(tf.tensor4d(randomArray(12 * 20 * 20 * 8, testRng(24)), [12, 20, 20, 8]), tf.tensor4d(randomArray(9 * 8 * 5, testRng(25)), [3, 3, 8, 5]), 1, 'same')],
      ['conv2d 1×1 (original kernel)', (tf) => tf.conv2d(tf.tensor4d(randomArray(12 * 20 * 20 * 8, testRng(28)), [12, 20, 20, 8]), tf.tensor4d(randomArray(8 * 5, testRng(29)), [1, 1, 8, 5]), 1, 'same')],
      ['conv2d 2 channels in, 3×3 same (original kernel: short padded rows)', (tf) => tf.conv2d(tf.tensor4d(randomArray(12 * 20 * 20 * 2, testRng(30)), [12, 20, 20, 2]), tf.tensor4d(randomArray(9 * 2 * 5, testRng(31)), [3, 3, 2, 5]), 1, 'same')],
      ['conv2d batch 1 (original kernel: too few pixels)', (tf) => tf.conv2d(tf.tensor4d(randomArray(28 * 28, testRng(26)), [1, 28, 28, 1]), tf.tensor4d(randomArray(25 * 12, testRng(27)), [5, 5, 1, 12]), 1, 'valid')],
      // Identity and a cast to the own dtype share the input's data; the copy outlives the original.
      ['clone, its source disposed', (tf) => { const x = tf.tensor2d(randomArray(4 * 6, testRng(60)), [4, 6]); const y = tf.clone(x); x.dispose(); return y; }],
      ['cast float32 → float32, its source disposed', (tf) => { const x = tf.tensor1d(randomArray(9, testRng(61))); const y = tf.cast(x, 'float32'); x.dispose(); return y; }],
      ['cast float32 → int32 (original kernel)', (tf) => tf.cast(tf.tensor1d([1.7, -2.2, 3, 0.4]), 'int32')],
      ['conv2dTranspose', (tf) => tf.conv2dTranspose(tf.tensor4d(randomArray(2 * 4 * 4 * 6, testRng(12)), [2, 4, 4, 6]), tf.tensor4d(randomArray(3 * 3 * 5 * 6, testRng(13)), [3, 3, 5, 6]), [2, 8, 8, 5], 2, 'same')],
    ];
    void rng;
    for (const [label, op] of cases) {
      const cpu = await useTfjsBackend('cpu');
      const expected = op(cpu);
      const want = expected.dataSync().slice();
      const wantShape = expected.shape;
      expected.dispose();
      const wasm = await useTfjsBackend('wasm');
      await registerWasmKernels();
      const actual = op(wasm);
      assertDeepEqual(actual.shape, wantShape, `${label} shape`);
      assertAllClose(actual.dataSync(), want, { rtol: 1e-5 }, label);
      actual.dispose();
    }
  });

  for (const [label, build] of [
    ['conv+BN+ReLU+maxpool+dense', smallConvNet],
    ['depthwise(stride 2, multiplier 2)+BN+ReLU+1×1 conv+dense', smallDepthwiseNet],
  ] as const) {
    test(`gradients of a ${label} model on wasm equal those on cpu`, async () => {
      await useTfjsBackend('wasm');
      await registerWasmKernels();
      const rng = testRng(11);
      const weights = build().getWeights().map((w) => randomArray(w.size, rng, -0.5, 0.5));
      const x = randomArray(4 * 9 * 9 * 3, rng);
      const labels = Int32Array.from([0, 1, 2, 1]);
      const cpu = await gradients(build, 'cpu', weights, x, labels);
      const wasm = await gradients(build, 'wasm', weights, x, labels);
      assertAllClose([wasm.loss], [cpu.loss], { rtol: 1e-5 }, 'loss');
      const names = Object.keys(cpu.grads);
      assert(names.length >= 6, `expected gradients for every trainable weight, got ${names.join(', ')}`);
      for (const name of names) {
        assertAllClose(wasm.grads[name]!, cpu.grads[name]!, { rtol: 1e-4, atol: 1e-6 }, `gradient of ${name}`);
      }
    });
  }

  test("our Sum, Mean (over the leading axes), _FusedMatMul (no bias) and FusedBatchNorm have the bits of tfjs-backend-wasm's own", async () => {
    // Training's bits (and so the network cache and the recorded cross-runtime run) stay as they
    // were before ours replaced them.
    const tf = await useTfjsBackend('wasm');
    await registerWasmKernels();
    const backend = tf.backend() as unknown as { readSync(id: object): Float32Array; disposeData(id: object): void };
    for (const [shape, axis] of [[[64, 24, 24, 20], [0, 1, 2]], [[64, 500], [0]], [[5, 7, 3], [1, 0]]] as const) {
      const x = tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), testRng(shape.length), -3, 3), [...shape]);
      for (const [kernel, op] of [['Sum', tf.sum], ['Mean', tf.mean]] as const) {
        const ours = op(x, [...axis], true);
        const original = originalWasmKernel(kernel);
        assert(original !== undefined, `${kernel} is replaced`);
        const info = original({ inputs: { x }, backend: tf.backend(), attrs: { axis: [...axis], keepDims: true } }) as { dataId: object; shape: number[] };
        assertDeepEqual(ours.shape, info.shape, `${kernel} [${shape}] shape`);
        assertBitEqual(ours.dataSync(), backend.readSync(info.dataId), `${kernel} [${shape}] over [${axis}]`);
        backend.disposeData(info.dataId);
        ours.dispose();
      }
      x.dispose();
    }
    // _FusedMatMul without a bias: ours ≡ XNNPACK's, in every transposition ours takes.
    for (const [m, k, n, transposeA, transposeB] of [[64, 800, 500, false, false], [13, 7, 9, true, false], [7, 13, 9, false, true]] as const) {
      const a = tf.tensor3d(randomArray(m * k, testRng(m + k)), transposeA ? [1, k, m] : [1, m, k]);
      const b = tf.tensor3d(randomArray(k * n, testRng(k + n)), transposeB ? [1, n, k] : [1, k, n]);
      const attrs = { transposeA, transposeB, activation: 'linear' as const };
      const ours = tf.engine().runKernel('_FusedMatMul', { a, b }, attrs) as ReturnType<typeof tf.add>;
      const info = originalWasmKernel('_FusedMatMul')!({ inputs: { a, b }, backend: tf.backend(), attrs }) as { dataId: object };
      assertBitEqual(ours.dataSync(), backend.readSync(info.dataId), `_FusedMatMul [${m}, ${k}] · [${k}, ${n}] (transposed ${transposeA}, ${transposeB})`);
      backend.disposeData(info.dataId);
      tf.dispose([a, b, ours]);
    }
    for (const shape of [[64, 24, 24, 20], [64, 500], [3, 7]] as const) {
      const n = shape.reduce((a, b) => a * b, 1);
      const c = shape.at(-1)!;
      const inputs = {
        x: tf.tensor(randomArray(n, testRng(c), -3, 3), [...shape]), mean: tf.tensor1d(randomArray(c, testRng(c + 1))),
        variance: tf.tensor1d(randomArray(c, testRng(c + 2), 0, 2)), offset: tf.tensor1d(randomArray(c, testRng(c + 3))),
        scale: tf.tensor1d(randomArray(c, testRng(c + 4))),
      };
      const ours = tf.batchNorm(inputs.x, inputs.mean, inputs.variance, inputs.offset, inputs.scale, 1e-3);
      const info = originalWasmKernel('FusedBatchNorm')!({ inputs, backend: tf.backend(), attrs: { varianceEpsilon: 1e-3 } }) as { dataId: object };
      assertBitEqual(ours.dataSync(), backend.readSync(info.dataId), `FusedBatchNorm [${shape}]`);
      backend.disposeData(info.dataId);
      tf.dispose([ours, ...Object.values(inputs)]);
    }
  });

  test('model.fit trains on wasm and the loss falls', async () => {
    const tf = await useTfjsBackend('wasm');
    await registerWasmKernels();
    const rng = testRng(12);
    // A learnable task: the class is which third of the image is brightest.
    const n = 48;
    const x = randomArray(n * 9 * 9 * 3, rng, 0, 0.2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      labels[i] = c;
      for (let yy = c * 3; yy < c * 3 + 3; yy++) for (let xx = 0; xx < 9; xx++) for (let ch = 0; ch < 3; ch++) {
        x[((i * 9 + yy) * 9 + xx) * 3 + ch]! += 0.8;
      }
    }
    const model = smallConvNet();
    const head = tfl.sequential({ layers: [model, tfl.layers.activation({ activation: 'softmax' })] });
    head.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
    const xs = tf.tensor4d(x, [n, 9, 9, 3]);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    // The optimizer creates its slots in the first epoch; after that the count must stay flat.
    const tensorsPerEpoch: number[] = [];
    const history = await head.fit(xs, ys, {
      epochs: 8, batchSize: 16, shuffle: false, verbose: 0,
      callbacks: { onEpochEnd: async () => void tensorsPerEpoch.push(tf.memory().numTensors) },
    });
    const losses = history.history['loss'] as number[];
    assert(losses[losses.length - 1]! < 0.5 * losses[0]!, `loss fell from ${losses[0]} to ${losses[losses.length - 1]}`);
    assert(
      tensorsPerEpoch.every((count) => count === tensorsPerEpoch[0]),
      `tensor count flat across epochs (no leak): ${tensorsPerEpoch.join(', ')}`,
    );
    tf.dispose([xs, ys]);
    head.dispose();
  });
});
