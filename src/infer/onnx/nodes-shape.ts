/**
 * The ONNX nodes that move or rename values: Transpose (a new order of the same buffer, no copy),
 * Flatten and Reshape (a new shape of values in row-major order: no copy when the buffer holds
 * them in that order, else they are arranged so, or a following Gemm takes them as they are),
 * Concat (along the axis stored last), Identity and Dropout (the identity at inference), and
 * Constant (a constant, for the nodes that fold constants into weights).
 */
import { identity, orderOf, sameMemory, withLast, type Operand, type Value } from './builder.ts';
import type { NodeContext } from './context.ts';
import { sampleAxis } from './nodes-elementwise.ts';
import type { OnnxTensor } from './read.ts';

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** `x` under the rank-1 shape [size]: the same buffer when its values are in row-major order, else a pending Flatten. */
function flattened(ctx: NodeContext, x: Value): Value {
  const dims = [count(x.dims)];
  if (x.flattenOf || sameMemory(x.order, identity(x.dims.length), x.dims)) {
    return x.flattenOf ? { ...x, name: ctx.base } : { name: ctx.base, dims, order: [0], layer: x.layer };
  }
  return { name: ctx.base, dims, order: [0], layer: '', flattenOf: x };
}

/** `x` under another shape of the same row-major values. */
function reshaped(ctx: NodeContext, x: Value, dims: readonly number[]): Value {
  if (dims.length === 1) return flattened(ctx, x);
  const rowMajor = identity(x.dims.length);
  const layer = !x.flattenOf && sameMemory(x.order, rowMajor, x.dims) ? x.layer : ctx.builder.arrange(x, rowMajor);
  return { name: ctx.base, dims, order: identity(dims.length), layer };
}

export function flattenRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  const rank = x.dims.length + 1;
  const axis = ctx.int('axis', 1);
  const a = axis < 0 ? axis + rank : axis;
  // Flatten makes [d0·…·d(a-1), da·…]: the batch stays alone only when the axes before `a` but the batch are all 1.
  if (a < 1 || a > rank || count(x.dims.slice(0, a - 1)) !== 1) {
    ctx.refuse(`flattens a rank-${rank} tensor at axis ${axis}, which merges the batch with other axes; slimprune/infer flattens at axis 1`);
  }
  return [flattened(ctx, x)];
}

/** Reshape by a constant shape whose first entry keeps the batch (0, -1, or the graph's fixed batch size). */
export function reshapeRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  const shape = ctx.constant(1, 'shape');
  if (!shape.ints) ctx.refuse(`reshapes to '${shape.name}', which is not an integer tensor`);
  const allowZero = ctx.int('allowzero', 0) !== 0;
  const [first, ...given] = shape.ints;
  // A 0 copies the input's dimension at that place (unless allowzero, where it means 0).
  const sample = given.map((d, i) => (d === 0 && !allowZero ? x.dims[i] ?? 0 : d));
  const total = count(x.dims);
  const inferred = sample.filter((d) => d === -1).length;
  const bad = first === undefined || sample.some((d) => d < -1 || d === 0) || inferred > 1 || (first === -1 && inferred > 0);
  const keepsBatch = (first === 0 && !allowZero) || first === -1 || (ctx.batch !== undefined && first === ctx.batch);
  const known = sample.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const fits = inferred === 1 ? known > 0 && total % known === 0 : known === total;
  if (bad || !keepsBatch || !fits) {
    ctx.refuse(
      `reshapes [N, ${x.dims.join(', ')}] to [${shape.ints.join(', ')}]; slimprune/infer reshapes each sample alone: the first entry must keep the batch ` +
        '(0, -1, or the fixed batch size), the others must hold the sample\'s values',
    );
  }
  return [reshaped(ctx, x, sample.map((d) => (d === -1 ? total / known : d)))];
}

