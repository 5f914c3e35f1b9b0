/** Accuracy and mean cross-entropy of a model on a batch source, in inference mode. */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BatchTensors, type BatchSource } from './batch.ts';
import { countCorrect, crossEntropy, resolveOutput, type ModelOutput } from './loss.ts';
import { useTrainingBackend, type TrainingBackend } from './backend.ts';

export interface EvaluateOptions {
  /** Switch to this backend first (default: stay on the current one). */
  readonly backend?: TrainingBackend;
  readonly output?: ModelOutput;
  /** Passed to `source.batches` (default 0). */
  readonly epoch?: number;
}

export interface Evaluation {
  /** Mean cross-entropy per image. */
  readonly loss: number;
  readonly accuracy: number;
  readonly images: number;
  /** Accuracy on the images of each class (label order); null for a class with no image here. */
  readonly classAccuracy: readonly (number | null)[];
}

/**
 * Runs the model in inference mode (BatchNorm uses its moving statistics and nothing is updated)
 * over every batch of `source.epoch(epoch)`.
 */
export async function evaluate(model: LayersModel, source: BatchSource, options: EvaluateOptions = {}): Promise<Evaluation> {
  if (options.backend !== undefined) await useTrainingBackend(options.backend);
  const kind = resolveOutput(model, options.output);
  const reader = new BatchTensors(model.inputs[0]!.shape, model.outputs[0]!.shape.at(-1) as number);
  let lossSum = 0;
  let correct = 0;
  let images = 0;
  const classImages = new Float64Array(reader.classes);
  const classHits = new Float64Array(reader.classes);
  for await (const batch of source.epoch(options.epoch ?? 0)) {
    const [loss, hits, predicted] = tf.tidy(() => {
      const { x, labels } = reader.tensors(batch);
      const out = model.apply(x, { training: false }) as tf.Tensor;
      return [crossEntropy(tf.oneHot(labels, reader.classes), out, kind, 'sum'), countCorrect(out, labels), tf.argMax(out, -1)];
    });
    const [l, c, p] = await Promise.all([loss.data(), hits.data(), predicted.data()]);
    tf.dispose([loss, hits, predicted]);
    lossSum += l[0]!;
    correct += c[0]!;
    images += batch.size;
    for (let i = 0; i < batch.size; i++) {
      const label = batch.labels[i]!;
      classImages[label] = classImages[label]! + 1;
      if (p[i] === label) classHits[label] = classHits[label]! + 1;
    }
  }
  if (images === 0) throw new Error('the evaluation source yielded no batches');
  const classAccuracy = Array.from(classImages, (n, k) => (n === 0 ? null : classHits[k]! / n));
  return { loss: lossSum / images, accuracy: correct / images, images, classAccuracy };
}
