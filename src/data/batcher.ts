/**
 * Mini-batches of normalised floats from an ImageSet, made on the fly into buffers allocated once
 * per Batcher: an epoch costs one pass over the bytes it uses, never a float copy of the set.
 *
 * Each epoch e visits the batcher's indices in a seeded order (stream RNG_PURPOSE.epoch·65536 + e,
 * see sampling.ts), so epoch e is the same in every runtime and can be replayed alone. With
 * augmentation, each image of the epoch draws, in visiting order and from its own stream
 * (RNG_PURPOSE.augment·65536 + e): dy = below(2·pad + 1) − pad, dx likewise, then flip = below(2) = 1.
 *
 * A Batcher is a training BatchSource (src/train/batch.ts): `epoch(e)` and
 * `batchesPerEpoch`, its order a function of (seed, epoch) alone, so it needs no checkpoint state.
 */
import type { ImageSet } from './image-set.ts';
import { BatchAssembly, type Batch, type BatcherOptions } from './batch-assembly.ts';

export type { Batch, BatcherOptions };

export class Batcher {
  readonly set: ImageSet;
  private readonly assembly: BatchAssembly;

  /** `indices`: the images to use (a shard or sample from sampling.ts); default all of `set`. */
  constructor(set: ImageSet, indices: Int32Array | undefined, options: BatcherOptions) {
    this.set = set;
    this.assembly = new BatchAssembly(set, indices, options, 'Batcher');
  }

  get batchSize(): number {
    return this.assembly.batchSize;
  }

  get indices(): Int32Array {
    return this.assembly.indices;
  }

  get batchesPerEpoch(): number {
    return this.assembly.batchesPerEpoch;
  }

  /** Images per epoch (the dropped remainder excluded). */
  get samplesPerEpoch(): number {
    return this.assembly.samplesPerEpoch;
  }

  /** The order in which epoch `epoch` visits the images (a new array). */
  epochOrder(epoch: number): Int32Array {
    return this.assembly.plan(epoch).order.slice();
  }

  /**
   * The batches of epoch `epoch` (an integer in 0..65535). Each batch's arrays are views of
   * buffers the next batch overwrites: consume (or copy) a batch before asking for the next.
   */
  *epoch(epoch = 0): Generator<Batch, void, undefined> {
    const { assembly, set } = this;
    const plan = assembly.plan(epoch);
    const perImage = assembly.perImage;
    for (let b = 0; b < assembly.batchesPerEpoch; b++) yield assembly.batch(plan, b, set.pixels, (_, image) => image * perImage);
  }
}
