/**
 * CIFAR-10's binary batch format (https://www.cs.toronto.edu/~kriz/cifar.html, "binary
 * version"): records of 3073 bytes, one label byte and then the 32×32 image as three planes,
 * 1024 red, 1024 green, 1024 blue, each row-major. We keep images NHWC (interleaved channels), so
 * parsing transposes each record. Pure functions over bytes.
 */
import { DataError } from './data-error.ts';

export const CIFAR_SIDE = 32;
export const CIFAR_PLANE = CIFAR_SIDE * CIFAR_SIDE;
export const CIFAR_IMAGE_BYTES = 3 * CIFAR_PLANE;
export const CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;

export interface CifarBatch {
  readonly count: number;
  /** NHWC, count·32·32·3 bytes. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

/** Number of records, after checking that the size is a whole number of them. */
export function cifarRecordCount(bytes: Uint8Array, file = 'CIFAR batch'): number {
  if (bytes.length === 0) throw new DataError(file, 'is empty');
  if (bytes.length % CIFAR_RECORD_BYTES !== 0) {
    throw new DataError(
      file,
      `is ${bytes.length} bytes, not a multiple of the ${CIFAR_RECORD_BYTES}-byte CIFAR record ` +
        `(${Math.floor(bytes.length / CIFAR_RECORD_BYTES)} whole records and ${bytes.length % CIFAR_RECORD_BYTES} bytes over): ` +
        'truncated, or not a CIFAR-10 binary batch',
    );
  }
  return bytes.length / CIFAR_RECORD_BYTES;
}

/**
 * Decodes every record into `pixels` (NHWC) and `labels` from image `offset` on, checking each
 * label is below `classes`. For loading several batches into one set without a second copy.
 */
export function decodeCifarBatchInto(
  bytes: Uint8Array,
  pixels: Uint8Array,
  labels: Uint8Array,
  offset: number,
  file = 'CIFAR batch',
  classes = 10,
): number {
  const count = cifarRecordCount(bytes, file);
  if ((offset + count) * CIFAR_IMAGE_BYTES > pixels.length || offset + count > labels.length) {
    throw new Error(`decodeCifarBatchInto: ${count} records from image ${offset} do not fit the output`);
  }
  for (let i = 0; i < count; i++) {
    const record = i * CIFAR_RECORD_BYTES;
    const label = bytes[record]!;
    if (label >= classes) {
      throw new DataError(file, `record ${i} has label ${label}, outside 0..${classes - 1}: not a CIFAR-10 binary batch (CIFAR-100 has 2 label bytes)`);
    }
    labels[offset + i] = label;
    const r = record + 1;
    const g = r + CIFAR_PLANE;
    const b = g + CIFAR_PLANE;
    let o = (offset + i) * CIFAR_IMAGE_BYTES;
    for (let p = 0; p < CIFAR_PLANE; p++, o += 3) {
      pixels[o] = bytes[r + p]!;
      pixels[o + 1] = bytes[g + p]!;
      pixels[o + 2] = bytes[b + p]!;
    }
  }
  return count;
}

/** Parses one binary batch file into NHWC pixels and labels. */
export function parseCifarBatch(bytes: Uint8Array, file = 'CIFAR batch', classes = 10): CifarBatch {
  const count = cifarRecordCount(bytes, file);
  const pixels = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  decodeCifarBatchInto(bytes, pixels, labels, 0, file, classes);
  return { count, pixels, labels };
}

/**
 * The inverse: NHWC (interleaved RGB) images and their labels as binary batch bytes. The CIFAR-10
 * converter writes the official files with it; tests use it to make fixtures.
 */
export function encodeCifarBatch(pixels: Uint8Array, labels: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const count = labels.length;
  if (pixels.length !== count * CIFAR_IMAGE_BYTES) {
    throw new Error(`encodeCifarBatch: ${pixels.length} pixel bytes for ${count} labels; expected ${count * CIFAR_IMAGE_BYTES}`);
  }
  const out = new Uint8Array(count * CIFAR_RECORD_BYTES);
  for (let i = 0; i < count; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label > 255) throw new Error(`encodeCifarBatch: label ${label} of image ${i} is not a byte`);
    const record = i * CIFAR_RECORD_BYTES;
    out[record] = label;
    let s = i * CIFAR_IMAGE_BYTES;
    for (let p = 0; p < CIFAR_PLANE; p++, s += 3) {
      out[record + 1 + p] = pixels[s]!;
      out[record + 1 + CIFAR_PLANE + p] = pixels[s + 1]!;
      out[record + 1 + 2 * CIFAR_PLANE + p] = pixels[s + 2]!;
    }
  }
  return out;
}
