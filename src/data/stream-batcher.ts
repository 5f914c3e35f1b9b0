/**
 * Batches from a StreamedImageSet: the batches a Batcher gives over the same folder held in
 * memory (the same order, crops and floats for the same seed: batch-assembly.ts), but each
 * batch's images are decoded when it is reached, into one of two byte buffers, so memory holds
 * two batches of bytes rather than the set. While a batch trains, the next one's files are read
 * (the prefetch); the JS decoders themselves run on this thread, between the trainer's steps.
 */
import { BatchAssembly, type Batch, type BatcherOptions } from './batch-assembly.ts';
import { Batcher } from './batcher.ts';
import { isStreamedImageSet, type AnyImageSet, type StreamedImageSet } from './streamed-set.ts';

export class StreamBatcher {
  readonly set: StreamedImageSet;
  private readonly assembly: BatchAssembly;
  private readonly buffers: readonly [Uint8Array, Uint8Array];

  /** `indices`: the images to use (a shard or sample from sampling.ts); default all of `set`. */
  constructor(set: StreamedImageSet, indices: Int32Array | undefined, options: BatcherOptions) {
    this.set = set;
    this.assembly = new BatchAssembly(set, indices, options, 'StreamBatcher');
    const bytes = this.assembly.batchSize * this.assembly.perImage;
    this.buffers = [new Uint8Array(bytes), new Uint8Array(bytes)];
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
   * The batches of epoch `epoch`, as Batcher's (the same reuse of buffers: consume a batch before
   * asking for the next). A file that fails to decode fails its batch with a DataError naming it.
   */
  async *epoch(epoch = 0): AsyncGenerator<Batch, void, undefined> {
    const { assembly, buffers, set } = this;
    const plan = assembly.plan(epoch);
    const batches = assembly.batchesPerEpoch;
    const perImage = assembly.perImage;
    const read = (b: number): Promise<void> => {
      const reading = set.readImages(assembly.batchIndices(plan, b), buffers[b % 2]!);
      // Awaited below; this keeps a prefetch abandoned by a consumer that stops from being an unhandled rejection.
      reading.catch(() => undefined);
      return reading;
    };
    let next = read(0);
    for (let b = 0; b < batches; b++) {
      await next;
      if (b + 1 < batches) next = read(b + 1);
      yield assembly.batch(plan, b, buffers[b % 2]!, (i) => i * perImage);
    }
  }
}

/** A Batcher for a set in memory, a StreamBatcher for a streamed one. */
export function batcherFor(set: AnyImageSet, indices: Int32Array | undefined, options: BatcherOptions): Batcher | StreamBatcher {
  return isStreamedImageSet(set) ? new StreamBatcher(set, indices, options) : new Batcher(set, indices, options);
}
