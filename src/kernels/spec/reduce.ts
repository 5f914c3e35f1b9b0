/**
 * The column reduction of a row-major [rows, cols] x: its arguments and the length of its result,
 * checked once for the reference (src/kernels/reference/reduce.ts) and the WASM wrapper
 * (src/kernels/wasm/reduce.ts).
 */
import { checkBoolean, checkCount, checkF32, checkOut, kernelSpec } from '../validate.ts';

/** Returns the result's length (cols). */
export const reduceRowsSpec = kernelSpec(
  'reduceRows',
  (kernel, x: Float32Array, rows: number, cols: number, mean = false, out?: Float32Array): number => {
    checkCount(kernel, 'rows', rows, 1);
    checkCount(kernel, 'cols', cols, 1);
    checkF32(kernel, 'x', x, rows * cols);
    checkBoolean(kernel, 'mean', mean);
    checkOut(kernel, out, cols);
    return cols;
  },
);
