// slimprune/infer: a saved model run on the WebAssembly kernels without tfjs gives the outputs of
// tfjs's model.predict (within 1e-5 of the largest output) on random chain, residual, concat and
// depthwise models and on the reference networks, compact (with BatchNorm) and deployed
// (BatchNorm folded), pruned or not, at batch 1 and larger; it refuses what it cannot run, naming
// the layer, and a model.json whose weights do not fit.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { suite, assert, assertAllClose, assertEqual, assertRejects, assertThrows, testRng } from '../harness.ts';
import { useTfjsBackend } from '../tfjs.ts';
import { loadInferenceModel, exportModel, fuseBatchNorm, referenceModel, buildGraph, compactModel } from 'slimprune/internal';
import { RANDOM_KINDS, input, predict, randomMasks, randomModel, randomizeWeights } from './random-models.ts';
import { ownModel } from './own-data-fixtures.ts';

/** model.predict and slimprune/infer on the same batch: the largest difference relative to the largest output. */
async function agreement(model: tfl.LayersModel, batch: number, seed: number): Promise<number> {
  const exported = await exportModel(model);
  const runtime = await loadInferenceModel({ modelJson: exported.modelJson, weights: exported.weights });
  const x = input(model, batch, seed);
  const want = predict(model, x);
  const got = runtime.predict(x.dataSync() as Float32Array, batch);
  tf.dispose(x);
  runtime.dispose();
  assertEqual(got.length, want.length, 'output size');
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  return worst / scale;
}

/**
 * One model of every layer and option slimprune/infer runs, on odd sizes: 'same' convolutions,
 * poolings and a depthwise convolution at stride 2 (TF pads the extra pixel at the bottom/right;
 * an average counts only pixels inside), a dilated convolution, BatchNorm without γ and β, the
 * merges, each activation, Dense on an image (over its channels) and the global poolings.
 */
