/**
 * loadImageFolder: a folder of images on disk (Node and Deno), listed by the platform layer and
 * read by imageFolderFromFiles. In a browser, list the files yourself (filesFromFileList, or a
 * served list) and call imageFolderFromFiles.
 */
import { listFolderTree } from '../../platform/folder-tree.ts';
import { DataError } from '../data-error.ts';
import type { ImageSet } from '../image-set.ts';
import type { StreamedImageSet } from '../streamed-set.ts';
import type { ImageFolderEntry } from './entries.ts';
import { imageFolderFromFiles, type ImageFolder, type ImageFolderOptions } from './image-folder.ts';
import { joinPath, throwProblems } from './problems.ts';

export interface LoadImageFolderOptions extends ImageFolderOptions {
  /** A folder of test images with the same class folders; default: held out of `root`. */
  testFolder?: string;
}

async function folderEntries(root: string): Promise<ImageFolderEntry[]> {
  const tree = await listFolderTree(root);
  if (!tree.found) throw new DataError(root, 'is not a folder; pass the folder whose sub-folders are the classes (root/<class>/<image>)');
  throwProblems(root, tree.escaping.map((path) => ({
    file: joinPath(root, path),
    problem: 'is a link to a place outside the folder (or to nothing); copy what it links to into the folder, or remove it',
  })));
  return [...tree.folders.map((path) => ({ path: `${path}/` })), ...tree.files];
}

/** The images of root/<class>/*.png|jpg|jpeg|webp as a training and a test set (image-folder.ts). */
export function loadImageFolder(root: string, options: LoadImageFolderOptions & { stream: true }): Promise<ImageFolder<StreamedImageSet>>;
export function loadImageFolder(root: string, options?: LoadImageFolderOptions & { stream?: false }): Promise<ImageFolder<ImageSet>>;
export function loadImageFolder(root: string, options?: LoadImageFolderOptions): Promise<ImageFolder>;
export async function loadImageFolder(root: string, options: LoadImageFolderOptions = {}): Promise<ImageFolder> {
  const { testFolder, ...rest } = options;
  const files = await folderEntries(root);
  const testFiles = testFolder === undefined ? undefined : await folderEntries(testFolder);
  return imageFolderFromFiles(files, { ...rest, root, ...(testFiles && { testFiles, testRoot: testFolder }) });
}
