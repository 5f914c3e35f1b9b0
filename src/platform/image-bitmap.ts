/**
 * Decodes an image with the browser's own decoders (createImageBitmap, then an OffscreenCanvas to
 * read the pixels), the fastest way in a page or a worker and the one that knows every format
 * the browser does. Not in Node or Deno: `imageBitmapDecoding()` says whether it is there.
 *
 * Colour: `colorSpaceConversion: 'none'` and `premultiplyAlpha: 'none'` keep the file's own
 * values, so a PNG gives the same bytes as a JS decoder; JPEG decoders differ in their IDCT and
 * upsampling, so a JPEG differs by a few levels between this and jpeg-js.
 */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width·height·4 bytes, RGBA. */
  readonly data: Uint8Array;
}

let available: boolean | undefined;

/**
 * Whether this runtime can decode this way. Probed, not assumed from the names: Deno has
 * createImageBitmap and OffscreenCanvas but no 2d context to read pixels back from.
 */
export function imageBitmapDecoding(): boolean {
  available ??= typeof globalThis.createImageBitmap === 'function' && typeof globalThis.OffscreenCanvas === 'function' &&
    new OffscreenCanvas(1, 1).getContext('2d') !== null;
  return available;
}

export async function decodeWithImageBitmap(bytes: Uint8Array, type: string): Promise<RgbaImage> {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('OffscreenCanvas gave no 2d context');
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, width, height);
    return { width, height, data: new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength) };
  } finally {
    bitmap.close();
  }
}
