// slimprune/infer: a saved model run on the WebAssembly kernels without tfjs gives the outputs of
// tfjs's model.predict (within 1e-5 of the largest output) on random chain, residual, concat and
// depthwise models and on the reference networks, compact (with BatchNorm) and deployed
// (BatchNorm folded), pruned or not, at batch 1 and larger; it refuses what it cannot run, naming
// the layer, and a model.json whose weights do not fit. (ONNX files: infer-onnx.suite.ts.)
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { suite, assert, assertAllClose, assertEqual, assertRejects, assertThrows, testRng } from '../harness.ts';
import { useTfjsBackend } from '../tfjs.ts';
import { loadInferenceModel, exportModel, fuseBatchNorm, referenceModel, buildGraph, compactModel } from 'slimprune/internal';
import { RANDOM_KINDS, input, randomMasks, randomModel, randomizeWeights } from './random-models.ts';
import { ownModel } from './own-data-fixtures.ts';
import { layerZoo, referenceAndOwnModels, runtimeAgreement } from './infer-models.ts';

/** model.predict and slimprune/infer (from model.json) on the same batch: the largest difference relative to the largest output. */
async function agreement(model: tfl.LayersModel, batch: number, seed: number): Promise<number> {
  const exported = await exportModel(model);
  return runtimeAgreement(model, await loadInferenceModel({ modelJson: exported.modelJson, weights: exported.weights }), batch, seed);
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
    for (const [name, model] of referenceAndOwnModels()) {
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

  test('Reshape and Permute layers ≡ model.predict; an activation layer after a convolution or dense layer runs as its epilogue', async () => {
    await useTfjsBackend('cpu');
    const image = tfl.input({ shape: [6, 7, 3] });
    const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor) => layer.apply(x) as tfl.SymbolicTensor;
    let x = apply(tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same' }), image);
    x = apply(tfl.layers.reLU({ name: 'conv_relu' }), x);
    x = apply(tfl.layers.reshape({ name: 'regrid', targetShape: [7, 6, 4] }), x);
    x = apply(tfl.layers.permute({ name: 'swap', dims: [2, 1, 3] }), x);
    x = apply(tfl.layers.conv2d({ name: 'conv2', filters: 3, kernelSize: 2 }), x);
    x = apply(tfl.layers.reshape({ name: 'rows', targetShape: [90] }), x);
    x = apply(tfl.layers.dense({ name: 'dense', units: 5 }), x);
    x = apply(tfl.layers.activation({ name: 'probabilities', activation: 'softmax' }), x);
    const model = tfl.model({ inputs: image, outputs: x });
    randomizeWeights(model, testRng(404));
    for (const batch of [1, 3]) {
      const error = await agreement(model, batch, batch);
      assert(error <= 1e-5, `batch ${batch}: off by ${error} of the largest output`);
    }
    const files = await exportModel(model);
    const runtime = await loadInferenceModel({ modelJson: files.modelJson, weights: files.weights });
    // The ReLU and the softmax are their layers' epilogues; the Reshapes only rename buffers.
    assertEqual(runtime.steps.map((s) => s.className).join(', '), 'Conv2D, Permute, Conv2D, Dense', 'steps');
    runtime.dispose();
    model.dispose();
  });

  test("a ZeroPadding2D read only by a 'valid' convolution becomes its padding (Keras's stride-2 stems); before a 'same' one or read twice, it stays", async () => {
    await useTfjsBackend('cpu');
    const image = tfl.input({ shape: [9, 11, 3] });
    const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
    // ResNet50's stem: pad 3, a 7×7 stride-2 'valid' convolution; MobileNetV2's: an asymmetric pad
    // before a stride-2 'valid' depthwise one; the pads as large as the window, to the bottom-right.
    let x = apply(tfl.layers.zeroPadding2d({ name: 'stem_pad', padding: 3 }), image);
    x = apply(tfl.layers.conv2d({ name: 'stem', filters: 6, kernelSize: 7, strides: 2, activation: 'relu' }), x);
    x = apply(tfl.layers.zeroPadding2d({ name: 'dw_pad', padding: [[0, 3], [0, 3]] }), x);
    x = apply(tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, strides: 2 }), x);
    const kept = apply(tfl.layers.zeroPadding2d({ name: 'kept_pad', padding: 1 }), x);
    const same = apply(tfl.layers.conv2d({ name: 'same', filters: 4, kernelSize: 3, padding: 'same' }), kept);
    const twice = apply(tfl.layers.zeroPadding2d({ name: 'read_twice', padding: [[1, 0], [0, 1]] }), same);
    const a = apply(tfl.layers.conv2d({ name: 'a', filters: 2, kernelSize: 2 }), twice);
    const b = apply(tfl.layers.conv2d({ name: 'b', filters: 2, kernelSize: 2 }), twice);
    const model = tfl.model({ inputs: image, outputs: apply(tfl.layers.add({ name: 'sum' }), [a, b]) });
    randomizeWeights(model, testRng(405));
    for (const batch of [1, 3]) {
      const error = await agreement(model, batch, batch);
      assert(error <= 1e-5, `batch ${batch}: off by ${error} of the largest output`);
    }
    const files = await exportModel(model);
    const runtime = await loadInferenceModel({ modelJson: files.modelJson, weights: files.weights });
    assertEqual(runtime.steps.map((s) => s.name).join(', '), 'stem, dw, kept_pad, same, read_twice, a, b', 'steps');
    runtime.dispose();
    model.dispose();
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
