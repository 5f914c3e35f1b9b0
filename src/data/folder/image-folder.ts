/**
 * A data set from a folder of the user's own images, root/<class>/<image> (entries.ts), as a
 * training and a test set: the test set is a second folder with the same classes, or a seeded,
 * per-class fraction of the first (split.ts). Held in memory as an ImageSet, or with
 * `stream: true` as a StreamedImageSet that decodes each batch's images when it is needed.
 *
 * Every file is read once up front for its header (format, size, channels; nothing decoded), so a
 * folder with a bad file, mixed sizes or mixed channel counts fails before any work, naming the
 * files. A corrupt file whose header is sound is found when decoded: at loading in memory, at its
 * first batch when streamed.
 */
import { DataError } from '../data-error.ts';
import { imageSet, type ImageSet } from '../image-set.ts';
import type { StreamedImageSet } from '../streamed-set.ts';
import { type ImageDecoder } from './decode.ts';
import { folderClasses, type FolderImage, type ImageFolderEntry } from './entries.ts';
import { MAX_IMAGE_SIDE, type ImageHeader } from './image-header.ts';
import { folderError, joinPath, throwProblems, type FileProblem } from './problems.ts';
import { forEachLimited, readHeaders, readImageInto, type ImageShape } from './read-images.ts';
import { stratifiedSplit } from './split.ts';

export interface ImageFolderOptions {
  /**
   * The size every image is resized to (bilinear, half-pixel centres: resize.ts); give both or
   * neither. Default: the images' own size, which they must then all share.
   */
  height?: number;
  width?: number;
  /**
   * 1 or 3: convert every image (grey to RGB by copying, RGB to grey by BT.601 luma; alpha is
   * always dropped). Default: the images' own count, which they must then all share.
   */
  channels?: 1 | 3;
  /** Without a test folder, the fraction of each class held out as the test set (default 0.2). */
  validationFraction?: number;
  /** Seed of that held-out split (default 1). */
  seed?: number;
  /** Decode images as batches need them instead of holding every decoded pixel (default false). */
  stream?: boolean;
  /**
   * 'auto' (default): the browser's decoders where there are (createImageBitmap), else the JS
   * decoders; 'js': the JS decoders everywhere, for the same bytes in every runtime (decode.ts).
   */
  decoder?: ImageDecoder;
  /**
   * Called as files are processed: each is read once for its header and, in memory, once more
   * to decode it (total: one or two per file).
   */
  onProgress?(done: number, total: number): void;
}

export interface ImageFolderFilesOptions extends ImageFolderOptions {
  /** The test set's files, with the same class folders; default: held out of `files`. */
  testFiles?: readonly ImageFolderEntry[];
  /** The folder's name, in messages and as the training set's name (default 'images'). */
  root?: string;
  /** The test folder's name, likewise (default 'test'). */
  testRoot?: string;
}

export interface ImageFolder<Set = ImageSet | StreamedImageSet> {
  readonly train: Set;
  readonly test: Set;
  /** The class folders' names: label i is classNames[i]. */
  readonly classNames: readonly string[];
  readonly root: string;
  /** The test folder, when one was given. */
  readonly testRoot?: string;
}

type InMemory = { stream?: false };
type Streamed = { stream: true };

function checkOptions(options: ImageFolderOptions, root: string): void {
  const { height, width, channels, validationFraction, seed } = options;
  if ((height === undefined) !== (width === undefined)) {
    throw new DataError(root, `height ${String(height)} and width ${String(width)}: give both to resize, or neither to keep the images' size`);
  }
  for (const [what, value] of [['height', height], ['width', width]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= MAX_IMAGE_SIDE)) {
      throw new DataError(root, `${what} must be an integer in 1..${MAX_IMAGE_SIDE}, got ${value}`);
    }
  }
  if (channels !== undefined && channels !== 1 && channels !== 3) throw new DataError(root, `channels must be 1 or 3, got ${String(channels)}`);
  if (validationFraction !== undefined && !(validationFraction >= 0 && validationFraction < 1)) {
    throw new DataError(root, `validationFraction must be in [0, 1), got ${validationFraction}`);
  }
  if (seed !== undefined && !Number.isInteger(seed)) throw new DataError(root, `seed must be an integer, got ${seed}`);
}

const describeChannels = (c: number): string => (c === 1 ? 'grey (1 channel)' : 'colour (3 channels)');

/** The one size and channel count of the set: the options', or the images' own if they agree. */
function setShape(files: readonly string[], headers: readonly ImageHeader[], options: ImageFolderOptions, root: string): ImageShape {
  const first = headers[0]!;
  let height = options.height;
  let width = options.width;
  if (height === undefined || width === undefined) {
    const other = headers.findIndex((h) => h.height !== first.height || h.width !== first.width);
    if (other >= 0) {
      const o = headers[other]!;
      throw new DataError(root, `its images differ in size: ${files[0]} is ${first.width}×${first.height}, ` +
        `${files[other]} is ${o.width}×${o.height}; pass height and width (--height, --width) to resize them all`);
    }
    ({ height, width } = first);
  }
  let channels = options.channels;
  if (channels === undefined) {
    const other = headers.findIndex((h) => h.channels !== first.channels);
    if (other >= 0) {
      throw new DataError(root, `its images mix channel counts: ${files[0]} is ${describeChannels(first.channels)}, ` +
        `${files[other]} is ${describeChannels(headers[other]!.channels)}; pass channels: 1 or 3 (--channels) to convert them all`);
    }
    channels = first.channels;
  }
  return { height, width, channels };
}

