/** Typed wrapper over assembly/momentum.ts (arguments: src/kernels/spec/momentum.ts; the call: ./call.ts). */
import { momentumUpdateSpec, type MomentumResult, type MomentumStep } from '../spec/momentum.ts';
import { callKernel } from './call.ts';
import { runRows } from '../../wasm/threads.ts';

/** One SGD-with-momentum update (weight decay folded in); momentumUpdateReference is the specification. */
export function momentumUpdate(
  value: Float32Array, accumulation: Float32Array, gradient: Float32Array, step: MomentumStep, out?: Partial<MomentumResult>,
): MomentumResult {
  const n = momentumUpdateSpec.check(value, accumulation, gradient, step, out);
  const [newValue, newAccumulation] = callKernel({
    inputs: [value, accumulation, gradient],
    outputs: [n, n],
    into: [out?.value, out?.accumulation],
    args: 48,
    run(k, { inputs: [vp, ap, gp], outputs: [nvp, nap], args }) {
      const decayed = step.weightDecay !== 0 ? 1 : 0;
      k.exports.momentum_update_args(vp!, ap!, gp!, n, step.momentum, -step.learningRate, step.weightDecay, decayed, nvp!, nap!, args);
      runRows(k, 'momentum_update_range_f32', args, n, 4, n);
    },
  }) as [Float32Array, Float32Array];
  return { value: newValue, accumulation: newAccumulation };
}
