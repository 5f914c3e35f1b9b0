/**
 * The data of a run, loaded once: a reference task's (METHOD.md §10, §11) or a folder of the
 * user's own images (root/<class>/*.png|jpg|jpeg|webp), described by plain data so a worker can
 * load the same set.
 */
import {
  loadMnist, loadFashionMnist, loadCifar10, loadImageFolder, CIFAR10_CLASSES, channelStats, unitNormalization, checkNormalization, batcherFor, type Batcher, type StreamBatcher, type AnyImageSet, type ImageSet, type Normalization,
} from '../data/index.ts';
import type { ReferenceTask } from '../model/architectures.ts';
import { md5Hex } from '../platform/md5.ts';

/** A reference task's data, from its standard place or from `source`. */
export interface TaskDataSpec {
  readonly task: ReferenceTask;
  readonly source?: string;
}

/**
 * A folder of the user's images, sized for the model (its input's height and width), in classes
 * by sub-folder name (sorted). Without `testFolder`, a seeded, per-class `validationFraction` of
 * the folder is held out as the test split.
 */
export interface FolderDataSpec {
  readonly folder: string;
  readonly testFolder?: string;
  /** Default 0.2. */
  readonly validationFraction?: number;
  readonly height: number;
  readonly width: number;
  /** Convert every image to 1 or 3 channels; default: their own (a folder mixing counts is refused). */
  readonly channels?: 1 | 3;
  /** Seed of the validation split (default 1). */
  readonly seed?: number;
  /** Decode images per batch instead of holding every decoded pixel (default false). */
  readonly stream?: boolean;
  /** Pad-crop-flip augmentation during training (default false). */
  readonly augment?: boolean;
  /**
   * How pixels become the model's input: 'data' (default) the training split's per-channel mean
   * and std, 'unit' pixels/255, or given constants (0..1 scale, PyTorch's Normalize convention).
   * A pretrained model wants what it was trained with.
   */
  readonly normalization?: 'data' | 'unit' | Normalization;
}

export type DataSpec = TaskDataSpec | FolderDataSpec;

export interface TaskData {
  /** In memory, or streamed (decoded per batch) for a folder loaded with `stream`. */
  readonly train: AnyImageSet;
  readonly test: AnyImageSet;
  /** What was loaded: a worker loads the same data from it. */
  readonly spec: DataSpec;
  /** Per-channel mean/std of the training set. */
  readonly normalization: Normalization;
  /** Whether training batches are pad-crop-flip augmented (the CIFAR tasks, METHOD.md §10). */
  readonly augment: boolean;
  /** The class names, label by label (a folder's sub-folders; the digits for MNIST, …). */
  readonly classNames: readonly string[];
  /** What the data is, for reports: the task name or the folder. */
  readonly description: string;
  /**
   * A folder's training split by content (MD5 of its pixels and labels), what the network cache
   * keys it by; undefined for a reference task (known by name) and for a streamed folder.
   */
  readonly fingerprint?: string;
}

const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export function isFolderData(spec: DataSpec): spec is FolderDataSpec {
  return 'folder' in spec && spec.folder !== undefined;
}

/** A key that names the same data set for the same spec (a worker's load cache). */
export function dataKey(spec: DataSpec): string {
  return JSON.stringify(spec);
}

/** `onProgress` counts a folder's files; `log` gets lines such as a first-use download's. */
export async function loadData(
  spec: DataSpec, onProgress?: (done: number, total: number) => void, log?: (line: string) => void,
): Promise<TaskData> {
  if (isFolderData(spec)) {
    const folder = await loadImageFolder(spec.folder, {
      height: spec.height,
      width: spec.width,
      ...(spec.channels !== undefined && { channels: spec.channels }),
      ...(spec.testFolder !== undefined && { testFolder: spec.testFolder }),
      ...(spec.validationFraction !== undefined && { validationFraction: spec.validationFraction }),
      ...(spec.seed !== undefined && { seed: spec.seed }),
      ...(spec.stream !== undefined && { stream: spec.stream }),
      ...(onProgress && { onProgress }),
    });
    return {
      spec,
      train: folder.train,
      test: folder.test,
      normalization: await folderNormalization(spec, folder.train),
      augment: spec.augment ?? false,
      classNames: folder.classNames,
      description: spec.testFolder === undefined ? spec.folder : `${spec.folder} (test: ${spec.testFolder})`,
      ...('pixels' in folder.train && { fingerprint: await contentFingerprint(folder.train) }),
    };
  }
  return loadTaskData(spec.task, spec.source, log);
}

async function folderNormalization(spec: FolderDataSpec, train: AnyImageSet): Promise<Normalization> {
  const how = spec.normalization ?? 'data';
  if (how === 'data') return channelStats(train);
  if (how === 'unit') return unitNormalization(train.channels);
  checkNormalization(how, train.channels, `normalization of ${spec.folder}`);
  return { mean: [...how.mean], std: [...how.std] };
}

async function contentFingerprint(set: ImageSet): Promise<string> {
  const pixels = await md5Hex(set.pixels);
  const labels = await md5Hex(set.labels);
  return `${pixels}-${labels}-${set.height}x${set.width}x${set.channels}`;
}

export async function loadTaskData(task: ReferenceTask, source?: string, log?: (line: string) => void): Promise<TaskData> {
  const splits =
    task === 'mnist-lenet' ? await loadMnist(source === undefined ? { ...(log && { log }) } : { source })
    : task === 'fashion-lenet' ? await loadFashionMnist(source === undefined ? {} : { source })
    : await loadCifar10(source === undefined ? {} : { source });
  return {
    ...splits,
    spec: { task, ...(source !== undefined && { source }) },
    normalization: channelStats(splits.train),
    augment: task.startsWith('cifar'),
    classNames: task === 'mnist-lenet' ? MNIST_CLASSES : task === 'fashion-lenet' ? FASHION_CLASSES : CIFAR10_CLASSES,
    description: task,
  };
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
