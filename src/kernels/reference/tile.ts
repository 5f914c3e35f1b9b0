/** The scalar specification of tile: y[i₀…iₙ] = x[i₀ mod s₀ … iₙ mod sₙ], y's dims sᵢ·repsᵢ. */
import { tileSpec } from '../spec/tile.ts';
import { into } from '../validate.ts';

export function tileReference(x: Float32Array, shape: readonly number[], reps: readonly number[], out?: Float32Array): Float32Array {
  const outShape = tileSpec.checkReference(x, shape, reps, out);
  const size = outShape.reduce((a, b) => a * b, 1);
  const y = new Float32Array(size);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src = src * shape[d]! + (index[d]! % shape[d]!);
    y[i] = x[src]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return into(out, y);
}
