/**
 * Training checkpoints as plain data, and their byte format.
 *
 * A checkpoint holds everything a resumed run needs to continue exactly as a straight one: every
 * model weight (trainable and BatchNorm moving statistics) as a named Float32Array, the
 * optimizer's slots and step count, the epochs completed, the batch source's state (when it has
 * any: its order otherwise depends on (seed, epoch) alone) and the recipe.
 *
 * Bytes: "SLPRCKPT" (8), u32 format version, u32 header length, the header as UTF-8 JSON (arrays
 * replaced by {name, shape, offset, length}), zero padding to a multiple of 4, then the float32
 * data, little-endian (the byte order of every runtime slimprune runs in; checked).
 * Files are written under a temporary name and renamed (Node and Deno; a browser keeps the bytes).
 */
import type { ResolvedRecipe } from './recipe.ts';
import type { NamedArray, OptimizerState } from './optimizer.ts';

export type { NamedArray };
import type { EpochSummary } from './progress.ts';
import { env } from '../env.ts';
import { readBytes } from '../platform/read-bytes.ts';
import { writeFileAtomic } from '../platform/files.ts';

export interface TrainingCheckpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: typeof CHECKPOINT_VERSION;
  /** Epochs completed; training resumes with this 0-based epoch. */
  readonly epoch: number;
  readonly recipe: ResolvedRecipe;
  /** Every weight of the model (`model.weights` order), named as tfjs named them when saved. */
  readonly weights: readonly NamedArray[];
  readonly optimizer: OptimizerState;
  /** What the batch source's `getState()` returned, if it has state. */
  readonly sourceState?: unknown;
  /** The summaries of the epochs completed. */
  readonly history: readonly EpochSummary[];
}

export const CHECKPOINT_FORMAT = 'slimprune/training-checkpoint';
export const CHECKPOINT_VERSION = 1;
const MAGIC = 'SLPRCKPT';

interface ArrayRef {
  readonly name: string;
  readonly shape: readonly number[];
  /** In float32 elements from the start of the data section. */
  readonly offset: number;
  readonly length: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function requireLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new Error('slimprune checkpoints are little-endian; this platform is big-endian');
}

/** Serialises a checkpoint to bytes. */
export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array<ArrayBuffer> {
  requireLittleEndian();
  const arrays: Float32Array[] = [];
  let offset = 0;
  const ref = (a: NamedArray): ArrayRef => {
    const expected = a.shape.reduce((n, d) => n * d, 1);
    if (expected !== a.data.length) throw new Error(`array ${a.name}: shape [${a.shape}] holds ${expected} values, data has ${a.data.length}`);
    const r = { name: a.name, shape: [...a.shape], offset, length: a.data.length };
    arrays.push(a.data);
    offset += a.data.length;
    return r;
  };
  const header = {
    ...checkpoint,
    weights: checkpoint.weights.map(ref),
    optimizer: { ...checkpoint.optimizer, slots: checkpoint.optimizer.slots.map(ref) },
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(16 + json.length);
  const bytes = new Uint8Array(dataStart + offset * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, json.length, true);
  bytes.set(json, 16);
  const data = new Float32Array(bytes.buffer, dataStart, offset);
  let at = 0;
  for (const a of arrays) {
    data.set(a, at);
    at += a.length;
  }
  return bytes;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Parses bytes written by `encodeCheckpoint`; throws on anything else or on a truncated file. */
export function decodeCheckpoint(bytes: Uint8Array): TrainingCheckpoint {
  requireLittleEndian();
  const bad = (why: string): never => {
    throw new Error(`not a slimprune training checkpoint: ${why}`);
  };
  if (bytes.length < 16) bad(`only ${bytes.length} bytes`);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) bad('wrong magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) bad(`format version ${version}, this slimprune reads version ${CHECKPOINT_VERSION}`);
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length) bad('truncated header');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as
    Omit<TrainingCheckpoint, 'weights' | 'optimizer'> & { weights: ArrayRef[]; optimizer: OptimizerState & { slots: ArrayRef[] } };
  if (header.format !== CHECKPOINT_FORMAT) bad(`format ${String(header.format)}`);
  const dataStart = align4(16 + headerLength);
  const floats = (bytes.length - dataStart) / 4;
  // A copy, aligned, so that the arrays do not pin (or depend on the alignment of) the input.
  const data = new Float32Array(Math.max(0, Math.floor(floats)));
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart, dataStart + data.length * 4));
  const array = (r: ArrayRef): NamedArray => {
    if (r.offset + r.length > data.length) bad(`array ${r.name} runs past the end (truncated file?)`);
    return { name: r.name, shape: r.shape, data: data.slice(r.offset, r.offset + r.length) };
  };
  return {
    ...header,
    weights: header.weights.map(array),
    optimizer: { ...header.optimizer, slots: header.optimizer.slots.map(array) },
  };
}

/** Writes a checkpoint file atomically (temporary name, then rename). Node and Deno only. */
export async function saveCheckpoint(path: string, checkpoint: TrainingCheckpoint): Promise<void> {
  if (!env.IS_NODE && !env.IS_DENO) {
    throw new Error('saveCheckpoint needs a file system (Node or Deno); in a browser, store encodeCheckpoint(checkpoint) yourself (see onCheckpoint)');
  }
  await writeFileAtomic(path, encodeCheckpoint(checkpoint));
}

/** Reads a checkpoint file (or URL). */
export async function loadCheckpoint(source: string | URL): Promise<TrainingCheckpoint> {
  return decodeCheckpoint(await readBytes(source));
}
