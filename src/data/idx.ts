/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
 * number (two zero bytes, a type code, the number of dimensions), one big-endian u32 per
 * dimension, then the data in row-major order. Pure functions over bytes, so they run in every
 * runtime; reading files is read-file.ts's job.
 */
import { DataError } from './data-error.ts';

/** IDX type codes and their element sizes in bytes. */
export const IDX_TYPES = {
  0x08: { name: 'unsigned byte', bytes: 1 },
  0x09: { name: 'signed byte', bytes: 1 },
  0x0b: { name: 'short', bytes: 2 },
  0x0c: { name: 'int', bytes: 4 },
  0x0d: { name: 'float', bytes: 4 },
  0x0e: { name: 'double', bytes: 8 },
} as const satisfies Record<number, { name: string; bytes: number }>;

export interface IdxHeader {
  /** The type code (0x08 = unsigned byte). */
  readonly type: number;
  readonly dims: readonly number[];
  /** Bytes before the data: 4 + 4·dims.length. */
  readonly headerBytes: number;
}

/** Reads and checks the header, and that the file is exactly as long as it declares. */
export function parseIdxHeader(bytes: Uint8Array, file = 'IDX data'): IdxHeader {
  if (bytes.length < 4) throw new DataError(file, `is ${bytes.length} bytes, too short for an IDX header (truncated?)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (it is gzip: gunzip it first)' : '';
    throw new DataError(file, `is not an IDX file: its magic number starts ${hex(bytes[0]!)} ${hex(bytes[1]!)}, not 00 00${hint}`);
  }
  const type = bytes[2]!;
  const element = (IDX_TYPES as Record<number, { name: string; bytes: number }>)[type];
  if (!element) throw new DataError(file, `has IDX type code ${hex(type)}, which is none of 08, 09, 0b, 0c, 0d, 0e`);
  const rank = bytes[3]!;
  if (rank === 0) throw new DataError(file, 'declares 0 dimensions');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(file, `is ${bytes.length} bytes, too short for the ${rank} dimension sizes it declares (truncated?)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let elements = 1;
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    elements *= size;
  }
  const expected = headerBytes + elements * element.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw new DataError(
      file,
      `is ${bytes.length} bytes, but its header (${element.name}, dimensions ${dims.join('×')}) needs exactly ` +
        `${expected}: the file is ${what}; replace it`,
    );
  }
  return { type, dims, headerBytes };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function requireUbyte(header: IdxHeader, rank: number, kind: string, file: string): void {
  if (header.type !== 0x08) {
    const name = (IDX_TYPES as Record<number, { name: string }>)[header.type]?.name;
    throw new DataError(file, `holds ${name} values; ${kind} must be unsigned bytes (IDX type 08)`);
  }
  if (header.dims.length !== rank) {
    throw new DataError(
      file,
      `has ${header.dims.length} dimensions (${header.dims.join('×')}); ${kind} must have ${rank} ` +
        `(idx${rank}-ubyte)${rank === 3 ? ': count×height×width' : ': count'}`,
    );
  }
}

export interface IdxImages {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** count·height·width bytes, a view into the input (no copy). */
  readonly pixels: Uint8Array;
}

/** An idx3-ubyte image file (count × height × width, one channel). */
export function parseIdxImages(bytes: Uint8Array, file = 'IDX images'): IdxImages {
  const header = parseIdxHeader(bytes, file);
  requireUbyte(header, 3, 'images', file);
  const [count, height, width] = header.dims as [number, number, number];
  if (height === 0 || width === 0) throw new DataError(file, `declares images of ${height}×${width} pixels`);
  return { count, height, width, pixels: bytes.subarray(header.headerBytes) };
}

/**
 * An idx1-ubyte label file; every label must be below `classes`. Returns a view into the input
 * (no copy).
 */
export function parseIdxLabels(bytes: Uint8Array, file = 'IDX labels', classes = 10): Uint8Array {
  const header = parseIdxHeader(bytes, file);
  requireUbyte(header, 1, 'labels', file);
  const labels = bytes.subarray(header.headerBytes);
  const bad = labels.findIndex((label) => label >= classes);
  if (bad >= 0) {
    throw new DataError(file, `label ${labels[bad]} at index ${bad} is outside 0..${classes - 1}: not a ${classes}-class label file`);
  }
  return labels;
}

/** Writes an IDX ubyte file (header and data); for tests and for users converting their data. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array<ArrayBuffer> {
  const elements = dims.reduce((a, b) => a * b, 1);
  if (data.length !== elements) throw new Error(`encodeIdx: ${data.length} bytes for dimensions ${dims.join('×')} (${elements})`);
  const out = new Uint8Array(4 + 4 * dims.length + elements);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
