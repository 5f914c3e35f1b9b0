// Tiny models and a synthetic, learnable data set for the training suites: small enough that a
// whole training run takes a fraction of a second on either backend.
import * as tfl from '@tensorflow/tfjs-layers';
import { Xoshiro128, type BatchSource, type TrainingBatch } from 'slimprune/internal';

export const IMAGE = [6, 6, 1] as const;
export const CLASSES = 3;

const glorot = (seed: number) => tfl.initializers.glorotUniform({ seed });

/** conv3×3 (4) + BN + ReLU, flatten, dense (6) + BN + ReLU, dense (3 logits): two prunable layers. */
export function tinyNet(seed = 1, [filters, units]: readonly [number, number] = [4, 6]): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({
    inputShape: [...IMAGE], filters, kernelSize: 3, useBias: false, kernelInitializer: glorot(seed),
  }));
  model.add(tfl.layers.batchNormalization({ gammaInitializer: tfl.initializers.constant({ value: 0.5 }) }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units, useBias: false, kernelInitializer: glorot(seed + 1) }));
  model.add(tfl.layers.batchNormalization({ gammaInitializer: tfl.initializers.constant({ value: 0.5 }) }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.dense({ units: CLASSES, kernelInitializer: glorot(seed + 2) }));
  return model;
}

/** The same without BatchNormalization: nothing to regularize. */
export function tinyNetWithoutBN(seed = 1): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.flatten({ inputShape: [...IMAGE] }));
  model.add(tfl.layers.dense({ units: 6, activation: 'relu', kernelInitializer: glorot(seed) }));
  model.add(tfl.layers.dense({ units: CLASSES, kernelInitializer: glorot(seed + 1) }));
  return model;
}

export interface SyntheticSet {
  readonly x: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

/** The class of an image is which third of its rows is brightest (plus seeded noise). */
export function syntheticSet(count: number, seed: number): SyntheticSet {
  const rng = new Xoshiro128(seed);
  const [h, w, c] = IMAGE;
  const size = h * w * c;
  const x = new Float32Array(count * size);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % CLASSES;
    labels[i] = label;
    for (let y = 0; y < h; y++) {
      const bright = Math.floor(y / (h / CLASSES)) === label ? 1 : 0;
      for (let k = 0; k < w * c; k++) x[i * size + y * w * c + k] = bright + 0.6 * (rng.uniform() - 0.5);
    }
  }
  return { x, labels, count };
}

/**
 * Batches of a synthetic set in a seeded order per (seed, epoch), from buffers reused across
 * batches, as the data stage's Batcher does.
 */
export class SyntheticSource implements BatchSource {
  readonly batchesPerEpoch: number;
  private readonly xBuffer: Float32Array;
  private readonly labelBuffer: Int32Array;

  constructor(readonly set: SyntheticSet, readonly batchSize: number, readonly seed = 0, readonly shuffle = true) {
    this.batchesPerEpoch = Math.ceil(set.count / batchSize);
    this.xBuffer = new Float32Array(batchSize * (set.x.length / set.count));
    this.labelBuffer = new Int32Array(batchSize);
  }

  *epoch(epoch: number): Generator<TrainingBatch> {
    const order = Int32Array.from({ length: this.set.count }, (_, i) => i);
    if (this.shuffle) {
      const rng = new Xoshiro128(this.seed, epoch + 1);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.below(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
    const size = this.set.x.length / this.set.count;
    for (let start = 0; start < order.length; start += this.batchSize) {
      const n = Math.min(this.batchSize, order.length - start);
      for (let k = 0; k < n; k++) {
        const i = order[start + k]!;
        this.xBuffer.set(this.set.x.subarray(i * size, (i + 1) * size), k * size);
        this.labelBuffer[k] = this.set.labels[i]!;
      }
      yield { x: this.xBuffer, labels: this.labelBuffer, size: n };
    }
  }
}

/** Every weight of a model, copied, in `model.weights` order. */
export function weightValues(model: tfl.LayersModel): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
}
