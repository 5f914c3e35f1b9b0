/** Typed wrapper over assembly/tile.ts (arguments: src/kernels/spec/tile.ts; the call: ./call.ts). */
import { tileSpec } from '../spec/tile.ts';
import { callKernel } from './call.ts';

export { TILE_MAX_RANK, tileShape } from '../spec/tile.ts';

/** y = tile(x, reps) for a row-major x of the given shape. */
export function tile(x: Float32Array, shape: readonly number[], reps: readonly number[], out?: Float32Array): Float32Array {
  const outShape = tileSpec.check(x, shape, reps, out);
  return callKernel({
    inputs: [x, Int32Array.from(shape), Int32Array.from(reps)],
    outputs: [outShape.reduce((a, b) => a * b, 1)],
    into: [out],
    run: (k, { inputs: [xp, sp, rp], outputs: [yp] }) => k.exports.tile_f32(xp!, sp!, rp!, shape.length, yp!),
  })[0]!;
}
