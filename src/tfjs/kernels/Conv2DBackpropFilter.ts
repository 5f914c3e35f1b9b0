/**
 * Conv2DBackpropFilter for tfjs-backend-wasm, which (as of 4.22) registers none, so that
 * `model.fit` of any conv net on 'wasm' fails with "Kernel 'Conv2DBackpropFilter' not registered".
 * Attributes as tfjs's Conv2DBackpropFilterAttrs: strides, pad, dataFormat, dimRoundingMode,
 * filterShape. tfjs's conv2d gradient always passes dilation 1 (it has no dilated gradient).
 */
import { backend_util, type KernelConfig, type TensorInfo, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilter } from '../../kernels/wasm/conv2d.ts';
import { geometryFromConvInfo } from '../conv-info.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';

const NAME = 'Conv2DBackpropFilter';


export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    const g = geometryFromConvInfo(NAME, info);
    const wasm = backend as unknown as WasmBackendLike;
    return computeInto(wasm, filterShape, (out) =>
      conv2dBackpropFilter(g, readF32(wasm, x, NAME, 'x'), readF32(wasm, dy, NAME, 'dy'), out),
    );
  },
};
