/**
 * CIFAR-10 from its six binary batch files (data_batch_1..5.bin, test_batch.bin) in a folder,
 * path or URL: by default the cache that prepareCifar10() fills (Node), or any folder holding the
 * official files (e.g. the extracted cifar-10-binary.tar.gz).
 */
import { defaultCacheDir, joinLocation, requireFileSystem } from '../../platform/files.ts';
import { CIFAR_IMAGE_BYTES, cifarRecordCount, decodeCifarBatchInto } from '../cifar-binary.ts';
import { imageSet, type ImageSet, type ImageSplits } from '../image-set.ts';
import { readDataFile, type DataLocation } from '../read-file.ts';
import { CIFAR10_BATCH_FILES, CIFAR10_MD5 } from './checksums.ts';

/** The cache's subfolder, named as the official archive's folder. */
export const CIFAR10_CACHE_SUBDIR = 'cifar-10-batches-bin';

/** Where prepareCifar10() writes the batches by default: <cache>/cifar-10-batches-bin. */
export async function defaultCifar10Dir(): Promise<string> {
  return joinLocation(await defaultCacheDir(), CIFAR10_CACHE_SUBDIR) as string;
}

export interface Cifar10Options {
  /** A folder (path or URL) with the six batch files; default the prepareCifar10() cache. Required in browsers. */
  source?: DataLocation;
  /** Check the official MD5s (default true). */
  verify?: boolean;
}

/** Reads binary batches one after the other into a single set (no second copy of the pixels). */
export async function loadCifarBatches(
  name: string,
  folder: DataLocation,
  files: readonly string[],
  options: { md5?: Readonly<Record<string, string>>; missing?: string; classes?: number } = {},
): Promise<ImageSet> {
  const batches = [];
  for (const file of files) {
    const md5 = options.md5?.[file];
    batches.push(await readDataFile(folder, [file], { ...(md5 ? { md5 } : {}), ...(options.missing ? { missing: options.missing } : {}) }));
  }
  const count = batches.reduce((sum, b) => sum + cifarRecordCount(b.bytes, b.file), 0);
  const pixels = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let at = 0;
  const classes = options.classes ?? 10;
  for (const b of batches) at += decodeCifarBatchInto(b.bytes, pixels, labels, at, b.file, classes);
  return imageSet({ name, count, height: 32, width: 32, channels: 3, classes, pixels, labels });
}

/** CIFAR-10: 50,000 training images (batches 1–5 in order) and 10,000 test images, 32×32×3. */
export async function loadCifar10(options: Cifar10Options = {}): Promise<ImageSplits> {
  let folder = options.source;
  if (folder === undefined) {
    requireFileSystem('reading CIFAR-10 from the default cache');
    folder = await defaultCifar10Dir();
  }
  const settings = {
    ...(options.verify === false ? {} : { md5: CIFAR10_MD5 }),
    missing: options.source === undefined
      ? 'build the cache once with prepareCifar10() under Node (the `slimprune data cifar10` command), or pass { source: a folder with the six CIFAR-10 binary batches }'
      : 'pass { source: a folder holding data_batch_1.bin … data_batch_5.bin and test_batch.bin }',
  };
  const train = await loadCifarBatches('cifar10-train', folder, CIFAR10_BATCH_FILES.slice(0, 5), settings);
  const test = await loadCifarBatches('cifar10-test', folder, CIFAR10_BATCH_FILES.slice(5), settings);
  return { train, test };
}
