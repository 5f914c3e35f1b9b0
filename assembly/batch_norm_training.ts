// BatchNorm in training, fused: the batch moments, and the gradient of the whole training-mode
// layer (moments, then normalization) with respect to x, γ and β, four channels at a time over
// a channels-last [rows, cols] activation. tfjs-layers computes both as a graph of about twenty
// tensor ops, each a pass over the activation: about 15 ms of a LeNet-5 training step on its
// first BatchNorm (batch 64, tf.profile). These kernels make three passes each and perform the
// same f32 operations in the same order as that graph, so the results have its bits;
// src/kernels/reference/batch-norm-training.ts is the specification and says which op of tfjs
// each operation stands for.

/**
 * mean[c] = (Σᵣ x[r][c]) / rows, variance[c] = (Σᵣ (x[r][c] − mean[c])²) / rows, sums in row
 * order in f32. x: f32 [rows, cols]; mean, variance: f32[cols]. rows, cols >= 1 (checked by
 * the wrapper).
 */
export function batch_moments_f32(x: usize, rows: i32, cols: i32, mean: usize, variance: usize): void {
  const vecCols = cols & ~3;
  const rowBytes = <usize>cols << 2;
  const n = <f32>rows;
  memory.fill(mean, 0, rowBytes);
  memory.fill(variance, 0, rowBytes);
  let row = x;
  for (let r = 0; r < rows; r++, row += rowBytes) {
    let c = 0;
    for (; c < vecCols; c += 4) {
      const at = <usize>c << 2;
      v128.store(mean + at, f32x4.add(v128.load(mean + at), v128.load(row + at)));
    }
    for (; c < cols; c++) {
      const at = <usize>c << 2;
      store<f32>(mean + at, load<f32>(mean + at) + load<f32>(row + at));
    }
  }
  for (let c = 0; c < cols; c++) store<f32>(mean + (<usize>c << 2), load<f32>(mean + (<usize>c << 2)) / n);
  row = x;
  for (let r = 0; r < rows; r++, row += rowBytes) {
    let c = 0;
    for (; c < vecCols; c += 4) {
      const at = <usize>c << 2;
      const d = f32x4.sub(v128.load(row + at), v128.load(mean + at));
      v128.store(variance + at, f32x4.add(v128.load(variance + at), f32x4.mul(d, d)));
    }
    for (; c < cols; c++) {
      const at = <usize>c << 2;
      const d = load<f32>(row + at) - load<f32>(mean + at);
      store<f32>(variance + at, load<f32>(variance + at) + d * d);
    }
  }
  for (let c = 0; c < cols; c++) store<f32>(variance + (<usize>c << 2), load<f32>(variance + (<usize>c << 2)) / n);
}

/**
 * The gradient of training-mode BatchNorm. x, dy, dx: f32 [rows, cols]; mean, scale, rsqrt,
 * minusRsqrt, minusHalfRsqrtCubed, dScale, dOffset: f32[cols]; scratch: 12·cols bytes, 16-byte
 * aligned. rows, cols >= 1 (checked by the wrapper).
 */
