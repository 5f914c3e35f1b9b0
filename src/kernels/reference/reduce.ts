/**
 * The scalar specification of the column reduction: out[c] = Σᵣ x[r][c] for a row-major
 * [rows, cols] x, added in row order starting from 0 with every partial sum rounded to f32
 * (as tfjs-backend-wasm's Sum adds a column after its transpose); the mean divides that sum by
 * rows in f32.
 */
import { reduceRowsSpec } from '../spec/reduce.ts';
import { into } from '../validate.ts';

export function reduceRowsReference(x: Float32Array, rows: number, cols: number, mean = false, out?: Float32Array): Float32Array {
  const y = new Float32Array(reduceRowsSpec.checkReference(x, rows, cols, mean, out));
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum = Math.fround(sum + x[r * cols + c]!);
    y[c] = mean ? Math.fround(sum / rows) : sum;
  }
  return into(out, y);
}
