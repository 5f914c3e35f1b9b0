/**
 * tile: its arguments and the shape of its result, checked once for the reference
 * (src/kernels/reference/tile.ts) and the WASM wrapper (src/kernels/wasm/tile.ts).
 */
import { checkF32, checkOut, kernelSpec, typeName } from '../validate.ts';

/** The rank the kernel handles (assembly/tile.ts). */
export const TILE_MAX_RANK = 8;

/** The shape of tile(x, reps) for an x of `shape`, after checking both. */
export function tileShape(op: string, shape: readonly number[], reps: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of dimensions, got ${typeName(shape)}`);
  if (!Array.isArray(reps)) throw new TypeError(`${op}: reps must be an array of repetitions, got ${typeName(reps)}`);
  if (shape.length < 1 || shape.length > TILE_MAX_RANK) {
    throw new RangeError(`${op}: rank must be 1..${TILE_MAX_RANK}, got ${shape.length}`);
  }
  if (reps.length !== shape.length) {
    throw new RangeError(`${op}: reps has ${reps.length} entries for a rank-${shape.length} tensor; give one per dimension`);
  }
  shape.forEach((s, d) => {
    if (!Number.isInteger(s) || s < 1) throw new RangeError(`${op}: shape[${d}] must be a positive integer, got ${s}`);
    const r = reps[d]!;
    if (!Number.isInteger(r) || r < 1) throw new RangeError(`${op}: reps[${d}] must be a positive integer, got ${r}`);
  });
  return shape.map((s, d) => s * reps[d]!);
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Returns y's shape. */
export const tileSpec = kernelSpec(
  'tile',
  (kernel, x: Float32Array, shape: readonly number[], reps: readonly number[], out?: Float32Array): number[] => {
    const outShape = tileShape(kernel, shape, reps);
    checkF32(kernel, 'x', x, size(shape));
    checkOut(kernel, out, size(outShape));
    return outShape;
  },
);
