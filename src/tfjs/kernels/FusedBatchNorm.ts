/**
 * FusedBatchNorm (BatchNorm's normalization, forward) on 'wasm' through our kernel
 * (assembly/batch_norm.ts) for float32 with per-channel or scalar parameters, scale and offset
 * given: the same operations and roundings as tfjs's, so the same bits, four channels at a time
 * (tfjs-backend-wasm's own took 3.4 ms on LeNet's first activation, batch 64). Other cases go to
 * the original.
 */
import { util, type TensorInfo, type FusedBatchNormAttrs } from '@tensorflow/tfjs-core';
import { batchNorm } from '../../kernels/wasm/batch-norm.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';
import type { Replacement } from '../replace.ts';

const NAME = 'FusedBatchNorm';

export const fusedBatchNormReplacement: Replacement = {
  kernelName: NAME,
  run: ({ inputs, backend, attrs }) => {
    const { x, mean, variance, offset, scale } = inputs as Record<'x' | 'mean' | 'variance' | 'offset' | 'scale', TensorInfo | undefined>;
    const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
    if (!x || !mean || !variance || !offset || !scale || x.shape.length === 0) return undefined;
    const params = [mean, variance, offset, scale];
    if ([x, ...params].some((t) => t.dtype !== 'float32')) return undefined;
    const cols = x.shape.at(-1)!;
    const size = util.sizeFromShape(x.shape);
    if (size === 0) return undefined;
    // tfjs indexes each parameter by the element's flat index modulo its size: per channel
    // (size = the last axis) or one value for all; any other size is left to it.
    if (params.some((t) => { const n = util.sizeFromShape(t.shape); return n !== cols && n !== 1; })) return undefined;
    const wasm = backend as unknown as WasmBackendLike;
    const perChannel = (t: TensorInfo, name: string) => {
      const v = readF32(wasm, t, NAME, name);
      return v.length === cols ? v.slice() : new Float32Array(cols).fill(v[0]!);
    };
    // Copied before the output is allocated: allocating can grow tfjs's heap and detach views.
    const p = {
      mean: perChannel(mean, 'mean'), variance: perChannel(variance, 'variance'),
      offset: perChannel(offset, 'offset'), scale: perChannel(scale, 'scale'), epsilon: varianceEpsilon,
    };
    return computeInto(wasm, [...x.shape], (out) => batchNorm(readF32(wasm, x, NAME, 'x'), size / cols, cols, p, out));
  },
};
