/** Typed wrapper over assembly/momentum.ts. */
import type { MomentumResult, MomentumStep } from '../reference/momentum.ts';
import { checkF32 } from '../validate.ts';
import { withKernels, checkOut } from './with-kernels.ts';
import { runRows } from '../../wasm/threads.ts';

function checkFinite(name: string, v: number): void {
  if (!Number.isFinite(v)) throw new RangeError(`momentumUpdate: ${name} must be a finite number, got ${v}`);
}

/** One SGD-with-momentum update (weight decay folded in); momentumUpdateReference is the specification. */
export function momentumUpdate(
  value: Float32Array, accumulation: Float32Array, gradient: Float32Array, step: MomentumStep, out?: Partial<MomentumResult>,
): MomentumResult {
  const n = checkF32('momentumUpdate', 'value', value, value instanceof Float32Array ? value.length : 0).length;
  if (n === 0) throw new RangeError('momentumUpdate: value is empty');
  checkF32('momentumUpdate', 'accumulation', accumulation, n);
  checkF32('momentumUpdate', 'gradient', gradient, n);
  checkFinite('momentum', step.momentum);
  checkFinite('learningRate', step.learningRate);
  checkFinite('weightDecay', step.weightDecay);
  checkOut('momentumUpdate', out?.value, n);
  checkOut('momentumUpdate', out?.accumulation, n);
  return withKernels((k) => {
    const [vp, ap, gp] = [value, accumulation, gradient].map((a) => k.arena.put(a)) as [number, number, number];
    const nvp = k.arena.alloc(n * 4);
    const nap = k.arena.alloc(n * 4);
    const args = k.arena.alloc(48);
    k.exports.momentum_update_args(vp, ap, gp, n, step.momentum, -step.learningRate, step.weightDecay, step.weightDecay !== 0 ? 1 : 0, nvp, nap, args);
    runRows(k, 'momentum_update_range_f32', args, n, 4, n);
    return { value: k.arena.copyF32(nvp, n, out?.value), accumulation: k.arena.copyF32(nap, n, out?.accumulation) };
  });
}
