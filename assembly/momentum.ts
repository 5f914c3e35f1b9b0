// SGD with momentum, and optionally weight decay, as one pass over a weight: tfjs's
// MomentumOptimizer updates each weight with four tensor ops and our trainer's weight decay adds
// two (each a pass over the weight, and a kernel call): for LeNet-5's 400,000-weight fc1 six
// passes per step, and about 80 kernel calls over its fourteen weights. The same f32 operations
// in the same order as those ops (src/kernels/reference/momentum.ts is the specification):
//   g' = g + wd·w (when decayed),  a' = m·a + g',  w' = c·a' + w   with c = −learning rate.

/**
 * value, accumulation, gradient, newValue, newAccumulation: f32[n]; n >= 1 (checked by the
 * wrapper). The outputs may not alias the inputs.
 */
export function momentum_update_f32(
  value: usize, accumulation: usize, gradient: usize, n: i32,
  momentum: f32, negLearningRate: f32, weightDecay: f32, decayed: bool,
  newValue: usize, newAccumulation: usize,
): void {
  const m = f32x4.splat(momentum), c = f32x4.splat(negLearningRate), wd = f32x4.splat(weightDecay);
  const vecEnd = <usize>(n & ~3) << 2;
  let at: usize = 0;
  for (; at < vecEnd; at += 16) {
    const w = v128.load(value + at);
    let g = v128.load(gradient + at);
    if (decayed) g = f32x4.add(g, f32x4.mul(wd, w));
    const a = f32x4.add(f32x4.mul(m, v128.load(accumulation + at)), g);
    v128.store(newAccumulation + at, a);
    v128.store(newValue + at, f32x4.add(f32x4.mul(c, a), w));
  }
  const end = <usize>n << 2;
  for (; at < end; at += 4) {
    const w = load<f32>(value + at);
    let g = load<f32>(gradient + at);
    if (decayed) g = g + weightDecay * w;
    const a = momentum * load<f32>(accumulation + at) + g;
    store<f32>(newAccumulation + at, a);
    store<f32>(newValue + at, negLearningRate * a + w);
  }
}
