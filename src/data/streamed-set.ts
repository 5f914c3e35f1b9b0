/**
 * A labelled image set whose pixels are decoded on demand instead of held: what a folder of
 * images too large for memory becomes (folder/image-folder.ts with `stream: true`). Everything
 * but the pixels is known up front — the labels come from the folder names — so batch orders,
 * shards and samples are made exactly as for an ImageSet, and only the images a batch uses are
 * decoded (stream-batcher.ts).
 */
import type { ImageSet } from './image-set.ts';

export interface StreamedImageSet {
  readonly name: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Labels are in 0 .. classes − 1. */
  readonly classes: number;
  /** One per image. */
  readonly labels: Uint8Array;
  /** Where each image comes from, for messages. */
  readonly files: readonly string[];
  /**
   * Decodes the images `indices` into `out`, NHWC in the order given (indices.length·height·
   * width·channels bytes from out[0]); the same bytes an ImageSet of the folder holds.
   */
  readImages(indices: ArrayLike<number>, out: Uint8Array): Promise<void>;
}

/** Either kind of set: held in memory or decoded on demand. */
export type AnyImageSet = ImageSet | StreamedImageSet;

export function isStreamedImageSet(set: AnyImageSet): set is StreamedImageSet {
  return !('pixels' in set);
}