export function batch_norm_grad_f32(
  x: usize, dy: usize, rows: i32, cols: i32,
  mean: usize, scale: usize, rsqrt: usize, minusRsqrt: usize, minusHalfRsqrtCubed: usize,
  scratch: usize, dx: usize, dScale: usize, dOffset: usize,
): void {
  const vecCols = cols & ~3;
  const rowBytes = <usize>cols << 2;
  const n = <f32>rows;
  // Σ (−r)·s, then (it + −Σ dD) / n;  Σ (h·d)·s, then it / n;  Σ dD.
  const dMean = scratch, dVariance = scratch + rowBytes, sumD = scratch + 2 * rowBytes;
  memory.fill(scratch, 0, 3 * rowBytes);
  memory.fill(dScale, 0, rowBytes);
  memory.fill(dOffset, 0, rowBytes);
  const two = f32x4.splat(2);

  // Pass 1: the four sums of FusedBatchNorm's gradient.
  let xr = x, gr = dy;
  for (let r = 0; r < rows; r++, xr += rowBytes, gr += rowBytes) {
    let c = 0;
    for (; c < vecCols; c += 4) {
      const at = <usize>c << 2;
      const g = v128.load(gr + at);
      const d = f32x4.sub(v128.load(xr + at), v128.load(mean + at));
      const s = f32x4.mul(g, v128.load(scale + at));
      v128.store(dMean + at, f32x4.add(v128.load(dMean + at), f32x4.mul(v128.load(minusRsqrt + at), s)));
      v128.store(dVariance + at, f32x4.add(v128.load(dVariance + at), f32x4.mul(f32x4.mul(v128.load(minusHalfRsqrtCubed + at), d), s)));
      v128.store(dScale + at, f32x4.add(v128.load(dScale + at), f32x4.mul(g, f32x4.mul(d, v128.load(rsqrt + at)))));
      v128.store(dOffset + at, f32x4.add(v128.load(dOffset + at), g));
    }
    for (; c < cols; c++) {
      const at = <usize>c << 2;
      const g = load<f32>(gr + at);
      const d = load<f32>(xr + at) - load<f32>(mean + at);
      const s = g * load<f32>(scale + at);
      store<f32>(dMean + at, load<f32>(dMean + at) + load<f32>(minusRsqrt + at) * s);
      store<f32>(dVariance + at, load<f32>(dVariance + at) + (load<f32>(minusHalfRsqrtCubed + at) * d) * s);
      store<f32>(dScale + at, load<f32>(dScale + at) + g * (d * load<f32>(rsqrt + at)));
      store<f32>(dOffset + at, load<f32>(dOffset + at) + g);
    }
  }
  // The variance's gradient through Mean: one value per channel for every element.
  for (let c = 0; c < cols; c++) store<f32>(dVariance + (<usize>c << 2), load<f32>(dVariance + (<usize>c << 2)) / n);

  // Pass 2: Σ dD, dD = (∂variance / n) · ((x − mean) · 2), Square's gradient.
  xr = x;
  for (let r = 0; r < rows; r++, xr += rowBytes) {
    let c = 0;
    for (; c < vecCols; c += 4) {
      const at = <usize>c << 2;
      const d2 = f32x4.mul(f32x4.sub(v128.load(xr + at), v128.load(mean + at)), two);
      v128.store(sumD + at, f32x4.add(v128.load(sumD + at), f32x4.mul(v128.load(dVariance + at), d2)));
    }
    for (; c < cols; c++) {
      const at = <usize>c << 2;
      const d2 = (load<f32>(xr + at) - load<f32>(mean + at)) * <f32>2;
      store<f32>(sumD + at, load<f32>(sumD + at) + load<f32>(dVariance + at) * d2);
    }
  }
  // The mean's gradient (FusedBatchNorm's, plus Sub's −Σ dD) through Mean.
  for (let c = 0; c < cols; c++) {
    const at = <usize>c << 2;
    store<f32>(dMean + at, (load<f32>(dMean + at) + -load<f32>(sumD + at)) / n);
  }

  // Pass 3: dx = ((dy · r) · γ + dD) + dxMean.
  xr = x; gr = dy;
  let out = dx;
  for (let r = 0; r < rows; r++, xr += rowBytes, gr += rowBytes, out += rowBytes) {
    let c = 0;
    for (; c < vecCols; c += 4) {
      const at = <usize>c << 2;
      const d2 = f32x4.mul(f32x4.sub(v128.load(xr + at), v128.load(mean + at)), two);
      const dD = f32x4.mul(v128.load(dVariance + at), d2);
      const t = f32x4.mul(f32x4.mul(v128.load(gr + at), v128.load(rsqrt + at)), v128.load(scale + at));
      v128.store(out + at, f32x4.add(f32x4.add(t, dD), v128.load(dMean + at)));
    }
    for (; c < cols; c++) {
      const at = <usize>c << 2;
      const d2 = (load<f32>(xr + at) - load<f32>(mean + at)) * <f32>2;
      const dD = load<f32>(dVariance + at) * d2;
      const t = (load<f32>(gr + at) * load<f32>(rsqrt + at)) * load<f32>(scale + at);
      store<f32>(out + at, (t + dD) + load<f32>(dMean + at));
    }
  }
}
