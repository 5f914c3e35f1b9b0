/** The data of a reference task (METHOD.md §10, §11), loaded once per run. */
import {
  loadMnist, loadFashionMnist, loadCifar10, channelStats, batcherFor, type Batcher, type StreamBatcher, type ImageSplits, type Normalization,
} from '../data/index.ts';
import type { ReferenceTask } from '../model/architectures.ts';

export interface TaskData extends ImageSplits {
  /** Per-channel mean/std of the training set. */
  readonly normalization: Normalization;
  /** CIFAR tasks train with pad-crop-flip augmentation (METHOD.md §10). */
  readonly augment: boolean;
}

export async function loadTaskData(task: ReferenceTask, source?: string): Promise<TaskData> {
  const splits =
    task === 'mnist-lenet' ? await loadMnist(source === undefined ? {} : { source })
    : task === 'fashion-lenet' ? await loadFashionMnist(source === undefined ? {} : { source })
    : await loadCifar10(source === undefined ? {} : { source });
  return { ...splits, normalization: channelStats(splits.train), augment: task.startsWith('cifar') };
}

/**
 * Shuffled, normalised (and for CIFAR augmented) batches of the training images `indices`;
 * decoded per batch when the set is streamed.
 */
export function trainBatcher(data: TaskData, indices: Int32Array, batchSize: number, seed: number): Batcher | StreamBatcher {
  return batcherFor(data.train, indices, {
    batchSize, normalization: data.normalization, shuffle: true, seed, augment: data.augment,
  });
}

/** The test set in order, normalised with the training set's statistics. */
export function testBatcher(data: TaskData): Batcher | StreamBatcher {
  return batcherFor(data.test, undefined, { batchSize: 256, normalization: data.normalization, shuffle: false });
}
