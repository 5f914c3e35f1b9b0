/**
 * The scalar specification of one SGD-with-momentum update of a weight, with our trainer's
 * weight decay folded in, as tfjs computes it with separate ops (every result rounded to f32):
 *   g' = g + wd·w          the trainer's tf.add(g, tf.mul(wd, w)), when the weight is decayed
 *   a' = m·a + g'          MomentumOptimizer: add(mul(m, accumulation), gradient)
 *   w' = c·a' + w          MomentumOptimizer: add(mul(c, newAccumulation), value), c = −learning rate
 * m, c and wd are f32 (tfjs makes them f32 scalars).
 */
import { momentumUpdateSpec, type MomentumResult, type MomentumStep } from '../spec/momentum.ts';
import { into } from '../validate.ts';

export type { MomentumStep, MomentumResult } from '../spec/momentum.ts';

export function momentumUpdateReference(
  value: Float32Array, accumulation: Float32Array, gradient: Float32Array, step: MomentumStep, out?: Partial<MomentumResult>,
): MomentumResult {
  momentumUpdateSpec.checkReference(value, accumulation, gradient, step, out);
  const f = Math.fround;
  const m = f(step.momentum), c = f(-step.learningRate), wd = f(step.weightDecay);
  const outValue = new Float32Array(value.length);
  const outAccumulation = new Float32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const w = value[i]!;
    const g = step.weightDecay !== 0 ? f(gradient[i]! + f(wd * w)) : gradient[i]!;
    const a = f(f(m * accumulation[i]!) + g);
    outAccumulation[i] = a;
    outValue[i] = f(f(c * a) + w);
  }
  return { value: into(out?.value, outValue), accumulation: into(out?.accumulation, outAccumulation) };
}
