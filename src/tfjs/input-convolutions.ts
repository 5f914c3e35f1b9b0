/**
 * The first convolution of a network reads the data, so training needs its filter's gradient and
 * not its input's. tfjs-layers' Conv2D calls tfjs's fused convolution, which tfjs keeps fused
 * under a gradient when the activation is linear (as before a BatchNorm), and whose gradient
 * computes the input's gradient eagerly with the filter's: on LeNet-5 that unused gradient was
 * 10.5 ms of a 100 ms training step (tf.profile, batch 64, conv1's Conv2DBackpropInput).
 *
 * While the trainer computes gradients, such a layer runs as the plain tf.conv2d (plus tf.add of
 * its bias) instead: the same forward kernel on the same operands, and a registered gradient that
 * tfjs evaluates only for the inputs it needs, i.e. the filter. The filter's gradient is the same
 * kernel call as the fused gradient's, so training gives the same bits (a test checks it).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** The parts of tfjs-layers' Conv2D this reads (its fields are not in the public typings). */
interface Conv2DLayer {
  readonly name: string;
  getClassName(): string;
  readonly inboundNodes: { readonly inboundLayers: { getClassName(): string }[] }[];
  readonly kernel: { read(): tf.Tensor };
  readonly bias: { read(): tf.Tensor } | null;
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: string;
  readonly dilationRate: number | number[];
  readonly activation: { getClassName(): string };
  call: (inputs: tf.Tensor | tf.Tensor[], kwargs: unknown) => tf.Tensor | tf.Tensor[];
}

/** The Conv2D layers that read a model input directly and that tfjs would run fused in training. */
export function inputConvolutions(model: LayersModel): readonly Conv2DLayer[] {
  return (model.layers as unknown as Conv2DLayer[]).filter((layer) =>
    layer.getClassName() === 'Conv2D' &&
    layer.dataFormat === 'channelsLast' &&
    // With another activation tfjs already runs it unfused under a gradient.
    layer.activation.getClassName() === 'linear' &&
    layer.inboundNodes.length === 1 &&
    layer.inboundNodes[0]!.inboundLayers.every((l) => l.getClassName() === 'InputLayer'));
}

/**
 * Runs `body` with the given layers computing tf.conv2d (+ bias) instead of the fused op, and
 * puts their own `call` back after, also when `body` throws.
 */
export function withUnfusedConvolutions<T>(layers: readonly Conv2DLayer[], body: () => T): T {
  for (const layer of layers) {
    layer.call = (inputs) => tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const dilations = typeof layer.dilationRate === 'number' ? layer.dilationRate : layer.dilationRate as [number, number];
      const y = tf.conv2d(x, layer.kernel.read() as tf.Tensor4D, layer.strides as [number, number], layer.padding, 'NHWC', dilations);
      return layer.bias ? tf.add(y, layer.bias.read()) : y;
    });
  }
  try {
    return body();
  } finally {
    // The override is an own property; removing it exposes the prototype's call again.
    for (const layer of layers) delete (layer as Partial<Conv2DLayer>).call;
  }
}