function layerZoo(seed: number): tfl.LayersModel {
  let s = seed;
  const init = () => tfl.initializers.glorotUniform({ seed: s++ });
  const bias = () => tfl.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: s++ });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  const image = tfl.input({ shape: [15, 17, 3], name: 'image' });
  let x = apply(tfl.layers.conv2d({ name: 'stride2', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu6', kernelInitializer: init(), biasInitializer: bias() }), image);
  x = apply(tfl.layers.conv2d({ name: 'dilated', filters: 6, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'elu', kernelInitializer: init(), biasInitializer: bias() }), x);
  x = apply(tfl.layers.depthwiseConv2d({ name: 'depthwise', kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'selu', depthwiseInitializer: init(), biasInitializer: bias() }), x);
  x = apply(tfl.layers.batchNormalization({ name: 'bn_plain', center: false, scale: false, epsilon: 0.01 }), x);
  const avg = apply(tfl.layers.averagePooling2d({ name: 'avg_pool', poolSize: 3, strides: 2, padding: 'same' }), x);
  const max = apply(tfl.layers.maxPooling2d({ name: 'max_pool', poolSize: 3, strides: 2, padding: 'same' }), x);
  const merged = apply(tfl.layers.concatenate({ name: 'merged' }), [
    apply(tfl.layers.add({ name: 'sum' }), [avg, max]),
    apply(tfl.layers.multiply({ name: 'product' }), [avg, max]),
  ]);
  const activations = ['sigmoid', 'tanh', 'softplus', 'softmax', 'relu'] as const;
  const branches = activations.map((activation) => apply(tfl.layers.activation({ name: `act_${activation}`, activation }), merged));
  let y = apply(tfl.layers.add({ name: 'branches' }), branches);
  y = apply(tfl.layers.reLU({ name: 'capped', maxValue: 6 }), y);
  y = apply(tfl.layers.softmax({ name: 'over_channels', axis: -1 }), y);
  const perPixel = apply(tfl.layers.dense({ name: 'per_pixel', units: 5, activation: 'tanh', kernelInitializer: init(), biasInitializer: bias() }), y);
  const pooled = apply(tfl.layers.concatenate({ name: 'pooled' }), [
    apply(tfl.layers.globalMaxPooling2d({ name: 'gmp' }), perPixel),
    apply(tfl.layers.globalAveragePooling2d({ name: 'gap' }), y),
  ]);
  const flat = apply(tfl.layers.flatten({ name: 'flat' }), perPixel);
  const both = apply(tfl.layers.concatenate({ name: 'both' }), [pooled, flat]);
  const dropped = apply(tfl.layers.dropout({ name: 'dropped', rate: 0.5 }), both);
  const out = apply(tfl.layers.dense({ name: 'probabilities', units: 7, useBias: false, activation: 'softmax', kernelInitializer: init() }), dropped);
  return tfl.model({ name: 'layer_zoo', inputs: image, outputs: out });
}

export const inferSuite = suite('slimprune/infer', (test) => {
  test('≡ model.predict on a model of every layer and option it runs, at odd sizes', async () => {
    await useTfjsBackend('cpu');
    const model = layerZoo(31);
    randomizeWeights(model, testRng(400));
    for (const batch of [1, 2]) {
      const error = await agreement(model, batch, 5 + batch);
      assert(error <= 1e-5, `layer zoo, batch ${batch}: off by ${error} of the largest output`);
    }
    model.dispose();
  });

  test('≡ model.predict on random chain, residual, concat and depthwise models, compact and deployed', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(401);
    for (const kind of RANDOM_KINDS) {
      for (let trial = 0; trial < 2; trial++) {
        const model = randomModel(kind, rng);
        randomizeWeights(model, rng);
        const { model: deployed } = await fuseBatchNorm(model);
        for (const [form, m] of [['compact', model], ['deployed', deployed]] as const) {
          for (const batch of [1, 3]) {
            const error = await agreement(m, batch, trial + batch);
            assert(error <= 1e-5, `${kind} #${trial} ${form}, batch ${batch}: off by ${error} of the largest output`);
          }
        }
        model.dispose();
        deployed.dispose();
      }
    }
  });

  test('≡ model.predict on LeNet, the VGG, ResNet-20 and a residual/depthwise/concat model, pruned and deployed', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(402);
    const models: [string, tfl.LayersModel][] = [
      ['mnist-lenet', referenceModel('mnist-lenet', { seed: 1 })],
      ['cifar-vgg', referenceModel('cifar-vgg', { seed: 2 })],
      ['cifar-resnet', referenceModel('cifar-resnet', { seed: 3 })],
      ['own', ownModel(5)],
    ];
    for (const [name, model] of models) {
      randomizeWeights(model, rng);
      const graph = buildGraph(model);
      const { model: compact } = await compactModel(model, randomMasks(graph, rng, 0.5), { graph });
      const { model: deployed } = await fuseBatchNorm(compact);
      for (const [form, m] of [['compact', compact], ['deployed', deployed]] as const) {
        const error = await agreement(m, 2, 7);
        assert(error <= 1e-5, `${name} ${form}: off by ${error} of the largest output`);
      }
      [model, compact, deployed].forEach((m) => m.dispose());
    }
  });

  test('one model, several batch sizes in turn: each placement gives the same per-sample outputs', async () => {
    await useTfjsBackend('cpu');
    const model = referenceModel('mnist-lenet', { seed: 4 });
    randomizeWeights(model, testRng(403));
    const exported = await exportModel(model);
    const runtime = await loadInferenceModel({ modelJson: exported.modelJson, weights: exported.weights });
    const x = input(model, 4, 1).dataSync() as Float32Array;
    const four = runtime.predict(x, 4);
    const one = runtime.predict(x.subarray(0, 784), 1);
    const again = runtime.predict(x, 4);
    assertAllClose(one, four.subarray(0, 10), { rtol: 0, atol: 0 }, 'batch 1 = the first sample of batch 4');
    assertAllClose(again, four, { rtol: 0, atol: 0 }, 'batch 4 again, after batch 1');
    assertEqual(runtime.inputShape.join(','), '28,28,1', 'input shape');
    assertEqual(runtime.outputShape.join(','), '10', 'output shape');
    assertThrows(() => runtime.predict(x.subarray(0, 100), 1), /1 sample\(s\) of \[28, 28, 1\] are 784 values, got 100/, 'wrong input size');
    runtime.dispose();
    model.dispose();
  });

  test('refuses a layer it does not run, naming it, and weights that do not fit the manifest', async () => {
    await useTfjsBackend('cpu');
    const input = tfl.input({ shape: [8, 8, 2] });
    const up = tfl.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(input) as tfl.SymbolicTensor;
    const out = tfl.layers.conv2d({ filters: 3, kernelSize: 3, name: 'c' }).apply(up) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const exported = await exportModel(model);
    await assertRejects(
      () => loadInferenceModel({ modelJson: exported.modelJson, weights: exported.weights }),
      /cannot run up \(UpSampling2D\).*Run this model with tfjs, or export it to ONNX/s,
      'an unknown layer',
    );
    const small = referenceModel('mnist-lenet', { seed: 5 });
    const lenet = await exportModel(small);
    await assertRejects(
      () => loadInferenceModel({ modelJson: lenet.modelJson, weights: lenet.weights.subarray(0, 100) }),
      /weight conv1\/kernel \[5, 5, 1, \d+\] needs bytes 0–\d+, but the weight files hold 100/,
      'too few weight bytes',
    );
    model.dispose();
    small.dispose();
  });
});
