/**
 * The data loss and the accuracy count of one batch, for models that end in logits or in a
 * softmax. Call inside `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** What the model outputs: 'auto' reads the activation of the layer that makes the output. */
export type ModelOutput = 'auto' | 'logits' | 'probabilities';

/** Clipping of probabilities before the log, as tfjs-layers' categoricalCrossentropy does. */
const PROBABILITY_EPSILON = 1e-7;

export function resolveOutput(model: LayersModel, output: ModelOutput = 'auto'): 'logits' | 'probabilities' {
  if (output !== 'auto') return output;
  const source = (model.outputs[0] as unknown as { sourceLayer?: { getConfig(): Record<string, unknown> } }).sourceLayer;
  return source?.getConfig()['activation'] === 'softmax' ? 'probabilities' : 'logits';
}

/** Cross-entropy of one-hot `labels` against the model's `output`, summed or averaged over the batch. */
export function crossEntropy(
  oneHot: tf.Tensor, output: tf.Tensor, kind: 'logits' | 'probabilities', reduction: 'mean' | 'sum',
): tf.Scalar {
  if (kind === 'logits') {
    return tf.losses.softmaxCrossEntropy(
      oneHot, output, undefined, 0, reduction === 'sum' ? tf.Reduction.SUM : tf.Reduction.MEAN,
    ) as tf.Scalar;
  }
  const perImage = tf.neg(tf.sum(tf.mul(oneHot, tf.log(tf.clipByValue(output, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON))), -1));
  return (reduction === 'sum' ? tf.sum(perImage) : tf.mean(perImage)) as tf.Scalar;
}

/** How many rows of `output` have their largest value at the label. */
export function countCorrect(output: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), labels), 'int32'));
}
