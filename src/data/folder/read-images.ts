/**
 * Reading a folder's images: the headers of all of them (sizes and channels, checked before any
 * decoding), and any of them decoded, converted to the set's channels and resized to its size.
 * Failures are returned per file, so a caller reports them together (problems.ts).
 */
import { convertChannels } from './channels.ts';
import { decodeImage, type ImageDecoder } from './decode.ts';
import type { FolderImage } from './entries.ts';
import { readImageHeader, type ImageHeader } from './image-header.ts';
import { joinPath, type FileProblem } from './problems.ts';
import { resizeBilinearBytes } from './resize.ts';

export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

/**
 * Files read at once: reads overlap while the (synchronous) JS decoders run one at a time; more
 * buys nothing and keeps more files' bytes alive.
 */
const READS_IN_FLIGHT = 8;

/** Runs task(0 … count − 1), at most `limit` at a time. */
export async function forEachLimited(count: number, task: (i: number) => Promise<void>, limit = READS_IN_FLIGHT): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

async function readFile(image: FolderImage, root: string): Promise<Uint8Array | FileProblem> {
  try {
    return await image.bytes();
  } catch (error) {
    return { file: joinPath(root, image.path), problem: `could not be read (${(error as Error).message})` };
  }
}

/** Every image's header (undefined where it failed) and the files that failed. */
export async function readHeaders(
  images: readonly FolderImage[], root: string, onEach?: () => void,
): Promise<{ headers: (ImageHeader | undefined)[]; problems: FileProblem[] }> {
  const headers: (ImageHeader | undefined)[] = new Array(images.length).fill(undefined);
  const problems: FileProblem[] = [];
  await forEachLimited(images.length, async (i) => {
    const image = images[i]!;
    const bytes = await readFile(image, root);
    const header = bytes instanceof Uint8Array ? readImageHeader(bytes) : bytes.problem;
    if (typeof header === 'string') problems.push({ file: joinPath(root, image.path), problem: header });
    else headers[i] = header;
    onEach?.();
  });
  problems.sort((a, b) => (a.file < b.file ? -1 : 1));
  return { headers, problems };
}

/** Decodes one image into out[offset …] as `shape`; returns the problem instead when it fails. */
export async function readImageInto(
  image: FolderImage, root: string, shape: ImageShape, decoder: ImageDecoder, out: Uint8Array, offset: number,
): Promise<FileProblem | undefined> {
  const bytes = await readFile(image, root);
  if (!(bytes instanceof Uint8Array)) return bytes;
  const header = readImageHeader(bytes);
  if (typeof header === 'string') return { file: joinPath(root, image.path), problem: header };
  let decoded;
  try {
    decoded = await decodeImage(bytes, header, decoder);
  } catch (error) {
    return {
      file: joinPath(root, image.path),
      problem: `could not be decoded as ${header.format.toUpperCase()} (${(error as Error).message}); ` +
        'the file is truncated or damaged: replace or remove it',
    };
  }
  const { height, width, channels } = shape;
  const sameSize = decoded.height === height && decoded.width === width;
  let pixels = decoded.data;
  if (decoded.channels !== channels) {
    const converted = sameSize ? out.subarray(offset, offset + height * width * channels) : new Uint8Array(decoded.height * decoded.width * channels);
    convertChannels(decoded.data, decoded.height * decoded.width, decoded.channels, channels, converted);
    if (sameSize) return undefined;
    pixels = converted;
  }
  if (sameSize) out.set(pixels, offset);
  else resizeBilinearBytes(pixels, decoded.height, decoded.width, channels, height, width, out, offset);
  return undefined;
}
