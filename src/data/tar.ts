/**
 * A minimal reader of (uncompressed) tar archives held in memory: the regular files and their
 * bytes. Enough for npm's package tarballs, which npm writes as ustar with pax extended headers
 * for long names. Why not a tar library: we only list files of one in-memory buffer, which is
 * ~60 lines over bytes that run in every runtime; node-tar and tar-stream are stream- and
 * Node-oriented and bring dependencies of their own. Headers are checked (checksum, size) so
 * a damaged archive fails with a message, not with garbage files.
 */
import { DataError } from './data-error.ts';

const BLOCK = 512;
const decoder = new TextDecoder();

function text(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function octal(bytes: Uint8Array, start: number, length: number, what: string, file: string): number {
  // GNU base-256 for values beyond the octal field's range: high bit of the first byte set.
  if (bytes[start]! & 0x80) {
    let value = bytes[start]! & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + bytes[start + i]!;
    return value;
  }
  const field = text(bytes, start, length).trim();
  if (field === '') return 0;
  if (!/^[0-7]+$/.test(field)) throw new DataError(file, `tar header ${what} "${field}" is not an octal number: not a tar archive, or damaged`);
  return parseInt(field, 8);
}

/** pax records: "<length> <key>=<value>\n" repeated. */
function paxPath(data: Uint8Array): string | undefined {
  let path: string | undefined;
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(decoder.decode(data.subarray(at, space)), 10);
    if (!(length > 0)) break;
    const record = decoder.decode(data.subarray(space + 1, at + length - 1));
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    at += length;
  }
  return path;
}

/** The regular files of a tar archive by path, each a view into `bytes` (no copy). */
export function readTar(bytes: Uint8Array, file = 'tar archive'): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let at = 0;
  let nextPath: string | undefined;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return files; // end of archive
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    const stored = octal(header, 148, 8, 'checksum', file);
    if (stored !== sum) throw new DataError(file, `tar header at byte ${at} has checksum ${stored}, computed ${sum}: the archive is damaged`);
    const size = octal(header, 124, 12, 'size', file);
    const type = String.fromCharCode(header[156]!);
    const dataStart = at + BLOCK;
    if (dataStart + size > bytes.length) {
      throw new DataError(file, `tar entry at byte ${at} declares ${size} bytes, but the archive ends first: it is truncated`);
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    const magic = text(header, 257, 6);
    const prefix = magic === 'ustar' ? text(header, 345, 155) : '';
    const name = text(header, 0, 100);
    const path = nextPath ?? (prefix ? `${prefix}/${name}` : name);
    if (type === 'x') {
      nextPath = paxPath(data);
    } else if (type === 'L') {
      nextPath = text(data, 0, data.length);
    } else {
      nextPath = undefined;
      if (type === '0' || type === '\0' || type === '7') files.set(path, data);
    }
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (at !== bytes.length) throw new DataError(file, 'ends in the middle of a tar header: the archive is truncated');
  return files;
}

/**
 * Writes a ustar archive of the given files (names up to 100 bytes); the counterpart of readTar,
 * for tests and fixtures.
 */
export function writeTar(entries: Iterable<[string, Uint8Array]>): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const blocks: Uint8Array[] = [];
  const field = (header: Uint8Array, start: number, length: number, value: string): void => {
    header.set(encoder.encode(value).subarray(0, length), start);
  };
  const octalField = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;
  for (const [name, data] of entries) {
    if (encoder.encode(name).length > 100) throw new Error(`writeTar: name ${name} is longer than 100 bytes`);
    const header = new Uint8Array(BLOCK);
    field(header, 0, 100, name);
    field(header, 100, 8, octalField(0o644, 8));
    field(header, 108, 8, octalField(0, 8));
    field(header, 116, 8, octalField(0, 8));
    field(header, 124, 12, octalField(data.length, 12));
    field(header, 136, 12, octalField(0, 12));
    header[156] = 0x30; // '0': regular file
    field(header, 257, 8, 'ustar\u000000');
    header.fill(0x20, 148, 156);
    const sum = header.reduce((a, b) => a + b, 0);
    field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header, data, new Uint8Array((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  blocks.push(new Uint8Array(2 * BLOCK));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const block of blocks) {
    out.set(block, at);
    at += block.length;
  }
  return out;
}
