/**
 * What the training loop needs from a data set: batches of normalised NHWC images with integer
 * labels, in an order that the source derives from its own seed. The loop owns no randomness of
 * its own, so a source whose order depends only on (seed, epoch) makes training reproducible
 * and resumable; a source with state carried across epochs exposes it for checkpoints.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * One batch: what the loop reads of the data stage's `Batch` (src/data/batcher.ts). Buffers may
 * be reused by the source once the next batch is requested.
 */
export interface TrainingBatch {
  /** Images, NHWC, normalised; at least `size` images long (a reused buffer may be longer). */
  readonly x: Float32Array;
  /** Class indices, at least `size` long. */
  readonly labels: ArrayLike<number>;
  /** Images in this batch (the last batch of an epoch may be short). */
  readonly size: number;
}

/** Where batches come from; the data stage's `Batcher` is one. */
export interface BatchSource {
  /** The batches of one epoch (0-based), in the order given by the source's seed and the epoch. */
  epoch(epoch: number): Iterable<TrainingBatch> | AsyncIterable<TrainingBatch>;
  /** Batches per epoch, for progress and ETA. */
  readonly batchesPerEpoch: number;
  /**
   * State that the order of later epochs depends on, as JSON-compatible data (e.g. a PRNG's
   * words), saved in checkpoints. Not needed when the order depends on (seed, epoch) alone.
   */
  getState?(): unknown;
  /** Restores what `getState` returned. */
  setState?(state: unknown): void;
}

/**
 * Turns batches into tensors for one model: checks sizes and labels, reuses one label buffer.
 * `tensors` must be called inside `tf.tidy`.
 */
export class BatchTensors {
  private labelBuffer = new Int32Array(0);
  readonly imageShape: readonly number[];
  readonly imageSize: number;

  constructor(inputShape: readonly (number | null)[], readonly classes: number) {
    const image = inputShape.slice(1);
    if (image.some((d) => d === null || !Number.isInteger(d))) {
      throw new Error(`the model's input shape [${inputShape.map(String)}] must be fixed apart from the batch dimension`);
    }
    this.imageShape = image as number[];
    this.imageSize = this.imageShape.reduce((n, d) => n * d, 1);
    if (!Number.isInteger(classes) || classes < 2) throw new Error(`the model must output at least 2 classes (got ${classes})`);
  }

  /** Labels as int32, validated: 0 <= label < classes. */
  labels(batch: TrainingBatch): Int32Array {
    const { size } = batch;
    if (!Number.isInteger(size) || size < 1) throw new Error(`a batch must hold at least one image (size ${String(size)})`);
    if (batch.x.length < size * this.imageSize) {
      throw new Error(
        `batch of ${size} images has ${batch.x.length} values; the model's input [${this.imageShape}] needs ${size * this.imageSize}`,
      );
    }
    if (batch.labels.length < size) throw new Error(`batch of ${size} images has only ${batch.labels.length} labels`);
    if (this.labelBuffer.length < size) this.labelBuffer = new Int32Array(size);
    const out = this.labelBuffer.subarray(0, size);
    for (let i = 0; i < size; i++) {
      const label = batch.labels[i]!;
      if (!Number.isInteger(label) || label < 0 || label >= this.classes) {
        throw new Error(`label ${String(label)} of image ${i} is not a class index in [0, ${this.classes})`);
      }
      out[i] = label;
    }
    return out;
  }

  /** The batch's images and labels as tensors (inside tf.tidy). */
  tensors(batch: TrainingBatch): { x: tf.Tensor; labels: tf.Tensor1D } {
    const labels = this.labels(batch);
    const x = tf.tensor(batch.x.subarray(0, batch.size * this.imageSize), [batch.size, ...this.imageShape]);
    return { x, labels: tf.tensor1d(labels, 'int32') };
  }
}
