/**
 * A labelled image data set kept as raw bytes: one Uint8Array of pixels in NHWC order
 * (count·height·width·channels, the layout tfjs and our kernels use) and one label byte per
 * image. Normalised floats are made per batch (batcher.ts), never for the whole set: MNIST's
 * training set is 47 MB as bytes and would be 188 MB as floats, CIFAR-10's 154 MB and 614 MB.
 */
export interface ImageSet {
  readonly name: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Labels are in 0 .. classes − 1. */
  readonly classes: number;
  /** NHWC, count·height·width·channels bytes. */
  readonly pixels: Uint8Array;
  /** One per image. */
  readonly labels: Uint8Array;
}

/** A training set and its test set. */
export interface ImageSplits {
  readonly train: ImageSet;
  readonly test: ImageSet;
}

/** Bytes per image (height·width·channels). */
export function imageSize(set: Pick<ImageSet, 'height' | 'width' | 'channels'>): number {
  return set.height * set.width * set.channels;
}

function positiveInteger(value: number, what: string, name: string): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`image set ${name}: ${what} must be a positive integer, got ${value}`);
}

/** Checks the fields' consistency (sizes, label range) and returns the set. */
export function imageSet(fields: ImageSet): ImageSet {
  const { name, count, height, width, channels, classes, pixels, labels } = fields;
  if (!Number.isInteger(count) || count < 0) throw new Error(`image set ${name}: count must be an integer >= 0, got ${count}`);
  positiveInteger(height, 'height', name);
  positiveInteger(width, 'width', name);
  positiveInteger(channels, 'channels', name);
  positiveInteger(classes, 'classes', name);
  if (classes > 256) throw new Error(`image set ${name}: at most 256 classes fit a byte label, got ${classes}`);
  const expected = count * height * width * channels;
  if (pixels.length !== expected) {
    throw new Error(`image set ${name}: pixels has ${pixels.length} bytes, expected ${count}·${height}·${width}·${channels} = ${expected}`);
  }
  if (labels.length !== count) throw new Error(`image set ${name}: ${labels.length} labels for ${count} images`);
  const bad = labels.findIndex((label) => label >= classes);
  if (bad >= 0) throw new Error(`image set ${name}: label ${labels[bad]} of image ${bad} is not in 0..${classes - 1}`);
  return Object.freeze({ name, count, height, width, channels, classes, pixels, labels });
}

/** One set holding the images of `sets` in order (e.g. CIFAR-10's five training batches). */
export function concatImageSets(name: string, sets: readonly ImageSet[]): ImageSet {
  const first = sets[0];
  if (!first) throw new Error(`concatImageSets(${name}): no sets given`);
  for (const s of sets) {
    if (s.height !== first.height || s.width !== first.width || s.channels !== first.channels || s.classes !== first.classes) {
      throw new Error(
        `concatImageSets(${name}): ${s.name} is ${s.height}×${s.width}×${s.channels} with ${s.classes} classes, ` +
          `${first.name} is ${first.height}×${first.width}×${first.channels} with ${first.classes}; only like sets join`,
      );
    }
  }
  const count = sets.reduce((sum, s) => sum + s.count, 0);
  const pixels = new Uint8Array(count * imageSize(first));
  const labels = new Uint8Array(count);
  let at = 0;
  for (const s of sets) {
    pixels.set(s.pixels, at * imageSize(first));
    labels.set(s.labels, at);
    at += s.count;
  }
  return imageSet({ ...first, name, count, pixels, labels });
}
