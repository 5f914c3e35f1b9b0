/**
 * Writes a folder of files as one unit (Node and Deno): everything goes into a temporary folder
 * next to the target, which is renamed when complete, so an interrupted write leaves no partial
 * output; an existing target is refused, never overwritten.
 */
import { requireFileSystem } from './files.ts';

export interface FolderFile {
  /** Path inside the folder, '/'-separated. */
  readonly path: string;
  readonly bytes: Uint8Array | string;
}

export async function pathExists(path: string): Promise<boolean> {
  requireFileSystem('checking a path');
  const fs = await import('node:fs/promises');
  return fs.stat(path).then(() => true, () => false);
}

/** Writes `files` as the new folder `out`; returns its absolute path. */
export async function writeFolderAtomic(out: string, files: readonly FolderFile[], what = 'output folder'): Promise<string> {
  requireFileSystem(`writing the ${what}`);
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const target = path.resolve(out);
  if (await pathExists(target)) throw new Error(`${what} ${out} already exists; choose another --out or remove it first`);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.partial-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  try {
    await fs.mkdir(temp);
    for (const f of files) {
      const file = path.join(temp, ...f.path.split('/'));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, f.bytes);
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
  return target;
}
