/**
 * The reference networks of METHOD.md §10 as tfjs LayersModels, seeded: every initializer takes a
 * seed derived from one model seed (src/model/seed.ts), so the same seed builds the same weights
 * in Node, Deno and browsers. BatchNorm γ starts at `gammaInit` (METHOD.md §2: 0.5).
 *
 * Choices (ours, where METHOD.md leaves them open):
 * - A conv2d / dense followed by BatchNormalization has no bias: the BN's β does its job, and a
 *   bias before BN is cancelled by the BN's mean (it would only be dead weights to prune).
 * - BatchNormalization uses PyTorch's defaults, as the reference recipes (Network Slimming,
 *   Polarization) do: momentum 0.9 in Keras terms (PyTorch 0.1) and ε = 1e-5.
 * - Kernels: He-normal (tfjs's heNormal: truncated normal, fan-in) for layers followed by ReLU,
 *   Glorot-uniform for the logits layer; biases zero.
 * - ResNet-20 uses option B shortcuts (He et al. 2016): identity where the shape is unchanged,
 *   a 1×1 conv (stride 2) + BN projection at the two downsampling blocks. The CIFAR ResNet paper
 *   used option A (stride-2 subsampling + zero channel padding), which has no weights but needs a
 *   channel-padding layer that tfjs-layers lacks, and whose padded channels would couple a
 *   stage's group to a fixed zero block. Option B adds 2 · 131,072 multiply-adds (41M in total,
 *   as METHOD.md §10 says) and keeps each stage's residual group self-contained. Every Add couples
 *   its inputs' channels, so each stage is one group (its stem / projection BN and the second BN
 *   of each block); each block's first conv is a group of its own: 12 groups.
 * Layer names are fixed (not tfjs's global counters), so graphs, histories and reports name the
 * same layers in every run.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { checkSeed, SeedSequence } from './seed.ts';

export type ReferenceTask = 'mnist-lenet' | 'fashion-lenet' | 'cifar-vgg' | 'cifar-resnet';

export const REFERENCE_TASKS: readonly ReferenceTask[] = Object.freeze(['mnist-lenet', 'fashion-lenet', 'cifar-vgg', 'cifar-resnet']);

export interface ReferenceModelOptions {
  /** Seed of every initializer (u32). */
  readonly seed: number;
  /** Initial BatchNorm γ (METHOD.md §2: 0.5). */
  readonly gammaInit?: number;
}

/** METHOD.md §2: γ initialised to 0.5. */
export const DEFAULT_GAMMA_INIT = 0.5;

/** The per-example input shape [H, W, C] and number of classes of each reference task. */
export function referenceInput(task: ReferenceTask): { shape: [number, number, number]; classes: number } {
  switch (task) {
    case 'mnist-lenet':
    case 'fashion-lenet':
      return { shape: [28, 28, 1], classes: 10 };
    case 'cifar-vgg':
    case 'cifar-resnet':
      return { shape: [32, 32, 3], classes: 10 };
    default:
      throw new RangeError(`unknown reference task '${String(task)}'; expected one of ${REFERENCE_TASKS.join(', ')}`);
  }
}

/** The network of a reference task (METHOD.md §10), freshly initialised from `seed`. */
export function referenceModel(task: ReferenceTask, options: ReferenceModelOptions): tfl.LayersModel {
  referenceInput(task); // validates the name
  switch (task) {
    case 'mnist-lenet':
    case 'fashion-lenet':
      return lenet5BN(options);
    case 'cifar-vgg':
      return vgg11BNHalf(options);
    case 'cifar-resnet':
      return resnet20(options);
  }
}

function resolve(op: string, options: ReferenceModelOptions): { seeds: SeedSequence; gamma: number } {
  if (options === null || typeof options !== 'object') throw new TypeError(`${op}: options must be { seed, gammaInit? }`);
  const seed = checkSeed(op, options.seed);
  const gamma = options.gammaInit ?? DEFAULT_GAMMA_INIT;
  if (typeof gamma !== 'number' || !Number.isFinite(gamma)) throw new RangeError(`${op}: gammaInit must be a finite number, got ${String(gamma)}`);
  return { seeds: new SeedSequence(seed), gamma };
}

function batchNorm(name: string, gamma: number): tfl.layers.Layer {
  return tfl.layers.batchNormalization({
    name, axis: -1, momentum: 0.9, epsilon: 1e-5,
    gammaInitializer: tfl.initializers.constant({ value: gamma }),
  });
}

/**
 * LeNet-5-BN with Caffe's widths (METHOD.md §10): conv5×5 1→20, BN, ReLU, maxpool2; conv5×5
 * 20→50, BN, ReLU, maxpool2; flatten (4·4·50 = 800); dense 800→500, BN, ReLU; dense 500→10
 * (logits). Valid padding, 28×28×1 input. Prunable groups: 20, 50, 500.
 */
