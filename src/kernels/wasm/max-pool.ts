/** Typed wrapper over assembly/max_pool.ts (arguments: src/kernels/spec/max-pool.ts; the call: ./call.ts). */
import type { Conv2DGeometry } from '../geometry.ts';
import { maxPoolBackpropSpec } from '../spec/max-pool.ts';
import { callKernel } from './call.ts';
import { runRows } from '../../wasm/threads.ts';

/** dx of a max pool over x (NHWC) given dy; g has inC = outC (the pooling window as filter). */
export function maxPoolBackprop(g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): Float32Array {
  const n = maxPoolBackpropSpec.check(g, x, dy, out);
  return callKernel({
    geometry: g,
    inputs: [x, dy],
    outputs: [n],
    into: [out],
    args: 16,
    run(k, { geometry, inputs: [xp, dyp], outputs: [dxp], args }) {
      k.exports.max_pool_backprop_args(geometry, xp!, dyp!, dxp!, args);
      runRows(k, 'max_pool_backprop_batch_f32', args, g.batch, 1, n);
    },
  })[0]!;
}
