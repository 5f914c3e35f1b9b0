/** Typed wrapper over assembly/tile.ts. */
import { checkF32 } from '../validate.ts';
import { withKernels, checkOut } from './with-kernels.ts';

export const TILE_MAX_RANK = 8;

export function tileShape(op: string, shape: readonly number[], reps: readonly number[]): number[] {
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

/** y = tile(x, reps) for a row-major x of the given shape. */
export function tile(x: Float32Array, shape: readonly number[], reps: readonly number[], out?: Float32Array): Float32Array {
  const outShape = tileShape('tile', shape, reps);
  checkF32('tile', 'x', x, shape.reduce((a, b) => a * b, 1));
  const n = outShape.reduce((a, b) => a * b, 1);
  checkOut('tile', out, n);
  return withKernels((k) => {
    const xp = k.arena.put(x);
    const sp = k.arena.put(Int32Array.from(shape));
    const rp = k.arena.put(Int32Array.from(reps));
    const yp = k.arena.alloc(n * 4);
    k.exports.tile_f32(xp, sp, rp, shape.length, yp);
    return k.arena.copyF32(yp, n, out);
  });
}
