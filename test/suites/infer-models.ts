/**
 * Models and a measure for the slimprune/infer suites (model.json and ONNX): a model of every
 * layer and option the runtime runs, and how far a runtime's outputs are from model.predict's.
 * Not a suite itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertEqual } from '../harness.ts';
import { referenceModel, type InferenceModel } from 'slimprune/internal';
import { input, predict } from './random-models.ts';
import { ownModel } from './own-data-fixtures.ts';

/** The three reference networks and the residual/depthwise/concat model of own-data-fixtures.ts, named. */
export function referenceAndOwnModels(): [string, tfl.LayersModel][] {
  return [
    ['mnist-lenet', referenceModel('mnist-lenet', { seed: 1 })],
    ['cifar-vgg', referenceModel('cifar-vgg', { seed: 2 })],
    ['cifar-resnet', referenceModel('cifar-resnet', { seed: 3 })],
    ['own', ownModel(5)],
  ];
}

/**
 * model.predict and `runtime` on the same seeded batch: the largest difference relative to the
 * largest output. Disposes the runtime.
 */
export function runtimeAgreement(model: tfl.LayersModel, runtime: InferenceModel, batch: number, seed: number): number {
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
export function layerZoo(seed: number): tfl.LayersModel {
  let s = seed;
  const init = () => tfl.initializers.glorotUniform({ seed: s++ });
  const bias = () => tfl.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: s++ });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  const image = tfl.input({ shape: [15, 17, 3], name: 'image' });
  const padded = apply(tfl.layers.zeroPadding2d({ name: 'pad', padding: [[1, 0], [0, 2]] }), image); // 16 × 19
  let x = apply(tfl.layers.conv2d({ name: 'stride2', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu6', kernelInitializer: init(), biasInitializer: bias() }), padded);
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
  const branches = [
    ...activations.map((activation) => apply(tfl.layers.activation({ name: `act_${activation}`, activation }), merged)),
    apply(tfl.layers.leakyReLU({ name: 'leaky', alpha: 0.2 }), merged),
    apply(tfl.layers.elu({ name: 'elu_layer' }), merged),
  ];
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

