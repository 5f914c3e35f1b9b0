// BatchNorm's normalization (tfjs's FusedBatchNorm kernel), per channel of a channels-last
// tensor. tfjs-backend-wasm computes it one element at a time with four wrapping indices, 3.4 ms
// for LeNet's first activation in a training step (batch 64, tf.profile); here four channels at
// a time with the same operations, so the result has tfjs's bits. In tfjs's C++ the normalizing
// factor is a double, so the division and the addition of the offset are in f64:
//   t = f32((x − mean) · scale),  y = f32(offset + t / sqrt_f32(variance + ε))   (f64 in between)

/**
 * x, y: f32 [rows, cols]; mean, variance, offset, scale: f32[cols]; scratch: 16·cols bytes,
 * 16-byte aligned (the factors and offsets as f64). rows, cols >= 1 (checked by the wrapper).
 */
export function batch_norm_f32(
  x: usize, rows: i32, cols: i32, mean: usize, variance: usize, offset: usize, scale: usize,
  epsilon: f32, scratch: usize, y: usize,
): void {
  const nf = scratch, off = scratch + (<usize>cols << 3);
  for (let c = 0; c < cols; c++) {
    store<f64>(nf + (<usize>c << 3), <f64>sqrt<f32>(load<f32>(variance + (<usize>c << 2)) + epsilon));
    store<f64>(off + (<usize>c << 3), <f64>load<f32>(offset + (<usize>c << 2)));
  }
  const vecCols = cols & ~3;
  const rowBytes = <usize>cols << 2;
  let src = x, dst = y;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c < vecCols; c += 4) {
      const at = <usize>c << 2, at64 = <usize>c << 3;
      const t = f32x4.mul(f32x4.sub(v128.load(src + at), v128.load(mean + at)), v128.load(scale + at));
      const lo = f64x2.add(v128.load(off + at64), f64x2.div(f64x2.promote_low_f32x4(t), v128.load(nf + at64)));
      const hi = f64x2.add(
        v128.load(off + at64, 16),
        f64x2.div(f64x2.promote_low_f32x4(v128.shuffle<f32>(t, t, 2, 3, 0, 1)), v128.load(nf + at64, 16)),
      );
      v128.store(dst + at, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
    }
    for (; c < cols; c++) {
      const at = <usize>c << 2, at64 = <usize>c << 3;
      const t = (load<f32>(src + at) - load<f32>(mean + at)) * load<f32>(scale + at);
      store<f32>(dst + at, <f32>(load<f64>(off + at64) + <f64>t / load<f64>(nf + at64)));
    }
    src += rowBytes;
    dst += rowBytes;
  }
}
