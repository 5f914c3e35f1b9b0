/** The data of a reference task (METHOD.md §10, §11), loaded once per run. */
import {
  loadMnist, loadFashionMnist, loadCifar10, channelStats, type ImageSplits, type Normalization,
} from '../data/index.ts';
import type { ReferenceTask } from '../model/index.ts';

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
