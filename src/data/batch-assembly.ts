/**
 * What Batcher (in memory) and StreamBatcher (decoded on demand) share, so that the same seed
 * gives both the same batches: the options' checks, the normalisation table, each epoch's seeded
 * order, and filling a batch — labels, crops and flips drawn in visiting order, normalised floats
 * — from bytes wherever they are. The orders and streams are documented in batcher.ts.
 */
import { imageSize } from './image-set.ts';
import { normalizationTable, unitNormalization, type Normalization } from './normalization.ts';
import { RNG_PURPOSE, rngFor, shuffleInPlace } from './sampling.ts';
import { cropFlipInto, type AugmentOptions, type Crop } from './augment.ts';
import type { Xoshiro128 } from '../kernels/reference/rng.ts';

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

/** What a batch needs of its set: everything but the pixels. */
export interface BatchableSet {
  readonly name: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly labels: Uint8Array;
}

/** One epoch's order and its augmentation stream, consumed batch by batch in order. */
export interface EpochPlan {
  readonly order: Int32Array;
  readonly rng: Xoshiro128 | undefined;
}

export class BatchAssembly {
  readonly batchSize: number;
  readonly indices: Int32Array;
  readonly perImage: number;
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

  /** `who` names the batcher in messages. */
  constructor(private readonly set: BatchableSet, indices: Int32Array | undefined, options: BatcherOptions, private readonly who: string) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${who}: batchSize must be a positive integer, got ${batchSize}`);
    this.batchSize = batchSize;
    if (indices) {
      for (let i = 0; i < indices.length; i++) {
        const index = indices[i]!;
        if (!(index >= 0 && index < set.count)) {
          throw new Error(`${who}: indices[${i}] = ${index} is not an image of ${set.name} (0..${set.count - 1})`);
        }
      }
      this.indices = indices;
    } else {
      this.indices = Int32Array.from({ length: set.count }, (_, i) => i);
    }
    if (this.indices.length === 0) throw new Error(`${who}: no images to batch from ${set.name}`);
    this.shuffle = options.shuffle ?? true;
    this.seed = (options.seed ?? 0) >>> 0;
    this.dropLast = options.dropLast ?? false;
    if (this.dropLast && this.indices.length < batchSize) {
      throw new Error(`${who}: ${this.indices.length} images make no full batch of ${batchSize}; lower batchSize or keep the last batch`);
    }
    this.table = normalizationTable(options.normalization ?? unitNormalization(set.channels), set.channels);
    const augment = options.augment === true ? {} : options.augment || undefined;
    if (augment) {
      const pad = augment.pad ?? 4;
      if (!Number.isInteger(pad) || pad < 0) throw new Error(`${who}: augment.pad must be an integer >= 0, got ${pad}`);
      this.augment = { pad, flip: augment.flip ?? true, padValue: augment.padValue ?? 'black' };
    }
    this.fill = new Float32Array(set.channels);
    if (this.augment?.padValue === 'black') for (let c = 0; c < set.channels; c++) this.fill[c] = this.table[c * 256]!;
    this.perImage = imageSize(set);
    this.order = new Int32Array(this.indices.length);
    this.x = new Float32Array(batchSize * this.perImage);
    this.labels = new Int32Array(batchSize);
    this.crops = this.augment ? new Int32Array(3 * batchSize) : undefined;
  }

  get batchesPerEpoch(): number {
    const n = this.indices.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  get samplesPerEpoch(): number {
    return this.dropLast ? this.batchesPerEpoch * this.batchSize : this.indices.length;
  }

  /** Epoch `epoch`'s order (a reused buffer) and augmentation stream. */
  plan(epoch: number): EpochPlan {
    if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff) throw new Error(`${this.who}: epoch must be an integer in 0..65535, got ${epoch}`);
    this.order.set(this.indices);
    if (this.shuffle) shuffleInPlace(this.order, rngFor(this.seed, RNG_PURPOSE.epoch, epoch));
    return { order: this.order, rng: this.augment ? rngFor(this.seed, RNG_PURPOSE.augment, epoch) : undefined };
  }

  /** The set's indices of batch `b` of the plan. */
  batchIndices(plan: EpochPlan, b: number): Int32Array {
    const start = b * this.batchSize;
    return plan.order.subarray(start, Math.min(plan.order.length, start + this.batchSize));
  }

  /**
   * Batch `b` of the plan (batches must be filled in order: they draw from the plan's stream),
   * its i-th image read from pixels[offset(i, image) …].
   */
  batch(plan: EpochPlan, b: number, pixels: Uint8Array, offset: (i: number, image: number) => number): Batch {
    const { set, batchSize, table, fill, x, labels, crops, perImage, augment } = this;
    const { rng } = plan;
    const indices = this.batchIndices(plan, b);
    const size = indices.length;
    const crop: Crop = { dy: 0, dx: 0, flip: false };
    for (let i = 0; i < size; i++) {
      const image = indices[i]!;
      labels[i] = set.labels[image]!;
      const src = offset(i, image);
      const dst = i * perImage;
      if (augment && rng && crops) {
        crop.dy = augment.pad > 0 ? rng.below(2 * augment.pad + 1) - augment.pad : 0;
        crop.dx = augment.pad > 0 ? rng.below(2 * augment.pad + 1) - augment.pad : 0;
        crop.flip = augment.flip ? rng.below(2) === 1 : false;
        crops[3 * i] = crop.dy;
        crops[3 * i + 1] = crop.dx;
        crops[3 * i + 2] = crop.flip ? 1 : 0;
        cropFlipInto(pixels, src, set.height, set.width, set.channels, table, fill, crop, x, dst);
      } else {
        const channels = set.channels;
        for (let p = 0; p < perImage; p += channels) {
          for (let c = 0; c < channels; c++) x[dst + p + c] = table[c * 256 + pixels[src + p + c]!]!;
        }
      }
    }
    const full = size === batchSize;
    return {
      x: full ? x : x.subarray(0, size * perImage),
      labels: full ? labels : labels.subarray(0, size),
      size,
      indices,
      index: b,
      ...(crops ? { crops: full ? crops : crops.subarray(0, 3 * size) } : {}),
    };
  }
}
