/**
 * Tile on 'wasm' through our kernel (assembly/tile.ts) for float32; other dtypes fall back.
 * tfjs's BatchNorm gradient broadcasts with Tile, and tfjs-backend-wasm's took 72 ms of a
 * 304 ms LeNet-5 training step (batch 64, tf.profile).
 */
import type { TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';
import { tile, tileShape, TILE_MAX_RANK } from '../../kernels/wasm/tile.ts';
import { readF32, computeInto, type WasmBackendLike } from '../wasm-heap.ts';
import type { Replacement } from '../replace.ts';

const NAME = 'Tile';

export const tileReplacement: Replacement = {
  kernelName: NAME,
  run: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo };
    const { reps } = attrs as unknown as TileAttrs;
    if (x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > TILE_MAX_RANK) return undefined;
    if (x.shape.some((d) => d === 0)) return undefined;
    const outShape = tileShape(NAME, x.shape, reps);
    const wasm = backend as unknown as WasmBackendLike;
    return computeInto(wasm, outShape, (out) => tile(readF32(wasm, x, NAME, 'x'), x.shape, reps, out));
  },
};
