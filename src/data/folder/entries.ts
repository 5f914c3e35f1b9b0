/**
 * A folder of images as a list of entries, and its classes: the convention of Keras's
 * image_dataset_from_directory and torchvision's ImageFolder, root/<class>/<image>. Classes are
 * the sub-folders' names in code-point order (Python's sorted(), so labels match those tools'),
 * labelled 0 … n − 1; images are read from a class folder and the folders inside it, in
 * code-point order of their paths.
 *
 * The same list serves every runtime: Node and Deno list a folder on disk (load-image-folder.ts),
 * a browser passes the files of an `<input webkitdirectory>` (filesFromFileList) or a served file
 * list. Skipped, as the metadata operating systems leave in folders: names beginning with '.'
 * (.DS_Store, .git/…), Thumbs.db, desktop.ini and __MACOSX/. Everything else must be an image in
 * a class folder; any other file is refused by name.
 */
import { DataError } from '../data-error.ts';
import { joinPath, throwProblems, type FileProblem } from './problems.ts';

export interface ImageFolderEntry {
  /**
   * Relative to the folder's root, '/'-separated, e.g. 'cat/001.png'. A path ending in '/' is a
   * folder, listed so that an empty class folder is seen; its bytes are never read.
   */
  readonly path: string;
  /** The file's bytes (not needed for a folder). */
  readonly bytes?: () => Promise<Uint8Array>;
}

export interface FolderImage {
  /** Relative to the root. */
  readonly path: string;
  readonly label: number;
  readonly bytes: () => Promise<Uint8Array>;
}

export interface FolderClasses {
  readonly classNames: readonly string[];
  /** Sorted by class, then path. */
  readonly images: readonly FolderImage[];
}

/** Labels are bytes (image-set.ts). */
export const MAX_CLASSES = 256;

const SKIPPED_NAMES = new Set(['thumbs.db', 'desktop.ini', '__macosx']);

/** Code-point order (JS's default sort compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Why a path is refused, or undefined: relative, '/'-separated, without '.', '..' or empty parts. */
function pathProblem(path: string): string | undefined {
  if (path.includes('\\')) return "has a '\\'; give paths relative to the root with '/' between folders";
  if (path.startsWith('/') || /^[a-z]:/i.test(path)) return 'is absolute; give paths relative to the root';
  const parts = path.replace(/\/$/, '').split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '')) return "has an empty, '.' or '..' part; give paths inside the root";
  return undefined;
}

const isSkipped = (parts: readonly string[]): boolean => parts.some((p) => p.startsWith('.') || SKIPPED_NAMES.has(p.toLowerCase()));

/** The classes and images of a folder's entries; throws a DataError listing every entry it refuses. */
export function folderClasses(entries: readonly ImageFolderEntry[], root: string): FolderClasses {
  const problems: FileProblem[] = [];
  const refuse = (path: string, problem: string): void => void problems.push({ file: joinPath(root, path), problem });
  const classes = new Set<string>();
  const files: { path: string; className: string; bytes: () => Promise<Uint8Array> }[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const { path } = entry;
    const problem = pathProblem(path);
    if (problem) {
      refuse(path, problem);
      continue;
    }
    const isFolder = path.endsWith('/');
    const parts = path.replace(/\/$/, '').split('/');
    if (isSkipped(parts.slice(0, 1))) continue;
    if (!isFolder && parts.length === 1) {
      refuse(path, 'is not in a class folder; move it into root/<class>/ or out of the root');
      continue;
    }
    // A class folder holding only metadata is still a class folder: an empty one, refused below.
    classes.add(parts[0]!);
    if (isFolder || isSkipped(parts)) continue;
    if (seen.has(path)) {
      refuse(path, 'is listed twice');
      continue;
    }
    seen.add(path);
    if (!entry.bytes) {
      refuse(path, "has no bytes(); only a folder (a path ending in '/') may omit them");
      continue;
    }
    files.push({ path, className: parts[0]!, bytes: entry.bytes });
  }
  throwProblems(root, problems);
  const classNames = [...classes].sort(compareCodePoints);
  if (classNames.length === 0) {
    throw new DataError(root, 'has no class folders; put each class\'s images in a sub-folder named after it (root/<class>/<image>)');
  }
  if (classNames.length > MAX_CLASSES) {
    throw new DataError(root, `has ${classNames.length} class folders; at most ${MAX_CLASSES} fit a byte label`);
  }
  const label = new Map(classNames.map((name, i) => [name, i]));
  files.sort((a, b) => label.get(a.className)! - label.get(b.className)! || compareCodePoints(a.path, b.path));
  const withImages = new Set(files.map((f) => f.className));
  const empty = classNames.filter((name) => !withImages.has(name));
  if (empty.length > 0) {
    throwProblems(root, empty.map((name) => ({ file: joinPath(root, `${name}/`), problem: 'is a class folder with no images; add its images or remove it' })));
  }
  return { classNames, images: files.map((f) => ({ path: f.path, label: label.get(f.className)!, bytes: f.bytes })) };
}

/**
 * The entries of an `<input type="file" webkitdirectory>` selection: each File's
 * webkitRelativePath without its first part (the chosen folder itself, which is the root).
 */
export function filesFromFileList(files: Iterable<File>): ImageFolderEntry[] {
  return [...files].map((file) => {
    const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    return { path: relative.split('/').slice(1).join('/') || relative, bytes: async () => new Uint8Array(await file.arrayBuffer()) };
  });
}
