/**
 * File-system helpers for Node and Deno (both provide node:fs, node:path, node:os): where the
 * cache lives, where an installed dependency's files are, and writing a file atomically. Browsers
 * have no file system; every function here fails there with a message saying what to use instead.
 */
import { env } from '../env.ts';

export function requireFileSystem(what: string): void {
  if (!env.IS_NODE && !env.IS_DENO) {
    throw new Error(`${what} needs a file system (Node or Deno); in a browser, pass the data's URL instead`);
  }
}

/** Joins a folder and a file name; URLs stay URLs (the folder gets its trailing slash). */
export function joinLocation(folder: URL | string, name: string): URL | string {
  if (folder instanceof URL) return new URL(name, folder.href.endsWith('/') ? folder : `${folder.href}/`);
  if (/^[a-z][a-z0-9+.-]+:/i.test(folder)) return joinLocation(new URL(folder), name);
  return /[\\/]$/.test(folder) ? `${folder}${name}` : `${folder}/${name}`;
}

/** A location as text for messages: file URLs as paths. */
export function describeLocation(location: URL | string): string {
  if (location instanceof URL) return location.protocol === 'file:' ? decodeURIComponent(location.pathname) : location.href;
  return location;
}

/**
 * The folder slimprune caches downloads and conversions in: $SLIMPRUNE_CACHE, else
 * $XDG_CACHE_HOME/slimprune, else ~/.cache/slimprune (the XDG convention).
 */
export async function defaultCacheDir(): Promise<string> {
  requireFileSystem('the default cache folder');
  const [{ default: process }, os, path] = await Promise.all([
    import('node:process'), import('node:os'), import('node:path'),
  ]);
  const explicit = process.env['SLIMPRUNE_CACHE'];
  if (explicit) return path.resolve(explicit);
  const xdg = process.env['XDG_CACHE_HOME'];
  return path.join(xdg ? path.resolve(xdg) : path.join(os.homedir(), '.cache'), 'slimprune');
}

/**
 * The folder of an installed npm package that slimprune depends on, resolved from this module as
 * Node's require would (so it finds slimprune's own copy, wherever the user's node_modules are).
 */
export async function dependencyDir(name: string): Promise<string> {
  requireFileSystem(`locating the package ${name}`);
  const [{ createRequire }, path] = await Promise.all([import('node:module'), import('node:path')]);
  try {
    return path.dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch (error) {
    throw new Error(`the npm package ${name} is not installed next to slimprune; run \`npm install ${name}\``, {
      cause: error,
    });
  }
}

/** A path made absolute against the working folder (to hand to another process or machine). */
export async function absolutePath(path: string): Promise<string> {
  requireFileSystem('resolving a path');
  const { resolve } = await import('node:path');
  return resolve(path);
}

export async function ensureDir(dir: string): Promise<void> {
  requireFileSystem('creating a folder');
  const fs = await import('node:fs/promises');
  await fs.mkdir(dir, { recursive: true });
}

export async function fileSize(file: string): Promise<number | undefined> {
  requireFileSystem('reading a file');
  const fs = await import('node:fs/promises');
  try {
    return (await fs.stat(file)).size;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A unique temporary name next to `file`, so that the final rename stays on one file system. */
export function temporaryName(file: string): string {
  const random = Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return `${file}.tmp-${random}`;
}

/** Writes the file under a temporary name, then renames it: readers never see half a file. */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  requireFileSystem('writing a file');
  const fs = await import('node:fs/promises');
  const temporary = temporaryName(file);
  try {
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes a file that must not exist yet: parent folders created, the bytes under a temporary
 * name, renamed when complete; an existing file is refused, never overwritten.
 */
export async function writeNewFile(file: string, bytes: Uint8Array, what = 'output file'): Promise<void> {
  requireFileSystem(`writing the ${what}`);
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  if (await fs.stat(file).then(() => true, () => false)) throw new Error(`${what} ${file} already exists; choose another name or remove it first`);
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFileAtomic(file, bytes);
}

export async function removePath(target: string): Promise<void> {
  requireFileSystem('removing a file');
  const fs = await import('node:fs/promises');
  await fs.rm(target, { recursive: true, force: true });
}

export async function makeTempDir(parent: string, prefix: string): Promise<string> {
  requireFileSystem('creating a temporary folder');
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  await fs.mkdir(parent, { recursive: true });
  return fs.mkdtemp(path.join(parent, prefix));
}

/** The names in a folder; empty if it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  requireFileSystem('listing a folder');
  const fs = await import('node:fs/promises');
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
}
