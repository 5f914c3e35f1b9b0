// Image files made by the tests themselves, in every runtime: PNGs through fast-png's encoder,
// JPEGs through jpeg-js's, and a WebP fixture (libwebp's own output, kept as bytes: its encoder
// needs a .wasm that a suite cannot load the same way in every runtime).
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { testRng } from '../harness.ts';
import type { ImageFolderEntry } from 'slimprune/internal';

export function randomPixels(length: number, seed: number): Uint8Array {
  const rng = testRng(seed);
  return Uint8Array.from({ length }, () => Math.floor(rng() * 256));
}

/** An 8-bit (or 16-bit) PNG of 1–4 channels. */
export function pngFile(width: number, height: number, channels: number, data: Uint8Array | Uint16Array, depth: 8 | 16 = 8): Uint8Array {
  return encodePng({ width, height, channels, depth, data });
}

/** A baseline JPEG of RGB pixels (jpeg-js takes RGBA; alpha is ignored). */
export function jpegFile(width: number, height: number, rgb: Uint8Array, quality = 90): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(rgb.subarray(3 * p, 3 * p + 3), 4 * p);
    rgba[4 * p + 3] = 255;
  }
  // jpeg-js's encoder returns a Node Buffer when it sees a CommonJS `module`, which a browser
  // bundle also defines; lend it Buffer.from for the call where there is none.
  const g = globalThis as { Buffer?: unknown };
  const lent = g.Buffer === undefined;
  if (lent) g.Buffer = { from: (bytes: ArrayLike<number>) => Uint8Array.from(bytes) };
  try {
    return new Uint8Array(jpeg.encode({ width, height, data: rgba }, quality).data);
  } finally {
    if (lent) delete g.Buffer;
  }
}

export const fileEntry = (path: string, bytes: Uint8Array): ImageFolderEntry => ({ path, bytes: async () => bytes });

const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A 5×3 lossless WebP (VP8L) of WEBP_RGBA's pixels. */
export const WEBP_LOSSLESS = fromBase64('UklGRjoAAABXRUJQVlA4TC4AAAAvBIAAAHcgJEgy0f+DvTAon/+f/+QyUNBIUvO90LXgCS14QgvCIvofa8u5+f4A');
export const WEBP_RGBA = Uint8Array.from([
  0, 9, 255, 255, 40, 26, 242, 255, 80, 43, 229, 255, 120, 60, 216, 255, 160, 77, 203, 255, 200, 94, 190, 255, 240, 111, 177, 255,
  24, 128, 164, 255, 64, 145, 151, 255, 104, 162, 138, 255, 144, 179, 125, 255, 184, 196, 112, 255, 224, 213, 99, 255, 8, 230, 86, 255,
  48, 247, 73, 255,
]);
/** The same 5×3 image, lossy (VP8, quality 90). */
export const WEBP_LOSSY = fromBase64(
  'UklGRoQAAABXRUJQVlA4IHgAAADwAgCdASoFAAMAAMASJbACdLoB+ADXAP4BYAAMTgqjdAD82X/80/zfEle9PFn3Ob/t/yGcigDicCO/83HQf4LidcV/sb/Rvv9Ko7dUfvGt83/jm3/vA//XvxSVv/29Cv/T2se+gN//gt8HuNfys//gRV9d/+6OgAA=',
);