/** Transpose: the same buffer, its axes renamed; the batch must stay first. */
export function transposeRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  const rank = x.dims.length + 1;
  const perm = ctx.ints('perm') ?? identity(rank).reverse();
  const isPermutation = perm.length === rank && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
  if (!isPermutation) ctx.refuse(`has perm [${perm.join(', ')}], not an order of the ${rank} axes`);
  if (perm[0] !== 0) ctx.refuse(`moves the batch axis (perm [${perm.join(', ')}]); slimprune/infer keeps the batch first`);
  const q = perm.slice(1).map((p) => p - 1);
  const inverse = new Array<number>(q.length);
  q.forEach((from, to) => (inverse[from] = to));
  const dims = q.map((a) => x.dims[a]!);
  if (x.flattenOf) return [{ ...x, name: ctx.base }];
  // Storage axis k held input axis order[k], which is output axis inverse[order[k]].
  return [{ name: ctx.base, dims, order: x.order.map((a) => inverse[a]!), layer: x.layer }];
}

/** Identity passes a computed tensor or a constant through. */
export function identityRule(ctx: NodeContext): Operand[] {
  if (!ctx.isComputed(0)) return [{ ...ctx.constant(0, 'input'), name: ctx.base }];
  return [{ ...ctx.value(0), name: ctx.base }];
}

/** Dropout at inference: the identity (its mask output unread, training_mode absent or false). */
export function dropoutRule(ctx: NodeContext): Value[] {
  ctx.onlyFirstOutputs(1, 'mask');
  const training = ctx.optionalConstant(2);
  if (training && (training.ints ?? training.floats ?? [1])[0] !== 0) ctx.refuse('is in training mode; slimprune/infer runs inference');
  return [{ ...ctx.value(0), name: ctx.base }];
}

/** Concat of computed tensors, along an axis slimprune/infer's Concatenate takes as the stored-last one. */
export function concatRule(ctx: NodeContext): Value[] {
  const inputs = Array.from({ length: ctx.inputCount }, (_, i) => ctx.value(i));
  const first = inputs[0]!;
  const rank = first.dims.length + 1;
  if (!ctx.hasAttribute('axis')) ctx.refuse('has no axis');
  const axis = sampleAxis(ctx, ctx.int('axis', 1), rank);
  for (const v of inputs) {
    if (v.dims.length !== first.dims.length || v.dims.some((d, i) => i !== axis && d !== first.dims[i])) {
      ctx.refuse(`joins tensors of dimensions ${inputs.map((x) => `[${x.dims.join(', ')}]`).join(', ')} along axis ${axis + 1}; the other dimensions must agree`);
    }
  }
  const order = withLast(orderOf(first), axis);
  const layer = ctx.builder.add(ctx.base, 'Concatenate', { axis: -1 }, inputs.map((v) => ctx.builder.arrange(v, order)));
  const dims = first.dims.map((d, i) => (i === axis ? inputs.reduce((n, v) => n + v.dims[axis]!, 0) : d));
  return [{ name: ctx.base, dims, order, layer: layer.name }];
}

/** Constant: its value (a tensor, or one of the number forms) as a constant tensor. */
export function constantRule(ctx: NodeContext): OnnxTensor[] {
  const tensor = ctx.tensorAttribute('value');
  if (tensor) return [{ ...tensor, name: ctx.base }];
  if (ctx.hasAttribute('value_float')) return [{ name: ctx.base, dims: [], floats: Float32Array.of(ctx.float('value_float', 0)) }];
  if (ctx.hasAttribute('value_int')) return [{ name: ctx.base, dims: [], ints: [ctx.int('value_int', 0)] }];
  const ints = ctx.ints('value_ints');
  if (ints) return [{ name: ctx.base, dims: [ints.length], ints }];
  const floats = ctx.floatList('value_floats');
  if (floats) return [{ name: ctx.base, dims: [floats.length], floats: Float32Array.from(floats) }];
  return ctx.refuse('has no value slimprune/infer reads (value, value_float, value_floats, value_int or value_ints)');
}

