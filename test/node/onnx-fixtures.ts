// Models and checks shared by the ONNX export tests: the networks exported (the reference nets,
// the own-data model, and a model of every other layer kind the exporter writes), BatchNorm given
// statistics that are not the identity, a random channel mask pruned through the library, and the
// agreement of two outputs.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildGraph, compactModel, fuseBatchNorm, keepBitsetFromIndices, referenceModel, Xoshiro128 } from 'slimprune/internal';
import { ownModel } from '../suites/own-data-fixtures.ts';

/** The tolerance of every comparison: max |ONNX − tfjs| ≤ RELATIVE_TOLERANCE · max |tfjs|. */
export const RELATIVE_TOLERANCE = 1e-5;

/**
 * Every BatchNormalization of `model` gets random γ ∈ [0.5, 1.5), β ∈ [−0.5, 0.5), moving mean
 * ∈ [−0.5, 0.5) and variance ∈ [0.5, 2): with the initial (0, 1) statistics an exporter that
 * dropped the moving statistics, or swapped mean and β, would still agree.
 */
export function randomizeBatchNorm(model: tfl.LayersModel, seed: number): tfl.LayersModel {
  const rng = new Xoshiro128(seed);
  const ranges: Record<string, [number, number]> = { gamma: [0.5, 1.5], beta: [-0.5, 0.5], moving_mean: [-0.5, 0.5], moving_variance: [0.5, 2] };
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(layer.weights.map((w) => {
      const [lo, hi] = ranges[w.originalName.split('/').pop()!]!;
      return tf.tensor(Float32Array.from({ length: w.shape.reduce((a, b) => a! * b!, 1)! }, () => lo + (hi - lo) * rng.uniform()), w.shape as number[]);
    }));
  }
  return model;
}

