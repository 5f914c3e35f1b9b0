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
import { imageSize } from './image-set.ts';
import { normalizationTable, unitNormalization, type Normalization } from './normalization.ts';
import { RNG_PURPOSE, rngFor, shuffleInPlace } from './sampling.ts';
import { cropFlipInto, type AugmentOptions, type Crop } from './augment.ts';

export interface BatcherOptions {
  batchSize: number;
  /** Default: pixels/255 (mean 0, std 1). */
  normalization?: Normalization;
  /** Visit the indices in a new seeded order each epoch (default true); false keeps their order. */
  shuffle?: boolean;
  /** Seed of the epoch orders and the augmentation (default 0). */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false: yield it). */
  dropLast?: boolean;
  /** Crop-and-flip augmentation: true for the CIFAR defaults, or options; default off. */
  augment?: boolean | AugmentOptions;
}

export interface Batch {
  /** size·height·width·channels normalised floats, NHWC. A view of a reused buffer: valid until the next batch. */
  readonly x: Float32Array;
  /** size labels (int32, as tfjs wants them for oneHot). Reused like x. */
  readonly labels: Int32Array;
  /** Images in this batch (batchSize, or fewer for the last one). */
  readonly size: number;
  /** The images' indices into the set, in batch order. Reused like x. */
  readonly indices: Int32Array;
  /** The batch's number within its epoch, from 0. */
  readonly index: number;
  /** With augmentation: dy, dx, flip (0/1) per image, 3·size values. Reused like x. */
  readonly crops?: Int32Array;
}

export class Batcher {
  readonly set: ImageSet;
  readonly batchSize: number;
  readonly indices: Int32Array;
  private readonly shuffle: boolean;
  private readonly seed: number;
  private readonly dropLast: boolean;
  private readonly table: Float32Array;
  private readonly augment: Required<AugmentOptions> | undefined;
  private readonly fill: Float32Array;
  private readonly order: Int32Array;
  private readonly x: Float32Array;
  private readonly labels: Int32Array;
  private readonly crops: Int32Array | undefined;

  /** `indices`: the images to use (a shard or sample from sampling.ts); default all of `set`. */
  constructor(set: ImageSet, indices: Int32Array | undefined, options: BatcherOptions) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Batcher: batchSize must be a positive integer, got ${batchSize}`);
    this.set = set;
    this.batchSize = batchSize;
    if (indices) {
      for (let i = 0; i < indices.length; i++) {
        const index = indices[i]!;
        if (!(index >= 0 && index < set.count)) {
          throw new Error(`Batcher: indices[${i}] = ${index} is not an image of ${set.name} (0..${set.count - 1})`);
        }
      }
      this.indices = indices;
    } else {
      this.indices = Int32Array.from({ length: set.count }, (_, i) => i);
    }
    if (this.indices.length === 0) throw new Error(`Batcher: no images to batch from ${set.name}`);
    this.shuffle = options.shuffle ?? true;
    this.seed = (options.seed ?? 0) >>> 0;
    this.dropLast = options.dropLast ?? false;
    if (this.dropLast && this.indices.length < batchSize) {
      throw new Error(`Batcher: ${this.indices.length} images make no full batch of ${batchSize}; lower batchSize or keep the last batch`);
    }
    this.table = normalizationTable(options.normalization ?? unitNormalization(set.channels), set.channels);
    const augment = options.augment === true ? {} : options.augment || undefined;
    if (augment) {
      const pad = augment.pad ?? 4;
      if (!Number.isInteger(pad) || pad < 0) throw new Error(`Batcher: augment.pad must be an integer >= 0, got ${pad}`);
      this.augment = { pad, flip: augment.flip ?? true, padValue: augment.padValue ?? 'black' };
    }
    this.fill = new Float32Array(set.channels);
    if (this.augment?.padValue === 'black') for (let c = 0; c < set.channels; c++) this.fill[c] = this.table[c * 256]!;
    this.order = new Int32Array(this.indices.length);
    this.x = new Float32Array(batchSize * imageSize(set));
    this.labels = new Int32Array(batchSize);
    this.crops = this.augment ? new Int32Array(3 * batchSize) : undefined;
  }

  get batchesPerEpoch(): number {
    const n = this.indices.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Images per epoch (the dropped remainder excluded). */
  get samplesPerEpoch(): number {
    return this.dropLast ? this.batchesPerEpoch * this.batchSize : this.indices.length;
  }

  /** The order in which epoch `epoch` visits the images (a new array). */
  epochOrder(epoch: number): Int32Array {
    return this.fillOrder(epoch).slice();
  }

  private fillOrder(epoch: number): Int32Array {
    this.order.set(this.indices);
    if (this.shuffle) shuffleInPlace(this.order, rngFor(this.seed, RNG_PURPOSE.epoch, epoch));
    return this.order;
  }

  /**
   * The batches of epoch `epoch` (an integer in 0..65535). Each batch's arrays are views of
   * buffers the next batch overwrites: consume (or copy) a batch before asking for the next.
   */
  *epoch(epoch = 0): Generator<Batch, void, undefined> {
    if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff) throw new Error(`Batcher: epoch must be an integer in 0..65535, got ${epoch}`);
    const order = this.fillOrder(epoch);
    const { set, batchSize, table, fill, x, labels, crops } = this;
    const perImage = imageSize(set);
    const augment = this.augment;
    const rng = augment ? rngFor(this.seed, RNG_PURPOSE.augment, epoch) : undefined;
    const crop: Crop = { dy: 0, dx: 0, flip: false };
    const batches = this.batchesPerEpoch;
    for (let b = 0; b < batches; b++) {
      const start = b * batchSize;
      const size = Math.min(batchSize, order.length - start);
      for (let i = 0; i < size; i++) {
        const image = order[start + i]!;
        labels[i] = set.labels[image]!;
        const src = image * perImage;
        const dst = i * perImage;
        if (augment && rng && crops) {
          crop.dy = augment.pad > 0 ? rng.below(2 * augment.pad + 1) - augment.pad : 0;
          crop.dx = augment.pad > 0 ? rng.below(2 * augment.pad + 1) - augment.pad : 0;
          crop.flip = augment.flip ? rng.below(2) === 1 : false;
          crops[3 * i] = crop.dy;
          crops[3 * i + 1] = crop.dx;
          crops[3 * i + 2] = crop.flip ? 1 : 0;
          cropFlipInto(set.pixels, src, set.height, set.width, set.channels, table, fill, crop, x, dst);
        } else {
          const channels = set.channels;
          for (let p = 0; p < perImage; p += channels) {
            for (let c = 0; c < channels; c++) x[dst + p + c] = table[c * 256 + set.pixels[src + p + c]!]!;
          }
        }
      }
      const full = size === batchSize;
      yield {
        x: full ? x : x.subarray(0, size * perImage),
        labels: full ? labels : labels.subarray(0, size),
        size,
        indices: order.subarray(start, start + size),
        index: b,
        ...(crops ? { crops: full ? crops : crops.subarray(0, 3 * size) } : {}),
      };
    }
  }
}
