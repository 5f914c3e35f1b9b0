/**
 * Sum and Mean on 'wasm' through our column reduction (assembly/reduce.ts) when they reduce a
 * float32 tensor over every axis but the last: BatchNorm's moments and the sums of its gradient,
 * one value per channel. tfjs-backend-wasm transposes the tensor first and then adds each column
 * in row order; ours adds in the same order without the transpose, so the result has the same
 * bits (the training suite checks it against the original kernel). Every other reduction (also
 * the same axes in another order, which tfjs adds in another order), and other dtypes, go to the
 * original.
 */
import { util, type TensorInfo, type SumAttrs, type MeanAttrs } from '@tensorflow/tfjs-core';
import { reduceRows } from '../../kernels/wasm/reduce.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';
import type { Replacement } from '../replace.ts';

function reduceLeadingAxes(kernel: string, x: TensorInfo, axis: number | number[], keepDims: boolean, mean: boolean, backend: WasmBackendLike): TensorInfo | undefined {
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2) return undefined;
  // In this order only: tfjs transposes the reduced axes to the end in the order given, which sets
  // the order of the additions.
  const axes = util.parseAxisParam(axis, x.shape);
  if (axes.length !== rank - 1 || axes.some((a, i) => a !== i)) return undefined;
  const cols = x.shape[rank - 1]!;
  const rows = util.sizeFromShape(x.shape) / cols;
  if (rows === 0 || cols === 0) return undefined;
  const outShape = keepDims ? [...new Array<number>(rank - 1).fill(1), cols] : [cols];
  return computeInto(backend, outShape, (out) => reduceRows(readF32(backend, x, kernel, 'x'), rows, cols, mean, out));
}

function reductionReplacement(kernelName: 'Sum' | 'Mean'): Replacement {
  return {
    kernelName,
    run: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: TensorInfo };
      const { axis, keepDims } = attrs as unknown as SumAttrs | MeanAttrs;
      return reduceLeadingAxes(kernelName, x, axis, keepDims, kernelName === 'Mean', backend as unknown as WasmBackendLike);
    },
  };
}

export const sumReplacement = reductionReplacement('Sum');
export const meanReplacement = reductionReplacement('Mean');
