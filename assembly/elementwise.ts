// Elementwise kernels for inference (src/infer): a residual connection's sum, with the ReLU that
// usually follows it fused into the same pass, and a ReLU alone; f32 lanes in blocks of 4.
// Their specification is the plain loop (y = a + b, then max(y, 0)): the results are exact.

/** y[i] = a[i] + b[i] (then max(·, 0) when relu != 0) for i < n; y may be a or b. */
export function add_f32(a: usize, b: usize, y: usize, n: i32, relu: i32): void {
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    let v = f32x4.add(v128.load(a + off), v128.load(b + off));
    if (relu) v = f32x4.max(v, zero);
    v128.store(y + off, v);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    let v = load<f32>(a + off) + load<f32>(b + off);
    if (relu) v = max<f32>(v, 0);
    store<f32>(y + off, v);
  }
}

/** y[i] = max(x[i], 0) for i < n; y may be x. */
export function relu_f32(x: usize, y: usize, n: i32): void {
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    v128.store(y + off, f32x4.max(v128.load(x + off), zero));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, max<f32>(load<f32>(x + off), 0));
  }
}
