// Tile (tfjs's `tile`): y = x repeated reps[d] times along every dimension d. tfjs's BatchNorm
// gradient broadcasts per-channel vectors to the activation's shape with it, and
// tfjs-backend-wasm's Tile was the second most expensive kernel of a LeNet training step
// (72 ms of 304, measured with tf.profile on batch 64).

// Odometer and strides for up to TILE_MAX_RANK dimensions (the stub runtime allocates nothing).
const TILE_MAX_RANK: i32 = 8;
const DIGITS = memory.data(TILE_MAX_RANK * 4, 16);
const SRC_STRIDES = memory.data(TILE_MAX_RANK * 4, 16);

/**
 * x: f32, row-major with `rank` dimensions given as i32 at `shape`; reps: i32[rank], each >= 1;
 * y: f32 with dimensions shape[d]·reps[d]. 1 <= rank <= 8, every shape[d] >= 1 (checked by the
 * wrapper). Every output row (all dimensions but the last) is the source row reps[last] times,
 * copied with bulk memory.copy; the source row follows an odometer over the leading dimensions.
 */
export function tile_f32(x: usize, shape: usize, reps: usize, rank: i32, y: usize): void {
  const last = rank - 1;
  const rowLen = load<i32>(shape + (<usize>last << 2));
  const rowBytes = <usize>rowLen << 2;
  const lastReps = load<i32>(reps + (<usize>last << 2));
  // Source strides, in rows, of the leading dimensions.
  let stride: i32 = 1;
  for (let d = last - 1; d >= 0; d--) {
    store<i32>(SRC_STRIDES + (<usize>d << 2), stride);
    stride *= load<i32>(shape + (<usize>d << 2));
    store<i32>(DIGITS + (<usize>d << 2), 0);
  }
  let outRows: i32 = 1;
  for (let d = 0; d < last; d++) {
    outRows *= load<i32>(shape + (<usize>d << 2)) * load<i32>(reps + (<usize>d << 2));
  }
  let dst = y;
  for (let r = 0; r < outRows; r++) {
    let srcRow: i32 = 0;
    for (let d = 0; d < last; d++) {
      const digit = load<i32>(DIGITS + (<usize>d << 2));
      srcRow += (digit % load<i32>(shape + (<usize>d << 2))) * load<i32>(SRC_STRIDES + (<usize>d << 2));
    }
    const src = x + <usize>srcRow * rowBytes;
    for (let k = 0; k < lastReps; k++) {
      memory.copy(dst, src, rowBytes);
      dst += rowBytes;
    }
    // Advance the odometer over the output's leading dimensions.
    for (let d = last - 1; d >= 0; d--) {
      const p = DIGITS + (<usize>d << 2);
      const next = load<i32>(p) + 1;
      if (next < load<i32>(shape + (<usize>d << 2)) * load<i32>(reps + (<usize>d << 2))) {
        store<i32>(p, next);
        break;
      }
      store<i32>(p, 0);
    }
  }
}
