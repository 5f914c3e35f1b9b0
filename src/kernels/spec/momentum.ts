/**
 * One SGD-with-momentum update: its arguments and the length of the weight, checked once for the
 * reference (src/kernels/reference/momentum.ts) and the WASM wrapper (src/kernels/wasm/momentum.ts).
 */
import { checkF32, checkObject, checkOut, kernelSpec, typeName } from '../validate.ts';

export interface MomentumStep {
  readonly momentum: number;
  readonly learningRate: number;
  /** 0: not decayed. */
  readonly weightDecay: number;
}

export interface MomentumResult {
  readonly value: Float32Array;
  readonly accumulation: Float32Array;
}

/** Returns the number of weights. */
export const momentumUpdateSpec = kernelSpec(
  'momentumUpdate',
  (
    kernel, value: Float32Array, accumulation: Float32Array, gradient: Float32Array, step: MomentumStep, out?: Partial<MomentumResult>,
  ): number => {
    if (!(value instanceof Float32Array)) throw new TypeError(`${kernel}: value must be a Float32Array, got ${typeName(value)}`);
    const n = value.length;
    if (n === 0) throw new RangeError(`${kernel}: value is empty`);
    checkF32(kernel, 'accumulation', accumulation, n);
    checkF32(kernel, 'gradient', gradient, n);
    checkObject(kernel, 'step', step, '{ momentum, learningRate, weightDecay }');
    for (const name of ['momentum', 'learningRate', 'weightDecay'] as const) {
      if (!Number.isFinite(step[name])) throw new RangeError(`${kernel}: ${name} must be a finite number, got ${step[name]}`);
    }
    if (out !== undefined) checkObject(kernel, 'out', out, '{ value?, accumulation? }');
    checkOut(kernel, out?.value, n);
    checkOut(kernel, out?.accumulation, n);
    return n;
  },
);
