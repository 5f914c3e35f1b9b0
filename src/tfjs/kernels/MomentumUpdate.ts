/**
 * A kernel tfjs does not have, registered on 'wasm' under our own name for the trainer's fused
 * SGD-with-momentum update (src/tfjs/fused-momentum.ts, assembly/momentum.ts): the bits of
 * tfjs's MomentumOptimizer (and our weight decay) in one pass.
 */
import { util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { momentumUpdate } from '../../kernels/wasm/momentum.ts';
import type { MomentumStep } from '../../kernels/reference/momentum.ts';
import { readF32, type WasmBackendLike } from '../wasm-heap.ts';

export const MOMENTUM_UPDATE = 'SlimpruneMomentumUpdate';

/** inputs {value, accumulation, gradient} (one shape); attrs MomentumStep; outputs [newValue, newAccumulation]. */
export const momentumUpdateConfig: KernelConfig = {
  kernelName: MOMENTUM_UPDATE,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasm = backend as unknown as WasmBackendLike;
    const { value, accumulation, gradient } = inputs as Record<'value' | 'accumulation' | 'gradient', TensorInfo>;
    for (const [name, t] of [['accumulation', accumulation], ['gradient', gradient]] as const) {
      if (!util.arraysEqual(t.shape, value.shape)) {
        throw new Error(`slimprune's ${MOMENTUM_UPDATE}: ${name} has shape [${t.shape}], the weight [${value.shape}]; they must be equal`);
      }
    }
    const newValue = wasm.makeOutput([...value.shape], 'float32');
    const newAccumulation = wasm.makeOutput([...value.shape], 'float32');
    momentumUpdate(
      readF32(wasm, value, MOMENTUM_UPDATE, 'value'), readF32(wasm, accumulation, MOMENTUM_UPDATE, 'accumulation'),
      readF32(wasm, gradient, MOMENTUM_UPDATE, 'gradient'), attrs as unknown as MomentumStep,
      { value: wasm.typedArrayFromHeap(newValue) as Float32Array, accumulation: wasm.typedArrayFromHeap(newAccumulation) as Float32Array },
    );
    return [newValue, newAccumulation];
  },
};
