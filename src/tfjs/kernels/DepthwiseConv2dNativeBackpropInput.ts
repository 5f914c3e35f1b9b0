/**
 * DepthwiseConv2dNativeBackpropInput for tfjs-backend-wasm, which (as of 4.22) registers none.
 * Attributes as tfjs's DepthwiseConv2dNativeBackpropInputAttrs; NHWC only.
 */
import { backend_util, type KernelConfig, type TensorInfo, type DepthwiseConv2dNativeBackpropInputAttrs } from '@tensorflow/tfjs-core';
import { depthwiseConv2dBackpropInput } from '../../kernels/wasm/depthwise-conv2d.ts';
import { geometryFromConvInfo } from '../conv-info.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';

const NAME = 'DepthwiseConv2dNativeBackpropInput';

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, inputShape } =
      attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    const info = backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true,
    );
    const wasm = backend as unknown as WasmBackendLike;
    return computeInto(wasm, inputShape, (out) =>
      depthwiseConv2dBackpropInput(geometryFromConvInfo(NAME, info), readF32(wasm, dy, NAME, 'dy'), readF32(wasm, filter, NAME, 'filter'), out),
    );
  },
};
