/**
 * DepthwiseConv2dNativeBackpropFilter for tfjs-backend-wasm, which (as of 4.22) registers none.
 * Attributes as tfjs's DepthwiseConv2dNativeBackpropFilterAttrs; NHWC only (tfjs's depthwise
 * gradient has no data-format attribute: it is always channels-last).
 */
import { backend_util, type KernelConfig, type TensorInfo, type DepthwiseConv2dNativeBackpropFilterAttrs } from '@tensorflow/tfjs-core';
import { depthwiseConv2dBackpropFilter } from '../../kernels/wasm/depthwise-conv2d.ts';
import { geometryFromConvInfo } from '../conv-info.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';

const NAME = 'DepthwiseConv2dNativeBackpropFilter';

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, filterShape } =
      attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true,
    );
    const wasm = backend as unknown as WasmBackendLike;
    return computeInto(wasm, filterShape, (out) =>
      depthwiseConv2dBackpropFilter(geometryFromConvInfo(NAME, info), readF32(wasm, x, NAME, 'x'), readF32(wasm, dy, NAME, 'dy'), out),
    );
  },
};
