// SGD with momentum, and optionally weight decay, as one pass over a weight: tfjs's
// MomentumOptimizer updates each weight with four tensor ops and our trainer's weight decay adds
// two (each a pass over the weight, and a kernel call): for LeNet-5's 400,000-weight fc1 six
// passes per step, and about 80 kernel calls over its fourteen weights. The same f32 operations
// in the same order as those ops (src/kernels/reference/momentum.ts is the specification):
//   g' = g + wd·w (when decayed),  a' = m·a + g',  w' = c·a' + w   with c = −learning rate.

/**
 * value, accumulation, gradient, newValue, newAccumulation: f32[n]; n >= 1 (checked by the
 * wrapper). The outputs may not alias the inputs.
 *
 * This writes the arguments at `args` (48 bytes); momentum_update_range_f32 over [0, n) then
 * computes the update.
 */
export function momentum_update_args(
  value: usize, accumulation: usize, gradient: usize, n: i32,
  momentum: f32, negLearningRate: f32, weightDecay: f32, decayed: bool,
  newValue: usize, newAccumulation: usize, args: usize,
): void {
  store<u32>(args, <u32>value); store<u32>(args, <u32>accumulation, 4); store<u32>(args, <u32>gradient, 8);
  store<i32>(args, n, 12); store<f32>(args, momentum, 16); store<f32>(args, negLearningRate, 20);
  store<f32>(args, weightDecay, 24); store<i32>(args, decayed ? 1 : 0, 28);
  store<u32>(args, <u32>newValue, 32); store<u32>(args, <u32>newAccumulation, 36);
}

/** Elements [i0, i1) of the update (i0 a multiple of 4): elements are independent. */
export function momentum_update_range_f32(args: usize, i0: i32, i1: i32): void {
  const value = <usize>load<u32>(args), accumulation = <usize>load<u32>(args, 4), gradient = <usize>load<u32>(args, 8);
  const momentum = load<f32>(args, 16), negLearningRate = load<f32>(args, 20), weightDecay = load<f32>(args, 24);
  const decayed = load<i32>(args, 28) != 0;
  const newValue = <usize>load<u32>(args, 32), newAccumulation = <usize>load<u32>(args, 36);
  const m = f32x4.splat(momentum), c = f32x4.splat(negLearningRate), wd = f32x4.splat(weightDecay);
  let at = <usize>i0 << 2;
  const vecEnd = at + (<usize>((i1 - i0) & ~3) << 2);
  for (; at < vecEnd; at += 16) {
    const w = v128.load(value + at);
    let g = v128.load(gradient + at);
    if (decayed) g = f32x4.add(g, f32x4.mul(wd, w));
    const a = f32x4.add(f32x4.mul(m, v128.load(accumulation + at)), g);
    v128.store(newAccumulation + at, a);
    v128.store(newValue + at, f32x4.add(f32x4.mul(c, a), w));
  }
  const end = <usize>i1 << 2;
  for (; at < end; at += 4) {
    const w = load<f32>(value + at);
    let g = load<f32>(gradient + at);
    if (decayed) g = g + weightDecay * w;
    const a = momentum * load<f32>(accumulation + at) + g;
    store<f32>(newAccumulation + at, a);
    store<f32>(newValue + at, negLearningRate * a + w);
  }
}