/** A set over `images` that decodes on demand. */
function streamedSet(name: string, images: readonly FolderImage[], classes: number, shape: ImageShape, decoder: ImageDecoder, root: string): StreamedImageSet {
  const perImage = shape.height * shape.width * shape.channels;
  return Object.freeze({
    name,
    count: images.length,
    ...shape,
    classes,
    labels: Uint8Array.from(images, (image) => image.label),
    files: images.map((image) => joinPath(root, image.path)),
    async readImages(indices: ArrayLike<number>, out: Uint8Array): Promise<void> {
      if (out.length < indices.length * perImage) {
        throw new Error(`readImages(${name}): out holds ${out.length} bytes, ${indices.length} images need ${indices.length * perImage}`);
      }
      const problems: FileProblem[] = [];
      await forEachLimited(indices.length, async (i) => {
        const index = indices[i]!;
        const image = images[index];
        if (!image) throw new Error(`readImages(${name}): ${index} is not an image of the set (0..${images.length - 1})`);
        const problem = await readImageInto(image, root, shape, decoder, out, i * perImage);
        if (problem) problems.push(problem);
      });
      throwProblems(root, problems);
    },
  });
}

/** Decodes every image of a streamed set into an ImageSet. */
async function inMemory(set: StreamedImageSet, onEach: () => void): Promise<ImageSet> {
  const perImage = set.height * set.width * set.channels;
  const pixels = new Uint8Array(set.count * perImage);
  // In chunks, so progress is reported and a chunk's failures are listed together.
  const CHUNK = 256;
  for (let start = 0; start < set.count; start += CHUNK) {
    const end = Math.min(set.count, start + CHUNK);
    await set.readImages(Int32Array.from({ length: end - start }, (_, i) => start + i), pixels.subarray(start * perImage));
    for (let i = start; i < end; i++) onEach();
  }
  const { name, count, height, width, channels, classes, labels } = set;
  return imageSet({ name, count, height, width, channels, classes, pixels, labels });
}

/**
 * A data set from a list of files (ImageFolderEntry: a path and a reader), in any runtime: what
 * loadImageFolder lists from disk, or a browser's selected or served files.
 */
export function imageFolderFromFiles(files: readonly ImageFolderEntry[], options: ImageFolderFilesOptions & Streamed): Promise<ImageFolder<StreamedImageSet>>;
export function imageFolderFromFiles(files: readonly ImageFolderEntry[], options?: ImageFolderFilesOptions & InMemory): Promise<ImageFolder<ImageSet>>;
export function imageFolderFromFiles(files: readonly ImageFolderEntry[], options?: ImageFolderFilesOptions): Promise<ImageFolder>;
export async function imageFolderFromFiles(files: readonly ImageFolderEntry[], options: ImageFolderFilesOptions = {}): Promise<ImageFolder> {
  const root = options.root ?? 'images';
  const testRoot = options.testRoot ?? 'test';
  checkOptions(options, root);
  const train = folderClasses(files, root);
  const { classNames } = train;
  let trainImages = train.images;
  let testImages: readonly FolderImage[];
  if (options.testFiles) {
    const test = folderClasses(options.testFiles, testRoot);
    const missing = classNames.filter((c) => !test.classNames.includes(c));
    const extra = test.classNames.filter((c) => !classNames.includes(c));
    if (missing.length || extra.length) {
      throw new DataError(testRoot, 'must have the class folders of ' + root +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') + (extra.length ? `; not in ${root}: ${extra.join(', ')}` : ''));
    }
    testImages = test.images;
  } else {
    const labels = Uint8Array.from(trainImages, (image) => image.label);
    const split = stratifiedSplit(labels, classNames.length, options.validationFraction ?? 0.2, options.seed ?? 1);
    testImages = Array.from(split.test, (i) => trainImages[i]!);
    trainImages = Array.from(split.train, (i) => trainImages[i]!);
  }

  const total = (trainImages.length + testImages.length) * (options.stream ? 1 : 2);
  let done = 0;
  const onEach = (): void => options.onProgress?.(++done, total);
  const testImagesRoot = options.testFiles ? testRoot : root;
  const scannedTrain = await readHeaders(trainImages, root, onEach);
  const scannedTest = await readHeaders(testImages, testImagesRoot, onEach);
  const problems = [...scannedTrain.problems, ...scannedTest.problems];
  if (problems.length > 0) throw folderError(root, problems);
  const named = [...trainImages.map((i) => joinPath(root, i.path)), ...testImages.map((i) => joinPath(testImagesRoot, i.path))];
  const shape = setShape(named, [...scannedTrain.headers, ...scannedTest.headers] as ImageHeader[], options, root);

  const decoder = options.decoder ?? 'auto';
  const testName = options.testFiles ? testRoot : `${root} (held out)`;
  const trainSet = streamedSet(root, trainImages, classNames.length, shape, decoder, root);
  const testSet = streamedSet(testName, testImages, classNames.length, shape, decoder, testImagesRoot);
  const result = { classNames, root, ...(options.testFiles && { testRoot }) };
  if (options.stream) return { ...result, train: trainSet, test: testSet };
  return { ...result, train: await inMemory(trainSet, onEach), test: await inMemory(testSet, onEach) };
}
