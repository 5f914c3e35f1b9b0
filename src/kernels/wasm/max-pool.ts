/** Typed wrapper over assembly/max_pool.ts. */
import { inputSize, outputSize, type Conv2DGeometry } from '../geometry.ts';
import { checkF32 } from '../validate.ts';
import { putGeometry } from './conv2d.ts';
import { withKernels, checkOut } from './with-kernels.ts';
import { runRows } from '../../wasm/threads.ts';

/** dx of a max pool over x (NHWC) given dy; g has inC = outC (the pooling window as filter). */
export function maxPoolBackprop(g: Conv2DGeometry, x: Float32Array, dy: Float32Array, out?: Float32Array): Float32Array {
  const op = 'maxPoolBackprop';
  if (g.inC !== g.outC) {
    throw new RangeError(`${op}: pooling keeps the channels, but the geometry has ${g.inC} in and ${g.outC} out`);
  }
  checkF32(op, 'x', x, inputSize(g));
  checkF32(op, 'dy', dy, outputSize(g));
  checkOut(op, out, inputSize(g));
  return withKernels((k) => {
    const gp = putGeometry(k, g);
    const xp = k.arena.put(x);
    const dyp = k.arena.put(dy);
    const n = inputSize(g);
    const dxp = k.arena.alloc(n * 4);
    const ap = k.arena.alloc(16);
    k.exports.max_pool_backprop_args(gp, xp, dyp, dxp, ap);
    runRows(k, 'max_pool_backprop_batch_f32', ap, g.batch, 1, n);
    return k.arena.copyF32(dxp, n, out);
  });
}
