/**
 * Reading one data file: bytes from a path or URL (src/platform), gunzipped when it is gzip
 * (detected by its magic bytes, not its name), then checked against an expected MD5 if one is
 * given. The MD5 is of the uncompressed bytes, as METHOD.md §11 lists them.
 */
import { gunzip } from '../platform/gunzip.ts';
import { md5Hex } from '../platform/md5.ts';
import { readBytesIfExists } from '../platform/read-bytes.ts';
import { describeLocation, joinLocation } from '../platform/files.ts';
import { DataError } from './data-error.ts';

export type DataLocation = URL | string;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips gzip data; returns other bytes as they are. */
export async function maybeGunzip(bytes: Uint8Array<ArrayBuffer>, file: string): Promise<Uint8Array<ArrayBuffer>> {
  return isGzip(bytes) ? gunzip(bytes, file) : bytes;
}

/** Throws a DataError naming the file when its MD5 is not the expected one. */
export async function checkMd5(bytes: Uint8Array, expected: string, file: string): Promise<void> {
  const actual = await md5Hex(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new DataError(
      file,
      `MD5 is ${actual}, expected ${expected.toLowerCase()}: the file is damaged or not the published ` +
        'version; replace it (or skip the check with verify: false)',
    );
  }
}

export interface ReadDataOptions {
  /** Expected MD5 of the (uncompressed) bytes; no check when absent. */
  md5?: string;
}

export interface DataFile {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The location read, as text for messages. */
  readonly file: string;
}

/**
 * Reads the first of `names` that exists in `folder` (e.g. `x` then `x.gz`), gunzips it if
 * needed and checks its MD5. Throws a DataError listing every name tried when none exists.
 */
export async function readDataFile(
  folder: DataLocation,
  names: readonly string[],
  options: ReadDataOptions & { missing?: string } = {},
): Promise<DataFile> {
  for (const name of names) {
    const location = joinLocation(folder, name);
    const raw = await readBytesIfExists(location);
    if (!raw) continue;
    const file = describeLocation(location);
    const bytes = await maybeGunzip(raw, file);
    if (options.md5) await checkMd5(bytes, options.md5, file);
    return { bytes, file };
  }
  const tried = names.map((name) => describeLocation(joinLocation(folder, name))).join(' or ');
  throw new DataError(tried, `not found; ${options.missing ?? 'check the folder, or pass the folder that holds it'}`);
}

/** Reads one file by its full path or URL, gunzips it if needed and checks its MD5. */
export async function readDataLocation(location: DataLocation, options: ReadDataOptions = {}): Promise<DataFile> {
  const file = describeLocation(location);
  const raw = await readBytesIfExists(location);
  if (!raw) throw new DataError(file, 'not found; check the path or URL');
  const bytes = await maybeGunzip(raw, file);
  if (options.md5) await checkMd5(bytes, options.md5, file);
  return { bytes, file };
}
