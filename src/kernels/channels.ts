/**
 * The channel view shared by channel masking and compaction (METHOD.md §1, §8), the keep-set
 * formats, and their validation, used by the reference (the spec) and the WASM wrappers alike.
 *
 * A tensor of shape `shape` pruned along `axis` is viewed as [outer, axisLen, inner] (row-major):
 * outer = the product of the dimensions before the axis, inner = of those after it. Every
 * dimension must be a positive integer; `axis` may be negative (counted from the end, as in
 * tfjs).
 *
 * Keep sets come in two formats:
 * - a bitset (for masking): Uint32Array of at least ceil(axisLen/32) words, LSB first: channel c
 *   is kept iff bit (c & 31) of word (c >> 5) is set; bits past axisLen − 1 (including any
 *   padding words) must be clear. This is the format of the pruning decisions (METHOD.md §6,
 *   assembly/bitset.ts, whose masks are padded to whole v128s and are accepted as they are).
 * - kept indices (for gathering): an Int32Array (or an array of integers), strictly ascending
 *   (sorted, no duplicates), each in [0, axisLen), and not empty.
 * Our decision: gathering zero channels is an error. A layer never drops below `minChannels` >= 1
 * (METHOD.md §1), and a zero-width tensor cannot be built into a tfjs layer, so an empty keep set
 * can only be a bug upstream; failing here names it. Masking with an all-clear bitset is allowed
 * (the masked model is well defined).
 */

export interface ChannelView {
  readonly outer: number;
  readonly axisLen: number;
  readonly inner: number;
}

export const bitsetWords = (axisLen: number): number => Math.ceil(axisLen / 32);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** The [outer, axisLen, inner] view of `shape` along `axis` (negative axes count from the end). */
export function channelView(shape: readonly number[], axis: number, op = 'channelView'): ChannelView {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${op}: shape must be an array of dimensions, got ${typeName(shape)}`);
  }
  if (shape.length === 0 || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    throw new RangeError(
      `${op}: shape must be one or more positive integers, got [${shape.join(', ')}]`,
    );
  }
  const rank = shape.length;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${op}: axis must be an integer in [${-rank}, ${rank}) for a rank-${rank} shape, got ${String(axis)}`);
  }
  const a = axis < 0 ? axis + rank : axis;
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i]!;
  for (let i = a + 1; i < rank; i++) inner *= shape[i]!;
  return Object.freeze({ outer, axisLen: shape[a]!, inner });
}

/** Elements of the tensor a view describes with `channels` entries along the axis. */
export const viewSize = (v: ChannelView, channels = v.axisLen): number => v.outer * channels * v.inner;

export function checkKeepBitset(op: string, keep: unknown, axisLen: number): Uint32Array {
  if (!(keep instanceof Uint32Array)) {
    throw new TypeError(
      `${op}: keep must be a Uint32Array bitset (bit c & 31 of word c >> 5 set = channel c kept), ` +
        `got ${typeName(keep)}; keepBitsetFromIndices() builds one from kept indices`,
    );
  }
  const words = bitsetWords(axisLen);
  if (keep.length < words) {
    throw new RangeError(
      `${op}: keep has ${keep.length} words, expected ${words} (ceil(${axisLen} / 32)) for an axis of ${axisLen} channels`,
    );
  }
  // Trailing padding words (e.g. assembly/bitset.ts pads masks to whole v128s) are allowed, but
  // no bit past the last channel may be set: such a bitset belongs to a different axis.
  for (let w = words - 1; w < keep.length; w++) {
    const low = w === words - 1 ? axisLen - w * 32 : 0;
    const extra = low >= 32 ? 0 : keep[w]! >>> low;
    if (extra !== 0) {
      const bit = w * 32 + low + (31 - Math.clz32(extra & -extra));
      throw new RangeError(
        `${op}: keep has bit ${bit} set but the axis has only ${axisLen} channels; the bitset does not belong to this axis`,
      );
    }
  }
  return keep;
}

export function checkKeepIndices(op: string, keep: unknown, axisLen: number): Int32Array {
  if (!(keep instanceof Int32Array) && !Array.isArray(keep)) {
    throw new TypeError(
      `${op}: keep must be an Int32Array or an array of integers (the kept channel indices, ascending), got ${typeName(keep)}`,
    );
  }
  const n = keep.length;
  if (n === 0) {
    throw new RangeError(
      `${op}: keep is empty; compaction must keep at least one channel (METHOD.md §1, minChannels). ` +
        'To zero every channel instead, use maskChannels with an all-clear bitset',
    );
  }
  const out = keep instanceof Int32Array ? keep : new Int32Array(n); // validated as is, not copied
  let prev = -1;
  for (let j = 0; j < n; j++) {
    const c = (keep as ArrayLike<unknown>)[j];
    if (typeof c !== 'number' || !Number.isInteger(c)) {
      throw new TypeError(`${op}: keep[${j}] is ${String(c)}, not an integer channel index`);
    }
    if (c < 0 || c >= axisLen) {
      throw new RangeError(`${op}: keep[${j}] = ${c} is outside [0, ${axisLen}) (the axis has ${axisLen} channels)`);
    }
    if (c <= prev) {
      throw new RangeError(
        `${op}: keep[${j}] = ${c} does not follow keep[${j - 1}] = ${prev}; kept indices must be strictly ascending (sorted, no duplicates)`,
      );
    }
    prev = c;
    if (out !== keep) out[j] = c;
  }
  return out;
}

/** The bitset of an axis of `axisLen` channels that keeps exactly `indices` (validated). */
export function keepBitsetFromIndices(axisLen: number, indices: Int32Array | readonly number[]): Uint32Array {
  if (!Number.isInteger(axisLen) || axisLen < 1) {
    throw new RangeError(`keepBitsetFromIndices: axisLen must be a positive integer, got ${String(axisLen)}`);
  }
  const keep = checkKeepIndices('keepBitsetFromIndices', indices, axisLen);
  const bits = new Uint32Array(bitsetWords(axisLen));
  for (const c of keep) bits[c >>> 5]! |= 1 << (c & 31);
  return bits;
}

/** The ascending kept indices of a bitset over `axisLen` channels (validated; may be empty). */
export function keepIndicesFromBitset(axisLen: number, bits: Uint32Array): Int32Array {
  if (!Number.isInteger(axisLen) || axisLen < 1) {
    throw new RangeError(`keepIndicesFromBitset: axisLen must be a positive integer, got ${String(axisLen)}`);
  }
  checkKeepBitset('keepIndicesFromBitset', bits, axisLen);
  const out: number[] = [];
  for (let c = 0; c < axisLen; c++) if ((bits[c >>> 5]! >>> (c & 31)) & 1) out.push(c);
  return Int32Array.from(out);
}

/** A bitset from one 0/1 byte per channel. */
export function bitsFromFlags(flags: Uint8Array): Uint32Array {
  const bits = new Uint32Array(bitsetWords(Math.max(1, flags.length)));
  for (let c = 0; c < flags.length; c++) if (flags[c]) bits[c >>> 5]! |= 1 << (c & 31);
  return bits;
}

/** One 0/1 byte per channel from a bitset over `width` channels. */
export function flagsFromBits(bits: Uint32Array, width: number): Uint8Array {
  const flags = new Uint8Array(width);
  for (let c = 0; c < width; c++) flags[c] = (bits[c >>> 5]! >>> (c & 31)) & 1;
  return flags;
}
