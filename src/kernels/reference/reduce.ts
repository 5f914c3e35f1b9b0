/**
 * The scalar specification of the column reduction: out[c] = Σᵣ x[r][c] for a row-major
 * [rows, cols] x, added in row order starting from 0 with every partial sum rounded to f32
 * (as tfjs-backend-wasm's Sum adds a column after its transpose); the mean divides that sum by
 * rows in f32.
 */
export function reduceRowsReference(x: Float32Array, rows: number, cols: number, mean = false): Float32Array {
  const out = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum = Math.fround(sum + x[r * cols + c]!);
    out[c] = mean ? Math.fround(sum / rows) : sum;
  }
  return out;
}
