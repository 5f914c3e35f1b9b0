/** Typed wrapper over assembly/reduce.ts. */
import { checkCount, checkF32 } from '../validate.ts';
import { withKernels, checkOut } from './with-kernels.ts';

/**
 * Column sums (or means, `mean`) of a row-major [rows, cols] x: one value per column, added in
 * row order in f32 (reduceRowsReference is the specification).
 */
export function reduceRows(x: Float32Array, rows: number, cols: number, mean = false, out?: Float32Array): Float32Array {
  checkCount('reduceRows', 'rows', rows, 1);
  checkCount('reduceRows', 'cols', cols, 1);
  checkF32('reduceRows', 'x', x, rows * cols);
  checkOut('reduceRows', out, cols);
  return withKernels((k) => {
    const xp = k.arena.put(x);
    const yp = k.arena.alloc(cols * 4);
    k.exports.reduce_rows_f32(xp, rows, cols, yp, mean ? 1 : 0);
    return k.arena.copyF32(yp, cols, out);
  });
}
