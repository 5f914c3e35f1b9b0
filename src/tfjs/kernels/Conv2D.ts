/**
 * Conv2D and FusedConv2D on 'wasm' through our kernel. tfjs-backend-wasm's XNNPACK reads one
 * pointer per filter tap and output pixel; ours reads a filter row's taps as one contiguous row
 * (assembly/conv2d.ts, width-merged rows), which measured 1.1–1.4× faster on the reference
 * networks' convolutions, copies in and out included, and most on LeNet's 1-channel conv1, a
 * third of that network's inference time (BENCHMARKS.md), and runs the thin layers pruning leaves
 * (few output channels) on its thin-layer path. tfjs's own kernel runs where ours
 * measured slower or cannot merge: small outputs (the copies and setup dominate), rows that need
 * a zero-padded copy of the input for only a few multiply-adds each (CIFAR's first layer: 3
 * channels, 'same' padding), dilation across the width, 1-wide filters, fused activations other
 * than ReLU. Without a bias, ours adds in tfjs's order, so training gives the same bits.
 */
import {
  backend_util, type TensorInfo, type Conv2DAttrs, type FusedConv2DAttrs,
} from '@tensorflow/tfjs-core';
import { conv2d, conv2dTakesThinPath } from '../../kernels/wasm/conv2d.ts';
import { geometryFromConvInfo } from '../conv-info.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';
import type { Replacement } from '../replace.ts';

/**
 * Floats per merged row (filter width × input channels) below which ours does not take a
 * convolution whose rows need a zero-padded copy of the input (see the file comment).
 */
export const MIN_PADDED_ROW_FLOATS = 16;
/**
 * Output pixels (batch × height × width) from which ours runs: below, copying into our memory
 * and building the indirection cost more than they save (LeNet at batch 1: 576 pixels).
 */
export const MIN_OUTPUT_PIXELS = 4096;

interface ConvCall {
  readonly name: string;
  readonly x: TensorInfo;
  readonly filter: TensorInfo;
  readonly bias?: TensorInfo | undefined;
  readonly relu: boolean;
  readonly attrs: Conv2DAttrs;
  readonly backend: WasmBackendLike;
}

function smallInputConv(call: ConvCall): TensorInfo | undefined {
  const { name, x, filter, bias, attrs } = call;
  if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.length !== 1)) return undefined;
  if (x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  const [fh, fw, inC, outC] = filter.shape as [number, number, number, number];
  if (bias !== undefined && bias.shape[0] !== outC) return undefined;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], [fh, fw, inC, outC], attrs.strides, attrs.dilations, attrs.pad,
    attrs.dimRoundingMode, false, 'channelsLast',
  );
  if (info.batchSize * info.outHeight * info.outWidth < MIN_OUTPUT_PIXELS) return undefined;
  const g = geometryFromConvInfo(name, info);
  // The thin-layer path (few output channels) gains on its own; the GEMM only where a filter
  // row's taps merge (width > 1, no dilation across the width) into rows long enough to pay for
  // a zero-padded copy where one is needed (the kernel's needs_width_padding, assembly/conv2d.ts).
  if (!conv2dTakesThinPath(g)) {
    if (fw < 2 || info.dilationWidth !== 1) return undefined;
    const padsWidth = info.padInfo.left > 0 || (info.outWidth - 1) * info.strideWidth + fw - info.padInfo.left > info.inWidth;
    if (padsWidth && fw * inC < MIN_PADDED_ROW_FLOATS) return undefined;
  }
  const backend = call.backend;
  return computeInto(backend, info.outShape, (out) => {
    conv2d(g, readF32(backend, x, name, 'x'), readF32(backend, filter, name, 'filter'), {
      ...(bias !== undefined && { bias: readF32(backend, bias, name, 'bias') }),
      relu: call.relu,
    }, out);
  });
}

export const conv2DReplacement: Replacement = {
  kernelName: 'Conv2D',
  run: ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    return smallInputConv({ name: 'Conv2D', x, filter, relu: false, attrs: attrs as unknown as Conv2DAttrs, backend: backend as unknown as WasmBackendLike });
  },
};

export const fusedConv2DReplacement: Replacement = {
  kernelName: 'FusedConv2D',
  run: ({ inputs, backend, attrs }) => {
    const { x, filter, bias, preluActivationWeights } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const fused = attrs as unknown as FusedConv2DAttrs;
    if (preluActivationWeights !== undefined) return undefined;
    if (fused.activation !== 'linear' && fused.activation !== 'relu') return undefined;
    return smallInputConv({
      name: 'FusedConv2D', x, filter, bias, relu: fused.activation === 'relu', attrs: fused, backend: backend as unknown as WasmBackendLike,
    });
  },
};
