// BatchNorm's normalization (tfjs's FusedBatchNorm kernel), per channel of a channels-last
// tensor. tfjs-backend-wasm computes it one element at a time with four wrapping indices, 3.4 ms
// for LeNet's first activation in a training step (batch 64, tf.profile); here four channels at
// a time with the same operations, so the result has tfjs's bits. In tfjs's C++ the normalizing
// factor is a double, so the division and the addition of the offset are in f64:
//   t = f32((x − mean) · scale),  y = f32(offset + t / sqrt_f32(variance + ε))   (f64 in between)

/**
 * x, y: f32 [rows, cols]; mean, variance, offset, scale: f32[cols]; scratch: 16·cols bytes,
 * 16-byte aligned (the factors and offsets as f64). rows, cols >= 1 (checked by the wrapper).
 *
 * This writes the per-channel factors into scratch and the arguments at `args` (x, cols, mean,
 * scale, scratch, y as 6 i32); batch_norm_rows_f32 over rows [0, rows) then computes y.
 */
export function batch_norm_prepare_f32(
  x: usize, rows: i32, cols: i32, mean: usize, variance: usize, offset: usize, scale: usize,
  epsilon: f32, scratch: usize, y: usize, args: usize,
): void {
  const nf = scratch, off = scratch + (<usize>cols << 3);
  for (let c = 0; c < cols; c++) {
    store<f64>(nf + (<usize>c << 3), <f64>sqrt<f32>(load<f32>(variance + (<usize>c << 2)) + epsilon));
    store<f64>(off + (<usize>c << 3), <f64>load<f32>(offset + (<usize>c << 2)));
  }
  store<u32>(args, <u32>x); store<i32>(args, cols, 4); store<u32>(args, <u32>mean, 8);
  store<u32>(args, <u32>scale, 12); store<u32>(args, <u32>scratch, 16); store<u32>(args, <u32>y, 20);
}

/** Rows [r0, r1) of the normalization: rows are independent, so threads can split them. */
export function batch_norm_rows_f32(args: usize, r0: i32, r1: i32): void {
  const x = <usize>load<u32>(args), cols = load<i32>(args, 4), mean = <usize>load<u32>(args, 8);
  const scale = <usize>load<u32>(args, 12), scratch = <usize>load<u32>(args, 16), y = <usize>load<u32>(args, 20);
  const nf = scratch, off = scratch + (<usize>cols << 3);
  const vecCols = cols & ~3;
  const rowBytes = <usize>cols << 2;
  let src = x + <usize>r0 * rowBytes, dst = y + <usize>r0 * rowBytes;
  for (let r = r0; r < r1; r++) {
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
