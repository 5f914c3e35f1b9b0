/**
 * MaxPoolGrad on 'wasm' through our kernel (assembly/max_pool.ts): tfjs-backend-wasm's took 18 ms
 * of a ~125 ms LeNet-5 training step (batch 64, tf.profile). Float32 NHWC only; the rest falls back.
 */
import { backend_util, type TensorInfo, type MaxPoolGradAttrs } from '@tensorflow/tfjs-core';
import { maxPoolBackprop } from '../../kernels/wasm/max-pool.ts';
import { geometryFromConvInfo } from '../conv-info.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';
import type { Replacement } from '../replace.ts';

const NAME = 'MaxPoolGrad';

export const maxPoolGradReplacement: Replacement = {
  kernelName: NAME,
  run: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    if (dy.dtype !== 'float32' || input.dtype !== 'float32' || input.shape.length !== 4) return undefined;
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode,
    );
    const g = geometryFromConvInfo(NAME, info);
    const [b, h, w, c] = dy.shape;
    if (b !== g.batch || h !== g.outH || w !== g.outW || c !== g.outC) return undefined;
    const wasm = backend as unknown as WasmBackendLike;
    return computeInto(wasm, input.shape, (out) =>
      maxPoolBackprop(g, readF32(wasm, input, NAME, 'input'), readF32(wasm, dy, NAME, 'dy'), out),
    );
  },
};
