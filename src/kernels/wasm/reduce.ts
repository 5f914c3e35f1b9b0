/** Typed wrapper over assembly/reduce.ts (arguments: src/kernels/spec/reduce.ts; the call: ./call.ts). */
import { reduceRowsSpec } from '../spec/reduce.ts';
import { callKernel } from './call.ts';

/**
 * Column sums (or means, `mean`) of a row-major [rows, cols] x: one value per column, added in
 * row order in f32 (reduceRowsReference is the specification).
 */
export function reduceRows(x: Float32Array, rows: number, cols: number, mean = false, out?: Float32Array): Float32Array {
  const n = reduceRowsSpec.check(x, rows, cols, mean, out);
  return callKernel({
    inputs: [x],
    outputs: [n],
    into: [out],
    run: (k, { inputs: [xp], outputs: [yp] }) => k.exports.reduce_rows_f32(xp!, rows, cols, yp!, mean ? 1 : 0),
  })[0]!;
}
