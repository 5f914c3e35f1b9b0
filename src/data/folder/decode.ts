/**
 * Decoding one image file to bytes, by well-kept libraries rather than codecs of our own:
 * - PNG: fast-png (pure JS, every runtime).
 * - JPEG: jpeg-js (pure JS, every runtime), strict (`tolerantDecoding: false`), so a truncated
 *   file fails instead of decoding to grey.
 * - WebP: @jsquash/webp (libwebp compiled to WASM, from the Squoosh app): npm's pure-JS WebP
 *   decoders cover lossy or lossless only; its .wasm ships in the package, and Node and Deno
 *   compile it from there (src/platform/dependency-wasm.ts), so nothing is fetched at run time.
 * - In browsers, by default, the browser's own decoders (src/platform/image-bitmap.ts): faster,
 *   and PNGs come out the same; JPEGs differ by a few levels from jpeg-js (decoders round their
 *   IDCT and chroma upsampling differently), so pass decoder: 'js' for the same bytes everywhere.
 *   Images with transparency go to the JS decoders even then: a canvas stores premultiplied
 *   alpha, which loses the colour under transparent pixels that dropping alpha keeps.
 *
 * The result keeps the channels of the file's header (ImageHeader.channels), alpha dropped.
 */
import { compileDependencyWasm } from '../../platform/dependency-wasm.ts';
import { decodeWithImageBitmap, imageBitmapDecoding } from '../../platform/image-bitmap.ts';
import { convertChannels } from './channels.ts';
import { MIME_TYPES, type ImageHeader } from './image-header.ts';

export type ImageDecoder = 'auto' | 'js' | 'browser';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** height·width·channels bytes, HWC. */
  readonly data: Uint8Array;
}

/** Raw decoder output: 1–4 interleaved 8-bit channels (grey, grey+alpha, RGB, RGBA). */
interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;
}

/** Decodes `bytes`, whose header has been read; throws the decoder's own error when it fails. */
export async function decodeImage(bytes: Uint8Array, header: ImageHeader, decoder: ImageDecoder = 'auto'): Promise<DecodedImage> {
  const useBrowser = decoder === 'browser' || (decoder === 'auto' && !header.alpha && imageBitmapDecoding());
  if (decoder === 'browser' && !imageBitmapDecoding()) throw new Error("decoder 'browser' needs createImageBitmap and OffscreenCanvas; use 'js'");
  const raw: RawImage = useBrowser
    ? { ...(await decodeWithImageBitmap(bytes, MIME_TYPES[header.format])), channels: 4 }
    : header.format === 'png' ? await decodePng(bytes)
    : header.format === 'jpeg' ? await decodeJpeg(bytes)
    : await decodeWebp(bytes);
  if (raw.width !== header.width || raw.height !== header.height) {
    throw new Error(`decoded to ${raw.width}×${raw.height}, but its header says ${header.width}×${header.height}`);
  }
  const { width, height, channels } = header;
  // The browser gives RGBA even for grey images (R = G = B); the header says which they are.
  const data = new Uint8Array(width * height * channels);
  convertChannels(raw.data, width * height, raw.channels, channels, data);
  return { width, height, channels, data };
}

async function decodePng(bytes: Uint8Array): Promise<RawImage> {
  const { decode, convertIndexedToRgb } = await import('fast-png');
  const png = decode(bytes);
  const { width, height } = png;
  if (png.palette) return { width, height, channels: png.palette[0]?.length ?? 3, data: convertIndexedToRgb(png) };
  if (png.depth === 16) {
    // libpng's png_set_strip_16, as browsers decode: the high byte.
    const wide = png.data as Uint16Array;
    return { width, height, channels: png.channels, data: Uint8Array.from(wide, (v) => v >> 8) };
  }
  if (png.depth < 8) return { width, height, channels: 1, data: unpackGrey(png.data as Uint8Array, width, height, png.depth) };
  return { width, height, channels: png.channels, data: png.data as Uint8Array };
}

/** Grey of 1, 2 or 4 bits per pixel, rows padded to a byte (PNG §7.2), scaled to 0..255. */
function unpackGrey(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  const scale = 255 / max; // 255, 85 or 17: exact
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)]!;
      out[y * width + x] = ((byte >> (8 - depth - (bit & 7))) & max) * scale;
    }
  }
  return out;
}

async function decodeJpeg(bytes: Uint8Array): Promise<RawImage> {
  // A CommonJS package: Node, Deno and bundlers give its module.exports as the default export.
  const { decode } = (await import('jpeg-js')).default;
  const image = decode(bytes, {
    useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: 100, maxMemoryUsageInMB: 1024,
  });
  return { width: image.width, height: image.height, channels: 3, data: image.data };
}

type WebpDecode = (buffer: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
let webp: Promise<WebpDecode> | undefined;

async function loadWebp(): Promise<WebpDecode> {
  const module = await import('@jsquash/webp/decode.js');
  const wasm = await compileDependencyWasm('@jsquash/webp', 'codec/dec/webp_dec.wasm');
  // init's declared type omits its first form, init(module): the compiled .wasm to instantiate.
  if (wasm) await (module.init as unknown as (wasm: WebAssembly.Module) => Promise<void>)(wasm);
  return module.default;
}

async function decodeWebp(bytes: Uint8Array): Promise<RawImage> {
  // One instance per process; a failed load is retried by the next image.
  webp ??= loadWebp().catch((error: unknown) => {
    webp = undefined;
    throw error;
  });
  const image = await (await webp)(bytes.slice().buffer);
  return { width: image.width, height: image.height, channels: 4, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
}