/** The model compacted by the library to a random half (at least one) of each group's channels. */
export async function randomlyPruned(model: tfl.LayersModel, seed: number): Promise<tfl.LayersModel> {
  const graph = buildGraph(model);
  const rng = new Xoshiro128(seed);
  const masks = graph.groups.map((g) => {
    const order = Array.from({ length: g.width }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return keepBitsetFromIndices(g.width, order.slice(0, Math.max(1, Math.floor(g.width / 2))).sort((a, b) => a - b));
  });
  return (await compactModel(model, masks, { graph })).model;
}

export const deployed = async (model: tfl.LayersModel): Promise<tfl.LayersModel> => (await fuseBatchNorm(model)).model;

/** The networks the exporter must write, each with non-trivial BatchNorm statistics. */
export const NETWORKS: Record<string, () => tfl.LayersModel> = {
  'LeNet-5-BN': () => randomizeBatchNorm(referenceModel('mnist-lenet', { seed: 11 }), 1),
  'VGG-11-BN (half)': () => randomizeBatchNorm(referenceModel('cifar-vgg', { seed: 12 }), 2),
  'ResNet-20': () => randomizeBatchNorm(referenceModel('cifar-resnet', { seed: 13 }), 3),
  'ownModel (Add, DepthwiseConv2D, Concatenate)': () => randomizeBatchNorm(ownModel(14), 4),
};

/**
 * Every layer kind and option the reference networks leave out, in one functional model of two
 * inputs and three outputs (one of them spatial, so NHWC again at the output):
 * ZeroPadding2D to an even size, so the stride-2 'same' convolution pads TensorFlow's extra pixel
 * at the bottom/right only; a dilated 'same' convolution; a depthwise convolution with multiplier
 * 2 and stride 2; a BatchNormalization without γ and β; 'same' average pooling (the padded cells not counted) and max pooling; every
 * merge layer; Concatenate over height (axis 1) and channels; each activation; a Softmax layer on
 * an NCHW value (its axis mapped); Dense on an image batch (over its channels) and without bias;
 * the global poolings; a Dropout as an output.
 */
export function layerZoo(seed = 21): tfl.LayersModel {
  let s = seed;
  const init = () => tfl.initializers.glorotUniform({ seed: s++ });
  const bias = () => tfl.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: s++ });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  const a = tfl.input({ shape: [15, 17, 3], name: 'a' });
  const b = tfl.input({ shape: [15, 17, 3], name: 'b' });
  let x = apply(tfl.layers.multiply({ name: 'product' }), [a, b]);
  x = apply(tfl.layers.zeroPadding2d({ name: 'pad', padding: [[1, 0], [0, 1]] }), x); // 16 × 18
  x = apply(tfl.layers.conv2d({ name: 'stride2', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu6', kernelInitializer: init(), biasInitializer: bias() }), x); // 8 × 9
  x = apply(tfl.layers.conv2d({ name: 'dilated', filters: 6, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'elu', kernelInitializer: init(), biasInitializer: bias() }), x);
  x = apply(tfl.layers.depthwiseConv2d({ name: 'depthwise', kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'selu', depthwiseInitializer: init(), biasInitializer: bias() }), x); // 4 × 5 × 12
  x = apply(tfl.layers.batchNormalization({ name: 'bn' }), x);
  x = apply(tfl.layers.leakyReLU({ name: 'leaky', alpha: 0.1 }), x);
  const avg = apply(tfl.layers.averagePooling2d({ name: 'avg_pool', poolSize: 3, strides: 2, padding: 'same' }), x); // 2 × 3
  const max = apply(tfl.layers.maxPooling2d({ name: 'max_pool', poolSize: 3, strides: 2, padding: 'same' }), x);
  const mean = apply(tfl.layers.average({ name: 'mean' }), [avg, max]);
  const most = apply(tfl.layers.maximum({ name: 'most' }), [avg, max]);
  const least = apply(tfl.layers.minimum({ name: 'least' }), [avg, max]);
  const tall = apply(tfl.layers.concatenate({ name: 'tall', axis: 1 }), [mean, most]); // 4 × 3 × 12
  let wide = apply(tfl.layers.concatenate({ name: 'wide' }), [most, least]); // 2 × 3 × 24
  wide = apply(tfl.layers.batchNormalization({ name: 'bn_plain', center: false, scale: false, epsilon: 0.01 }), wide); // no γ, no β
  const activations = ['relu', 'linear', 'tanh', 'sigmoid', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'mish', 'gelu', 'softmax'] as const;
  const branches = activations.map((activation) => apply(tfl.layers.activation({ name: `act_${activation}`, activation }), tall));
  let sum = apply(tfl.layers.add({ name: 'sum' }), branches);
  sum = apply(tfl.layers.reLU({ name: 'capped', maxValue: 2.5 }), sum);
  sum = apply(tfl.layers.elu({ name: 'elu_layer' }), sum);
  const spatial = apply(tfl.layers.softmax({ name: 'over_channels', axis: -1 }), sum);
  const perPixel = apply(tfl.layers.dense({ name: 'per_pixel', units: 5, activation: 'logSoftmax' as never, kernelInitializer: init(), biasInitializer: bias() }), wide);
  const pooled = apply(tfl.layers.concatenate({ name: 'pooled' }), [
    apply(tfl.layers.globalMaxPooling2d({ name: 'gmp' }), perPixel),
    apply(tfl.layers.globalAveragePooling2d({ name: 'gap' }), tall),
  ]);
  const summary = apply(tfl.layers.dense({ name: 'summary', units: 4, kernelInitializer: init(), biasInitializer: bias() }), pooled);
  const flat = apply(tfl.layers.flatten({ name: 'flat' }), wide);
  const probabilities = apply(tfl.layers.dense({ name: 'probabilities', units: 7, useBias: false, activation: 'softmax', kernelInitializer: init() }), flat);
  const kept = apply(tfl.layers.dropout({ name: 'kept', rate: 0.5 }), probabilities);
  return randomizeBatchNorm(tfl.model({ name: 'layer_zoo', inputs: [a, b], outputs: [spatial, kept, summary] }), seed);
}

/** The largest |a − b| over the largest |b| (the largest |a − b| itself where b is all zeros). */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) throw new Error(`outputs of ${got.length} and ${want.length} values`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Seeded N(0, 1) inputs of `batch` images for each of the model's inputs, NHWC. */
export function randomInputs(model: tfl.LayersModel, batch: number, seed: number): { name: string; shape: number[]; data: Float32Array }[] {
  return model.inputs.map((t, i) => {
    const shape = [batch, ...(t.shape.slice(1) as number[])];
    const data = tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed + i).dataSync() as Float32Array);
    return { name: t.sourceLayer.name, shape, data: Float32Array.from(data) };
  });
}

/** model.predict's outputs on `inputs`, by output layer name. */
export function tfjsOutputs(model: tfl.LayersModel, inputs: ReturnType<typeof randomInputs>): Map<string, Float32Array> {
  const xs = inputs.map((x) => tf.tensor(x.data, x.shape));
  const ys = model.predict(xs.length === 1 ? xs[0]! : xs);
  const list = Array.isArray(ys) ? ys : [ys];
  const outputs = new Map(list.map((y, i) => [model.outputs[i]!.sourceLayer.name, Float32Array.from(y.dataSync() as Float32Array)]));
  tf.dispose([...xs, ...list]);
  return outputs;
}
