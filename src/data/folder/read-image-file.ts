/**
 * One image file (PNG, JPEG or WebP, a path or URL) as a model takes it: decoded, converted to
 * its channels and resized to its size (bilinear), the same steps as an image folder's images.
 */
import { readBytes } from '../../platform/read-bytes.ts';
import { DataError } from '../data-error.ts';
import type { ImageDecoder } from './decode.ts';
import { readImageInto, type ImageShape } from './read-images.ts';

/** The pixels, NHWC bytes of one image of `shape`; a DataError naming the file when it is not an image it can read. */
export async function readImageFile(file: string | URL, shape: ImageShape, decoder: ImageDecoder = 'auto'): Promise<Uint8Array> {
  const name = String(file);
  const out = new Uint8Array(shape.height * shape.width * shape.channels);
  const problem = await readImageInto({ path: name, label: 0, bytes: () => readBytes(file) }, '', shape, decoder, out, 0);
  if (problem) throw new DataError(problem.file, problem.problem);
  return out;
}
