/**
 * What an image file is, from its first bytes: the format by its magic bytes (never by the file's
 * name), its declared width and height, and the channels it decodes to once alpha is dropped.
 * Read before decoding, so a file that declares a huge image is refused without allocating it.
 */
export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  /** 1 (grey) or 3 (colour): what the image decodes to, alpha dropped. */
  readonly channels: 1 | 3;
  /** Whether it has transparency (an alpha channel, or PNG's tRNS), which we drop. */
  readonly alpha: boolean;
}

/** The largest side we decode: the limit of common decoders (libwebp's is 16383, PNG's 2³¹). */
export const MAX_IMAGE_SIDE = 16384;
/** The most pixels we decode per image: 64 MP is 192 MB of RGB bytes before resizing. */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

export const MIME_TYPES: Readonly<Record<ImageFormat, string>> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** The header, or a sentence saying why the bytes are not an image we read (for a DataError). */
export function readImageHeader(bytes: Uint8Array): ImageHeader | string {
  const header = isPng(bytes) ? pngHeader(bytes) : isJpeg(bytes) ? jpegHeader(bytes) : isWebp(bytes) ? webpHeader(bytes) : undefined;
  if (header === undefined) {
    return 'is not a PNG, JPEG or WebP image (by its first bytes); remove it from the folder or convert it';
  }
  if (typeof header === 'string') return header;
  const { width, height } = header;
  if (width < 1 || height < 1) return `declares a ${width}×${height} image; the file is damaged`;
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    return `declares a ${width}×${height} image, larger than we decode (${MAX_IMAGE_SIDE} px a side, ` +
      `${MAX_IMAGE_PIXELS / 1024 / 1024} MP); shrink it first`;
  }
  return header;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const isPng = (bytes: Uint8Array): boolean => startsWith(bytes, PNG_SIGNATURE);
const isJpeg = (bytes: Uint8Array): boolean => startsWith(bytes, [0xff, 0xd8, 0xff]);
const isWebp = (bytes: Uint8Array): boolean => startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8);

const u16be = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32be = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u24le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);

/** IHDR is the first chunk (PNG §11.2.2): width, height, bit depth, colour type. */
function pngHeader(b: Uint8Array): ImageHeader | string {
  if (b.length < 26 || !startsWith(b, ascii('IHDR'), 12)) return 'is a PNG without its IHDR header; the file is truncated or damaged';
  const colourType = b[25]!;
  // 0 grey, 4 grey + alpha; 2 RGB, 3 palette, 6 RGBA.
  if (![0, 2, 3, 4, 6].includes(colourType)) return `is a PNG of colour type ${colourType}, which PNG does not define; the file is damaged`;
  return {
    format: 'png', width: u32be(b, 16), height: u32be(b, 20), channels: colourType === 0 || colourType === 4 ? 1 : 3,
    alpha: colourType === 4 || colourType === 6 || hasPngChunkBeforeData(b, 'tRNS'),
  };
}

/** Whether a chunk of this type comes before the first IDAT (where tRNS must be: PNG §5.6). */
function hasPngChunkBeforeData(b: Uint8Array, type: string): boolean {
  const wanted = ascii(type);
  for (let at = 8; at + 8 <= b.length; at += 12 + u32be(b, at)) {
    if (startsWith(b, wanted, at + 4)) return true;
    if (startsWith(b, ascii('IDAT'), at + 4)) return false;
  }
  return false;
}

/**
 * The first start-of-frame segment (SOF0–SOF15 but DHT, JPG and DAC: ITU T.81 §B.2.2): precision,
 * height, width, components. Segments before it (APPn, EXIF thumbnails, tables) are skipped by
 * their lengths.
 */
function jpegHeader(b: Uint8Array): ImageHeader | string {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return `is a JPEG whose segment at byte ${at} is damaged`;
    const marker = b[at + 1]!;
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0xd9 || marker === 0xda) break; // end of image, start of scan: no frame header came
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { at += 2; continue; } // no length
    const length = u16be(b, at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 10 > b.length) break;
      const components = b[at + 9]!;
      if (components !== 1 && components !== 3 && components !== 4) return `is a JPEG of ${components} components; we read 1 (grey), 3 (colour) or 4 (CMYK)`;
      // A height of 0 defers it to a DNL segment after the scan, which few decoders read.
      return { format: 'jpeg', height: u16be(b, at + 5), width: u16be(b, at + 7), channels: components === 1 ? 1 : 3, alpha: false };
    }
    at += 2 + length;
  }
  return 'is a JPEG without a frame header; the file is truncated or damaged';
}

/** The first chunk of a WebP RIFF: VP8X (extended), VP8L (lossless) or 'VP8 ' (lossy). */
function webpHeader(b: Uint8Array): ImageHeader | string {
  const damaged = 'is a WebP whose header is truncated or damaged';
  if (b.length < 30) return damaged;
  const chunk = String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!);
  // WebP decodes to RGB(A) whatever its content: 3 channels once alpha is dropped.
  // VP8X flags: bit 4 is "has alpha"; VP8L: bit 28 of its header is alpha_is_used.
  if (chunk === 'VP8X') return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, channels: 3, alpha: (b[20]! & 0x10) !== 0 };
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return damaged;
    const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0;
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, channels: 3, alpha: ((bits >>> 28) & 1) === 1 };
  }
  if (chunk === 'VP8 ') {
    if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) return damaged;
    return { format: 'webp', width: (b[26]! | (b[27]! << 8)) & 0x3fff, height: (b[28]! | (b[29]! << 8)) & 0x3fff, channels: 3, alpha: false };
  }
  return damaged;
}
