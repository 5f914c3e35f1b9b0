/**
 * Typed wrappers over assembly/elementwise.ts (arguments: src/kernels/spec/elementwise.ts; the
 * call: ./call.ts). An `out` that is one of the inputs is computed in place: the kernel reads and
 * writes the same memory, as slimprune/infer calls it for a sum of three or more tensors. The
 * kernels must be loaded first (`await initKernels()`).
 */
import { addSpec, reluSpec } from '../spec/elementwise.ts';
import { callKernel } from './call.ts';

/** y = a + b, then max(y, 0) when relu. */
export function add(a: Float32Array, b: Float32Array, relu = false, out?: Float32Array): Float32Array {
  const n = addSpec.check(a, b, relu, out);
  const flag = relu ? 1 : 0;
  if (out !== undefined && (out === a || out === b)) {
    const other = out === a ? b : a;
    return callKernel({
      inputs: [other],
      outputs: [out],
      into: [out],
      run: (k, { inputs: [op], outputs: [yp] }) => (out === a ? k.exports.add_f32(yp!, op!, yp!, n, flag) : k.exports.add_f32(op!, yp!, yp!, n, flag)),
    })[0]!;
  }
  return callKernel({
    inputs: [a, b],
    outputs: [n],
    into: [out],
    run: (k, { inputs: [ap, bp], outputs: [yp] }) => k.exports.add_f32(ap!, bp!, yp!, n, flag),
  })[0]!;
}

/** y = max(x, 0). */
export function relu(x: Float32Array, out?: Float32Array): Float32Array {
  const n = reluSpec.check(x, out);
  if (out !== undefined && out === x) {
    return callKernel({ inputs: [], outputs: [out], into: [out], run: (k, { outputs: [yp] }) => k.exports.relu_f32(yp!, yp!, n) })[0]!;
  }
  return callKernel({ inputs: [x], outputs: [n], into: [out], run: (k, { inputs: [xp], outputs: [yp] }) => k.exports.relu_f32(xp!, yp!, n) })[0]!;
}
