/**
 * Two kernels tfjs does not have, registered on 'wasm' under our own names for the trainer's
 * fused training-mode BatchNorm (src/tfjs/fused-batch-norm.ts): the batch moments, and the
 * gradient of the whole layer (assembly/batch_norm_training.ts). Both take float32 channels-last
 * tensors and have the bits of the tfjs graph they stand for.
 */
import { util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { batchMoments, batchNormGrad } from '../../kernels/wasm/batch-norm-training.ts';
import { readF32, type WasmBackendLike } from '../wasm-heap.ts';

export const BATCH_MOMENTS = 'SlimpruneBatchMoments';
export const BATCH_NORM_GRAD = 'SlimpruneBatchNormGrad';

function rowsAndCols(kernel: string, x: TensorInfo): [number, number] {
  if (x.shape.length < 1) throw new Error(`slimprune's ${kernel}: x must have at least one axis (the channels), got a scalar`);
  const cols = x.shape.at(-1)!;
  const size = util.sizeFromShape(x.shape);
  if (size === 0) throw new Error(`slimprune's ${kernel}: x of shape [${x.shape}] is empty`);
  return [size / cols, cols];
}

function perChannel(backend: WasmBackendLike, kernel: string, t: TensorInfo, name: string, cols: number): Float32Array {
  if (util.sizeFromShape(t.shape) !== cols) {
    throw new Error(`slimprune's ${kernel}: ${name} must have one value per channel (${cols}), got shape [${t.shape}]`);
  }
  return readF32(backend, t, kernel, name).slice();
}

/** inputs {x}; outputs [mean, variance], each of shape [channels]. */
export const batchMomentsConfig: KernelConfig = {
  kernelName: BATCH_MOMENTS,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const wasm = backend as unknown as WasmBackendLike;
    const { x } = inputs as { x: TensorInfo };
    const [rows, cols] = rowsAndCols(BATCH_MOMENTS, x);
    const mean = wasm.makeOutput([cols], 'float32');
    const variance = wasm.makeOutput([cols], 'float32');
    // Views are taken after every output exists: allocating can grow tfjs's heap.
    batchMoments(readF32(wasm, x, BATCH_MOMENTS, 'x'), rows, cols, {
      mean: wasm.typedArrayFromHeap(mean) as Float32Array,
      variance: wasm.typedArrayFromHeap(variance) as Float32Array,
    });
    return [mean, variance];
  },
};

/**
 * inputs {x, dy, mean, scale, rsqrt, minusRsqrt, minusHalfRsqrtCubed} (the last five per channel,
 * see BatchNormGradParams); outputs [dx (x's shape), dScale, dOffset ([channels])].
 */
export const batchNormGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_GRAD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const wasm = backend as unknown as WasmBackendLike;
    const t = inputs as Record<'x' | 'dy' | 'mean' | 'scale' | 'rsqrt' | 'minusRsqrt' | 'minusHalfRsqrtCubed', TensorInfo>;
    const [rows, cols] = rowsAndCols(BATCH_NORM_GRAD, t.x);
    if (!util.arraysEqual(t.dy.shape, t.x.shape)) {
      throw new Error(`slimprune's ${BATCH_NORM_GRAD}: dy has shape [${t.dy.shape}], x has [${t.x.shape}]; they must be equal`);
    }
    const p = {
      mean: perChannel(wasm, BATCH_NORM_GRAD, t.mean, 'mean', cols),
      scale: perChannel(wasm, BATCH_NORM_GRAD, t.scale, 'scale', cols),
      rsqrt: perChannel(wasm, BATCH_NORM_GRAD, t.rsqrt, 'rsqrt', cols),
      minusRsqrt: perChannel(wasm, BATCH_NORM_GRAD, t.minusRsqrt, 'minusRsqrt', cols),
      minusHalfRsqrtCubed: perChannel(wasm, BATCH_NORM_GRAD, t.minusHalfRsqrtCubed, 'minusHalfRsqrtCubed', cols),
    };
    const dx = wasm.makeOutput([...t.x.shape], 'float32');
    const dScale = wasm.makeOutput([cols], 'float32');
    const dOffset = wasm.makeOutput([cols], 'float32');
    batchNormGrad(readF32(wasm, t.x, BATCH_NORM_GRAD, 'x'), readF32(wasm, t.dy, BATCH_NORM_GRAD, 'dy'), rows, cols, p, {
      dx: wasm.typedArrayFromHeap(dx) as Float32Array,
      dScale: wasm.typedArrayFromHeap(dScale) as Float32Array,
      dOffset: wasm.typedArrayFromHeap(dOffset) as Float32Array,
    });
    return [dx, dScale, dOffset];
  },
};
