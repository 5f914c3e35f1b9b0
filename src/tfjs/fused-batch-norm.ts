/**
 * Training-mode BatchNorm as two fused kernels instead of tfjs's graph of about twenty tensor ops.
 *
 * tfjs-layers' BatchNormalization, training, computes tf.moments (Mean, Cast, Sub, Square,
 * Mean), then tf.batchNorm, and tfjs differentiates each op: on LeNet-5's first activation
 * ([64, 24, 24, 20]) the forward and backward passes cost about 15 ms of a 100 ms training step
 * (tf.profile), each op a pass over the activation. While the trainer computes gradients on
 * 'wasm', such a layer instead runs our moments kernel, tfjs's own FusedBatchNorm kernel, and a
 * custom gradient that is one kernel (assembly/batch_norm_training.ts) performing the same f32
 * operations in the same order as tfjs's gradients of that graph: the same bits for x's, γ's and
 * β's gradients and the moving statistics (a test checks the trainer's step both ways).
 *
 * Layers this does not cover (normalizing another axis than the last, without γ or β, another
 * dtype, another backend, inference) run tfjs-layers' own call.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BATCH_MOMENTS, BATCH_NORM_GRAD } from './kernels/BatchNormTraining.ts';

/** The parts of tfjs-layers' BatchNormalization this reads (its fields are not in the public typings). */
interface BatchNormLayer {
  getClassName(): string;
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly gamma: { read(): tf.Tensor } | null | undefined;
  readonly beta: { read(): tf.Tensor } | null | undefined;
  readonly movingMean: { read(): tf.Tensor; write(value: tf.Tensor): void };
  readonly movingVariance: { read(): tf.Tensor; write(value: tf.Tensor): void };
  call: (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
}

/** The BatchNormalization layers of `model` with γ and β, whose training mode this can fuse. */
export function fusableBatchNorms(model: LayersModel): readonly BatchNormLayer[] {
  return (model.layers as unknown as BatchNormLayer[]).filter((layer) =>
    layer.getClassName() === 'BatchNormalization' && layer.center && layer.scale);
}

/** Whether the fused kernels can run here: the 'wasm' backend with our kernels registered. */
export function fusedBatchNormAvailable(): boolean {
  return tf.getBackend() === 'wasm' &&
    tf.getKernel(BATCH_MOMENTS, 'wasm') !== undefined && tf.getKernel(BATCH_NORM_GRAD, 'wasm') !== undefined;
}

/**
 * Runs `body` with the given layers' training mode fused (when fusedBatchNormAvailable()), and
 * puts their own `call` back after, also when `body` throws.
 */
export function withFusedBatchNorm<T>(layers: readonly BatchNormLayer[], body: () => T): T {
  if (layers.length === 0 || !fusedBatchNormAvailable()) return body();
  for (const layer of layers) {
    const own = Object.getPrototypeOf(layer).call as BatchNormLayer['call'];
    layer.call = (inputs, kwargs) => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
      const lastAxis = layer.axis === -1 || layer.axis === x.rank - 1;
      const fusable = kwargs['training'] === true && lastAxis && x.rank >= 2 && x.rank <= 4 && x.dtype === 'float32' &&
        x.size > 0 && layer.gamma != null && layer.beta != null;
      return fusable ? trainingCall(layer, x) : own.call(layer, inputs, kwargs);
    };
  }
  try {
    return body();
  } finally {
    // The override is an own property; removing it exposes the prototype's call again.
    for (const layer of layers) delete (layer as Partial<BatchNormLayer>).call;
  }
}

/** tfjs-layers' BatchNormalization.call in training, with the moments and the gradient fused. */
function trainingCall(layer: BatchNormLayer, input: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // Outside the custom op, whose forward pass runs in a scope of its own: the moving averages
    // need them after it. The tape records no path from them to the loss (they reach the
    // normalization through this closure, and its gradient accounts for them).
    const [mean, variance] = tf.engine().runKernel(BATCH_MOMENTS, { x: input }) as [tf.Tensor1D, tf.Tensor1D];
    const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      save([x, mean, variance, gamma]);
      return {
        value: tf.batchNorm(x, mean, variance, beta, gamma, layer.epsilon),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sMean, sVariance, sGamma] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          // The per-channel factors as tfjs's FusedBatchNorm gradient computes them.
          const rsqrt = tf.rsqrt(tf.add(sVariance, tf.scalar(layer.epsilon)));
          const minusHalfRsqrtCubed = tf.mul(tf.mul(tf.mul(rsqrt, rsqrt), rsqrt), tf.scalar(-0.5));
          const minusRsqrt = tf.mul(rsqrt, tf.scalar(-1));
          return tf.engine().runKernel(BATCH_NORM_GRAD, {
            x: sx, dy, mean: sMean, scale: sGamma, rsqrt, minusRsqrt, minusHalfRsqrtCubed,
          }) as tf.Tensor[];
        },
      };
    });
    const normed = normalize(input, layer.gamma!.read(), layer.beta!.read());
    // tfjs-layers' moving averages, op for op.
    const doMovingAverage = (variable: BatchNormLayer['movingMean'], value: tf.Tensor, momentum: number) => {
      tf.tidy(() => {
        const decay = 1 - momentum;
        const origValue = variable.read();
        const updateDelta = tf.mul(tf.sub(origValue, value), decay);
        variable.write(tf.sub(origValue, updateDelta));
      });
    };
    doMovingAverage(layer.movingMean, mean, layer.momentum);
    doMovingAverage(layer.movingVariance, variance, layer.momentum);
    return normed;
  });
}
