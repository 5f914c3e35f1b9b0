/**
 * Conv2DBackpropInput on 'wasm' through our kernel: tfjs-backend-wasm's own took 108 ms of a
 * 304 ms LeNet-5 training step (batch 64, tf.profile); see BENCHMARKS.md for the ratio.
 * Attributes as tfjs's Conv2DBackpropInputAttrs; NCHW falls back to the original kernel.
 */
import { backend_util, type TensorInfo, type Conv2DBackpropInputAttrs } from '@tensorflow/tfjs-core';
import { conv2dBackpropInput } from '../../kernels/wasm/conv2d.ts';
import { geometryFromConvInfo } from '../conv-info.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';
import type { Replacement } from '../replace.ts';

const NAME = 'Conv2DBackpropInput';

export const conv2DBackpropInputReplacement: Replacement = {
  kernelName: NAME,
  run: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
    const info = backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast',
    );
    const g = geometryFromConvInfo(NAME, info);
    // tfjs does not check dy against the geometry (conv2dTranspose accepts any output shape);
    // hand such calls back to the original kernel rather than read out of bounds.
    const [b, h, w, c] = dy.shape;
    if (b !== g.batch || h !== g.outH || w !== g.outW || c !== g.outC) return undefined;
    const wasm = backend as unknown as WasmBackendLike;
    return computeInto(wasm, inputShape, (out) =>
      conv2dBackpropInput(g, readF32(wasm, dy, NAME, 'dy'), readF32(wasm, filter, NAME, 'filter'), out),
    );
  },
};
