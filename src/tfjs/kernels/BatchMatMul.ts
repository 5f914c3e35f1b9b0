/**
 * BatchMatMul on 'wasm' through our convolution kernels, for the unbatched case that dense
 * layers produce (tfjs-backend-wasm's took 55 ms of a 304 ms LeNet-5 training step, 2.8
 * GFLOP/s). A matrix product is a 1×1 convolution over M "pixels":
 *   A·B   = conv2d(x = A [M,K], filter = B [K,N])
 *   A·Bᵀ  = conv2dBackpropInput(dy = A [M,K], filter = B viewed as [N,K])
 *   Aᵀ·B  = conv2dBackpropFilter(x = A [K,M], dy = B [K,N])
 * Batched products and Aᵀ·Bᵀ fall back to the original kernel.
 */
import type { TensorInfo, BatchMatMulAttrs, _FusedMatMulAttrs } from '@tensorflow/tfjs-core';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from '../../kernels/wasm/conv2d.ts';
import type { Conv2DGeometry } from '../../kernels/geometry.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';
import type { Replacement } from '../replace.ts';

const NAME = 'BatchMatMul';

/** The geometry of a 1×1 convolution over `pixels` rows from `inC` to `outC` channels. */
function pointwise(pixels: number, inC: number, outC: number): Conv2DGeometry {
  return {
    batch: 1, inH: 1, inW: pixels, inC, outH: 1, outW: pixels, outC, filterH: 1, filterW: 1,
    strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1,
  };
}

/** [rows, cols] of a rank ≥ 2 shape whose batch dimensions are all 1, else undefined. */
function matrix(shape: readonly number[]): [number, number] | undefined {
  if (shape.length < 2 || shape.slice(0, -2).some((d) => d !== 1)) return undefined;
  return [shape[shape.length - 2]!, shape[shape.length - 1]!];
}

/** The product on our kernels, or undefined for a case left to tfjs (see the header). */
function product(kernel: string, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, backend: unknown): TensorInfo | undefined {
  const am = matrix(a.shape);
  const bm = matrix(b.shape);
  if (!am || !bm || a.dtype !== 'float32' || b.dtype !== 'float32' || (transposeA && transposeB)) return undefined;
  if (a.shape.length !== b.shape.length) return undefined;
  const [m, k] = transposeA ? [am[1], am[0]] : am;
  const [k2, n] = transposeB ? [bm[1], bm[0]] : bm;
  if (k !== k2) return undefined; // let tfjs report the shape error in its own words
  const outShape = [...a.shape.slice(0, -2), m, n];
  const wasm = backend as WasmBackendLike;
  return computeInto(wasm, outShape, (out) => {
    const av = readF32(wasm, a, kernel, 'a');
    const bv = readF32(wasm, b, kernel, 'b');
    if (transposeA) conv2dBackpropFilter(pointwise(k, m, n), av, bv, out);
    else if (transposeB) conv2dBackpropInput(pointwise(m, n, k), av, bv, out);
    else conv2d(pointwise(m, k, n), av, bv, {}, out);
  });
}

export const batchMatMulReplacement: Replacement = {
  kernelName: NAME,
  run: ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    return product(NAME, a, b, transposeA, transposeB, backend);
  },
};

/**
 * _FusedMatMul, which tfjs-layers' Dense calls in every forward pass, without a bias or an
 * activation (a Dense before a BatchNorm): the same product as BatchMatMul, and the same bits
 * as tfjs-backend-wasm's (XNNPACK adds in the order our kernel does; checked by a test). It took
 * tfjs 2.7 ms for LeNet's fc1 (batch 64) against 1.4–1.9 ms for ours on the same sizes. With a
 * bias XNNPACK starts its sums from it, which ours does not: those go to the original.
 */
export const fusedMatMulReplacement: Replacement = {
  kernelName: '_FusedMatMul',
  run: ({ inputs, backend, attrs }) => {
    const { a, b, bias, preluActivationWeights } = inputs as Record<'a' | 'b' | 'bias' | 'preluActivationWeights', TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = attrs as unknown as _FusedMatMulAttrs;
    if (!a || !b || bias || preluActivationWeights || (activation !== undefined && activation !== 'linear')) return undefined;
    return product('_FusedMatMul', a, b, transposeA, transposeB, backend);
  },
};