export function lenet5BN(options: ReferenceModelOptions): tfl.Sequential {
  const { seeds, gamma } = resolve('lenet5BN', options);
  const he = () => tfl.initializers.heNormal({ seed: seeds.next() });
  return tfl.sequential({
    name: 'lenet5_bn',
    layers: [
      tfl.layers.conv2d({ name: 'conv1', inputShape: [28, 28, 1], filters: 20, kernelSize: 5, padding: 'valid', useBias: false, kernelInitializer: he() }),
      batchNorm('bn1', gamma),
      tfl.layers.reLU({ name: 'relu1' }),
      tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }),
      tfl.layers.conv2d({ name: 'conv2', filters: 50, kernelSize: 5, padding: 'valid', useBias: false, kernelInitializer: he() }),
      batchNorm('bn2', gamma),
      tfl.layers.reLU({ name: 'relu2' }),
      tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2 }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'fc1', units: 500, useBias: false, kernelInitializer: he() }),
      batchNorm('bn3', gamma),
      tfl.layers.reLU({ name: 'relu3' }),
      tfl.layers.dense({ name: 'fc2', units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: seeds.next() }) }),
    ],
  });
}

/** VGG-11-BN at half width for 32×32×3 (METHOD.md §10). 'M' is a 2×2 max-pool. */
export const VGG11_HALF: readonly (number | 'M')[] = Object.freeze([32, 'M', 64, 'M', 128, 128, 'M', 256, 256, 'M', 256, 256, 'M']);

/**
 * VGG-11-BN at half width: conv3×3 same + BN + ReLU for each width of VGG11_HALF, 2×2 max-pools
 * at 'M', then flatten (1·1·256) and dense 256→10 (logits). About 38.6M multiply-adds per image.
 */
export function vgg11BNHalf(options: ReferenceModelOptions): tfl.Sequential {
  const { seeds, gamma } = resolve('vgg11BNHalf', options);
  const model = tfl.sequential({ name: 'vgg11_bn_half' });
  let conv = 0, pool = 0;
  for (const v of VGG11_HALF) {
    if (v === 'M') {
      model.add(tfl.layers.maxPooling2d({ name: `pool${++pool}`, poolSize: 2, strides: 2 }));
      continue;
    }
    conv++;
    model.add(tfl.layers.conv2d({
      name: `conv${conv}`, ...(conv === 1 ? { inputShape: [32, 32, 3] } : {}),
      filters: v, kernelSize: 3, padding: 'same', useBias: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: seeds.next() }),
    }));
    model.add(batchNorm(`bn${conv}`, gamma));
    model.add(tfl.layers.reLU({ name: `relu${conv}` }));
  }
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ name: 'fc', units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: seeds.next() }) }));
  return model;
}

/**
 * ResNet-20 for CIFAR (He et al. 2016, §4.2): conv3×3 16 + BN + ReLU; three stages of three basic
 * blocks (conv3×3 + BN + ReLU + conv3×3 + BN, plus the shortcut, Add, ReLU) of widths 16, 32, 64,
 * the first block of stages 2 and 3 with stride 2 and an option-B projection shortcut (see the
 * file comment); global average pooling; dense 64→10 (logits). About 40.8M multiply-adds per image.
 */
export function resnet20(options: ReferenceModelOptions): tfl.LayersModel {
  const { seeds, gamma } = resolve('resnet20', options);
  const conv = (name: string, filters: number, kernelSize: number, strides: number) =>
    tfl.layers.conv2d({
      name, filters, kernelSize, strides, padding: 'same', useBias: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: seeds.next() }),
    });
  const input = tfl.input({ name: 'input', shape: [32, 32, 3] });
  let x = conv('stem_conv', 16, 3, 1).apply(input) as tfl.SymbolicTensor;
  x = batchNorm('stem_bn', gamma).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'stem_relu' }).apply(x) as tfl.SymbolicTensor;
  const widths = [16, 32, 64];
  for (let s = 0; s < 3; s++) {
    for (let b = 0; b < 3; b++) {
      const p = `s${s + 1}b${b + 1}`;
      const stride = s > 0 && b === 0 ? 2 : 1;
      let y = conv(`${p}_conv1`, widths[s]!, 3, stride).apply(x) as tfl.SymbolicTensor;
      y = batchNorm(`${p}_bn1`, gamma).apply(y) as tfl.SymbolicTensor;
      y = tfl.layers.reLU({ name: `${p}_relu1` }).apply(y) as tfl.SymbolicTensor;
      y = conv(`${p}_conv2`, widths[s]!, 3, 1).apply(y) as tfl.SymbolicTensor;
      y = batchNorm(`${p}_bn2`, gamma).apply(y) as tfl.SymbolicTensor;
      let shortcut = x;
      if (stride !== 1) {
        shortcut = conv(`${p}_proj_conv`, widths[s]!, 1, stride).apply(x) as tfl.SymbolicTensor;
        shortcut = batchNorm(`${p}_proj_bn`, gamma).apply(shortcut) as tfl.SymbolicTensor;
      }
      x = tfl.layers.add({ name: `${p}_add` }).apply([y, shortcut]) as tfl.SymbolicTensor;
      x = tfl.layers.reLU({ name: `${p}_relu2` }).apply(x) as tfl.SymbolicTensor;
    }
  }
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ name: 'fc', units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: seeds.next() }) })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ name: 'resnet20', inputs: input, outputs: logits });
}
