/**
 * Gemm and MatMul by a constant weight: slimprune/infer's Dense layer (kernel [K, N] over the last
 * axis). A Flatten of an NCHW tensor feeding one means the channel-major order C·H·W, while the
 * values sit channels-last: the weight's rows are permuted to the order the values are in, so no
 * copy is made (a Flatten our exporter writes is already of NHWC values and needs none).
 */
import { identity, shapeIn, type Value } from './builder.ts';
import type { NodeContext } from './context.ts';

/**
 * For each storage position of `v`'s values (row-major over its storage order), the position of
 * the same value in v's own row-major order: what a Flatten of v means.
 */
function flattenedPositions(v: Value): Int32Array {
  const storageShape = shapeIn(v, v.order);
  const strides = v.dims.map((_, a) => v.dims.slice(a + 1).reduce((x, y) => x * y, 1));
  const steps = v.order.map((axis) => strides[axis]!);
  const n = storageShape.reduce((x, y) => x * y, 1);
  const positions = new Int32Array(n);
  const index = new Array<number>(storageShape.length).fill(0);
  let at = 0;
  for (let s = 0; s < n; s++) {
    positions[s] = at;
    for (let k = storageShape.length - 1; k >= 0; k--) {
      at += steps[k]!;
      if (++index[k]! < storageShape[k]!) break;
      at -= steps[k]! * storageShape[k]!;
      index[k] = 0;
    }
  }
  return positions;
}

/** A Dense layer y = x·kernel (+ bias) over the rank-2 tensor `x` ([K] per sample). */
function dense(ctx: NodeContext, x: Value, kernel: Float32Array, k: number, n: number, bias: Float32Array | undefined): Value {
  if (x.dims.length !== 1 || x.dims[0] !== k) ctx.refuse(`multiplies a [${x.dims.join(', ')}] sample by a weight of ${k} rows`);
  ctx.checkWork(k * n);
  let input: string;
  let rows = kernel;
  const source = x.flattenOf;
  if (source) {
    // Row r of the weight multiplies value r of the flattened tensor, which sits at storage position s.
    const positions = flattenedPositions(source);
    rows = new Float32Array(kernel.length);
    positions.forEach((r, s) => rows.set(kernel.subarray(r * n, (r + 1) * n), s * n));
    input = ctx.builder.reshaped(source.layer, [k]);
  } else {
    input = ctx.builder.arrange(x, [0]);
  }
  const weights = { kernel: { shape: [k, n], data: rows }, ...(bias && { bias: { shape: [n], data: bias } }) };
  const layer = ctx.builder.add(ctx.base, 'Dense', { units: n, use_bias: bias !== undefined, activation: 'linear' }, [input], weights);
  return { name: ctx.base, dims: [n], order: [0], layer: layer.name };
}

/** Gemm: y = alpha · x · B' + beta · C, B' = B or Bᵀ (transB); x itself must not be transposed. */
export function gemmRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  if (x.dims.length !== 1) ctx.refuse(`reads a rank-${x.dims.length + 1} tensor; Gemm takes rank 2`);
  if (ctx.int('transA', 0) !== 0) ctx.refuse('transposes its data input (transA = 1); slimprune/infer runs Gemm with the samples as rows');
  const transB = ctx.int('transB', 0) !== 0;
  const alpha = ctx.float('alpha', 1);
  const beta = ctx.float('beta', 1);
  const b = ctx.floats(1, 'weight');
  if (b.dims.length !== 2) ctx.refuse(`has a weight of dimensions [${b.dims.join(', ')}]; Gemm's is a matrix`);
  const [k, n] = transB ? [b.dims[1]!, b.dims[0]!] : [b.dims[0]!, b.dims[1]!];
  const kernel = new Float32Array(k * n);
  for (let r = 0; r < k; r++) for (let c = 0; c < n; c++) kernel[r * n + c] = alpha * b.data[transB ? c * k + r : r * n + c]!;
  let bias: Float32Array | undefined;
  if (ctx.optionalConstant(2)) {
    const c = ctx.floats(2, 'bias');
    const count = c.data.length;
    const perUnit = count === n && (c.dims.length === 1 || (c.dims.length === 2 && c.dims[0] === 1));
    if (!perUnit && count !== 1) ctx.refuse(`adds a C of dimensions [${c.dims.join(', ')}]; slimprune/infer takes one value per output unit (${n}) or one for all`);
    bias = Float32Array.from({ length: n }, (_, i) => beta * c.data[perUnit ? i : 0]!);
  }
  return [dense(ctx, x, kernel, k, n, bias)];
}

/** MatMul of a computed tensor by a constant matrix: over the last axis, as Dense does. */
export function matMulRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  const b = ctx.floats(1, 'weight');
  if (b.dims.length !== 2) ctx.refuse(`multiplies by a constant of dimensions [${b.dims.join(', ')}]; slimprune/infer multiplies by a matrix`);
  const [k, n] = b.dims as [number, number];
  if (x.dims.length === 1) return [dense(ctx, x, b.data, k, n, undefined)];
  const last = x.dims[x.dims.length - 1];
  if (last !== k) ctx.refuse(`multiplies [${x.dims.join(', ')}] samples by a [${k}, ${n}] matrix; the last dimension must be ${k}`);
  const rows = x.dims.slice(0, -1).reduce((p, q) => p * q, 1);
  ctx.checkWork(rows * k * n);
  const input = ctx.builder.arrange(x, identity(x.dims.length));
  const layer = ctx.builder.add(ctx.base, 'Dense', { units: n, use_bias: false, activation: 'linear' }, [input], { kernel: { shape: [k, n], data: b.data } });
  return [{ name: ctx.base, dims: [...x.dims.slice(0, -1), n], order: identity(x.dims.length), layer: layer.name }];
}
