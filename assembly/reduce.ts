// Column sums of a row-major [rows, cols] matrix (tfjs's Sum and Mean over every axis but the
// last, e.g. a channels-last activation reduced to one value per channel). BatchNorm's forward
// (moments) and backward (the sums of its gradient) reduce this way several times per layer and
// step, and tfjs-backend-wasm transposes the activation first, then adds each column in row
// order: 10 ms of a LeNet training step (batch 64, tf.profile). Here each column is added in the
// same order, one f32 addition at a time, so the result has tfjs's bits; the columns advance four
// at a time in one pass over the rows, without the transpose.

/**
 * out[c] = x[0][c] + x[1][c] + … + x[rows-1][c], added in row order from 0 in f32; divided by
 * rows (in f32, as tfjs's Mean) when `mean` is set. x: f32[rows·cols]; out: f32[cols], which is
 * also the accumulator. rows, cols >= 1 (checked by the wrapper).
 */
export function reduce_rows_f32(x: usize, rows: i32, cols: i32, out: usize, mean: bool): void {
  const vecCols = cols & ~3;
  memory.fill(out, 0, <usize>cols << 2);
  const rowBytes = <usize>cols << 2;
  let row = x;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c < vecCols; c += 4) {
      const at = out + (<usize>c << 2);
      v128.store(at, f32x4.add(v128.load(at), v128.load(row + (<usize>c << 2))));
    }
    for (; c < cols; c++) {
      const at = out + (<usize>c << 2);
      store<f32>(at, load<f32>(at) + load<f32>(row + (<usize>c << 2)));
    }
    row += rowBytes;
  }
  if (mean) {
    const n = <f32>rows;
    for (let c = 0; c < cols; c++) {
      const at = out + (<usize>c << 2);
      store<f32>(at, load<f32>(at) / n);
    }
  }
}
