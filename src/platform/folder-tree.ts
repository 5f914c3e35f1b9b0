/**
 * Lists a folder tree for a data set of image files (Node and Deno): every file under `root` as a
 * '/'-separated path relative to it with a reader for its bytes, and every folder, so that an
 * empty one is seen too. Symbolic links are followed only while their target stays inside the
 * root (a data set that links its own files); a link leading out of it is reported, never
 * followed, so a folder cannot make the loader read files it does not contain.
 */
import { requireFileSystem } from './files.ts';
import { readBytes } from './read-bytes.ts';

export interface TreeFile {
  /** Relative to the root, '/'-separated. */
  readonly path: string;
  readonly bytes: () => Promise<Uint8Array>;
}

export interface FolderTree {
  /** False when the root does not exist or is not a folder. */
  readonly found: boolean;
  readonly files: readonly TreeFile[];
  /** Every folder under the root, relative to it, '/'-separated. */
  readonly folders: readonly string[];
  /** Links whose target lies outside the root (or is missing), relative paths. */
  readonly escaping: readonly string[];
}

export async function listFolderTree(root: string): Promise<FolderTree> {
  requireFileSystem(`listing the folder ${root}`);
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
    if (!(await fs.stat(realRoot)).isDirectory()) return { found: false, files: [], folders: [], escaping: [] };
  } catch {
    return { found: false, files: [], folders: [], escaping: [] };
  }
  const files: TreeFile[] = [];
  const folders: string[] = [];
  const escaping: string[] = [];
  // Real folders already listed: a link back up the tree would otherwise list it forever.
  const visited = new Set<string>([realRoot]);
  const inside = (real: string): boolean => real === realRoot || real.startsWith(realRoot + path.sep);

  const walk = async (dir: string, relative: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      let real = full;
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await fs.realpath(full).catch(() => undefined);
        if (target === undefined || !inside(target)) {
          escaping.push(rel);
          continue;
        }
        real = target;
        isDirectory = (await fs.stat(target)).isDirectory();
      }
      if (isDirectory) {
        folders.push(rel);
        if (visited.has(real)) continue;
        visited.add(real);
        await walk(real, rel);
      } else {
        files.push({ path: rel, bytes: () => readBytes(real) });
      }
    }
  };
  await walk(realRoot, '');
  return { found: true, files, folders, escaping };
}
