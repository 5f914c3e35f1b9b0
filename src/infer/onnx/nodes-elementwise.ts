/**
 * The ONNX nodes that work value by value or along one axis: Add, Mul and Sum of computed tensors
 * of one shape (an Add of a constant is folded into the bias of the Conv, Gemm or MatMul right
 * before it), the activations slimprune/infer has (Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid,
 * HardSwish, Tanh, Softplus, Elu, Selu), Softmax, and inference-mode BatchNormalization. Each keeps its input's
 * storage order where its layer allows, so an NCHW chain stays channels-last without copies.
 */
import { orderOf, withLast, type Value } from './builder.ts';
import type { NodeContext } from './context.ts';
import type { OnnxTensor } from './read.ts';

/** A layer over one input in the order it already has, with the same shape out. */
function unary(ctx: NodeContext, className: string, config: Record<string, unknown>): Value[] {
  const x = ctx.value(0);
  const order = orderOf(x);
  const layer = ctx.builder.add(ctx.base, className, config, [ctx.builder.arrange(x, order)]);
  return [{ name: ctx.base, dims: x.dims, order, layer: layer.name }];
}

export const reluRule = (ctx: NodeContext) => unary(ctx, 'ReLU', { max_value: null });
export const sigmoidRule = (ctx: NodeContext) => unary(ctx, 'Activation', { activation: 'sigmoid' });
export const tanhRule = (ctx: NodeContext) => unary(ctx, 'Activation', { activation: 'tanh' });
export const softplusRule = (ctx: NodeContext) => unary(ctx, 'Activation', { activation: 'softplus' });

/** Elu of alpha 1 is the activation a convolution can take as its own; another alpha, a layer of its own. */
export function eluRule(ctx: NodeContext): Value[] {
  const alpha = ctx.float('alpha', 1);
  return alpha === 1 ? unary(ctx, 'Activation', { activation: 'elu' }) : unary(ctx, 'ELU', { alpha });
}

export const leakyReluRule = (ctx: NodeContext) => unary(ctx, 'LeakyReLU', { alpha: ctx.float('alpha', 0.01) });
export const hardSigmoidRule = (ctx: NodeContext) => unary(ctx, 'HardSigmoid', { alpha: ctx.float('alpha', 0.2), beta: ctx.float('beta', 0.5) });
export const hardSwishRule = (ctx: NodeContext) => unary(ctx, 'HardSwish', {});

export function seluRule(ctx: NodeContext): Value[] {
  const alpha = ctx.float('alpha', 1.67326319217681884765625);
  const gamma = ctx.float('gamma', 1.05070102214813232421875);
  if (Math.abs(alpha - 1.6732632) > 1e-6 || Math.abs(gamma - 1.0507010) > 1e-6) ctx.refuse(`has alpha ${alpha}, gamma ${gamma}; slimprune/infer runs Selu with ONNX's default constants`);
  return unary(ctx, 'Activation', { activation: 'selu' });
}

/** The largest float32: Clip's bounds when left out. */
const FLT_MAX = 3.4028234663852886e38;

function scalar(ctx: NodeContext, t: OnnxTensor | undefined, what: string): number | undefined {
  if (!t) return undefined;
  const values = t.floats ?? t.ints;
  if (!values || values.length !== 1) ctx.refuse(`has a ${what} bound '${t.name}' that is not one number`);
  return Number(values[0]);
}

/** Clip: bounds as inputs from opset 11, as attributes before. [0, ∞) is ReLU, [0, 6] ReLU6, any other a Clip layer. */
export function clipRule(ctx: NodeContext): Value[] {
  const min = ctx.opset >= 11 ? scalar(ctx, ctx.optionalConstant(1), 'min') ?? -FLT_MAX : ctx.float('min', -FLT_MAX);
  const max = ctx.opset >= 11 ? scalar(ctx, ctx.optionalConstant(2), 'max') ?? FLT_MAX : ctx.float('max', FLT_MAX);
  if (min <= -FLT_MAX && max >= FLT_MAX) return [{ ...ctx.value(0), name: ctx.base }];
  if (min === 0 && max >= FLT_MAX) return unary(ctx, 'ReLU', { max_value: null });
  if (min === 0 && max === 6) return unary(ctx, 'ReLU', { max_value: 6 });
  if (!(min <= max)) ctx.refuse(`clips to [${min}, ${max}], an empty range`);
  return unary(ctx, 'Clip', { min, max });
}

/** Adds (or multiplies) computed tensors of one shape, each arranged in the first one's order. */
function combine(ctx: NodeContext, className: 'Add' | 'Multiply', values: readonly Value[]): Value[] {
  const first = values[0]!;
  for (const v of values) {
    if (v.dims.length !== first.dims.length || v.dims.some((d, i) => d !== first.dims[i])) {
      ctx.refuse(`combines tensors of dimensions ${values.map((x) => `[${x.dims.join(', ')}]`).join(' and ')} (the batch left out); slimprune/infer does not broadcast`);
    }
  }
  const order = orderOf(first);
  const layer = ctx.builder.add(ctx.base, className, {}, values.map((v) => ctx.builder.arrange(v, order)));
  return [{ name: ctx.base, dims: first.dims, order, layer: layer.name }];
}

const PRODUCTS = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

/**
 * x + c for a constant c, folded into the bias of the layer that computed x: only when that
 * layer is a Conv2D, DepthwiseConv2D or Dense without an activation, x is read by nothing else,
 * and c holds one value per output channel (or one for all).
 */
function foldBias(ctx: NodeContext, x: Value, c: OnnxTensor): Value[] {
  // x must be the very tensor the layer computes (not another name for its buffer, which others may read).
  const producer = x.flattenOf || ctx.builder.tensorOf(x.layer) !== x.name ? undefined : ctx.builder.layerNamed(x.layer);
  const foldable = producer && PRODUCTS.has(producer.className) && (producer.config['activation'] ?? 'linear') === 'linear' && ctx.readers(x.name) === 1;
  if (!producer || !foldable) {
    ctx.refuse(`adds the constant '${c.name}' to '${x.name}'; slimprune/infer folds a constant only into the bias of the Conv, Gemm or MatMul right before it, when nothing else reads its output`);
  }
  if (!c.floats) ctx.refuse(`adds the integer constant '${c.name}'; it must be float32`);
  // The channel axis is the one stored last; c may vary along it only (ONNX broadcasting from the right).
  const channelAxis = x.order[x.order.length - 1]!;
  const channels = x.dims[channelAxis]!;
  const full = [...x.dims];
  const cDims = c.dims.slice(-full.length - 1);
  const aligned = [...new Array<number>(full.length + 1 - cDims.length).fill(1), ...cDims];
  const perChannel = aligned.every((d, i) => d === 1 || (i === channelAxis + 1 && d === channels));
  if (!perChannel || c.dims.length > full.length + 1) {
    ctx.refuse(`adds a constant of dimensions [${c.dims.join(', ')}] to [${x.dims.join(', ')}] samples; slimprune/infer folds one value per channel (axis ${channelAxis + 1}) or one for all`);
  }
  const had = producer.config['use_bias'] === true ? ctx.builder.weights.get(`${producer.name}/bias`)!.data : new Float32Array(channels);
  const bias = Float32Array.from(had, (b, i) => b + c.floats![c.floats!.length === 1 ? 0 : i]!);
  ctx.builder.update(producer.name, { ...producer.config, use_bias: true }, { bias: { shape: [channels], data: bias } });
  return [{ ...x, name: ctx.base }];
}

function binary(className: 'Add' | 'Multiply') {
  return (ctx: NodeContext): Value[] => {
    if (ctx.inputCount !== 2) ctx.refuse(`has ${ctx.inputCount} inputs; it takes two`);
    const [p, q] = [ctx.isComputed(0), ctx.isComputed(1)];
    if (p && q) return combine(ctx, className, [ctx.value(0), ctx.value(1)]);
    if (className === 'Add' && p !== q) return foldBias(ctx, ctx.value(p ? 0 : 1), ctx.constant(p ? 1 : 0, 'addend'));
    return ctx.refuse(className === 'Add'
      ? 'adds two constants; slimprune/infer adds computed tensors, and folds a constant addend into a bias'
      : 'multiplies by a constant; slimprune/infer multiplies computed tensors of one shape only');
  };
}

export const addRule = binary('Add');
export const mulRule = binary('Multiply');

export function sumRule(ctx: NodeContext): Value[] {
  if (ctx.inputCount === 1) return [{ ...ctx.value(0), name: ctx.base }];
  return combine(ctx, 'Add', Array.from({ length: ctx.inputCount }, (_, i) => ctx.value(i)));
}

/** Normalises an axis attribute of a rank-`rank` tensor, refusing the batch axis. */
export function sampleAxis(ctx: NodeContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 1 || a >= rank) ctx.refuse(`works along axis ${axis} of a rank-${rank} tensor; slimprune/infer needs an axis other than the batch (1 to ${rank - 1})`);
  return a - 1;
}

/** Softmax along one axis (opset 13; before it, over the axes from `axis` on, which is one axis only when it is the last). */
export function softmaxRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  const rank = x.dims.length + 1;
  const axis = sampleAxis(ctx, ctx.int('axis', ctx.opset >= 13 ? -1 : 1), rank);
  if (ctx.opset < 13 && x.dims.slice(axis + 1).some((d) => d !== 1)) {
    ctx.refuse(`takes (opset ${ctx.opset}) one softmax over the axes ${axis + 1} to ${rank - 1} together; slimprune/infer takes it along one axis: write it at opset 13, or with axis ${rank - 1}`);
  }
  const order = withLast(orderOf(x), axis);
  const layer = ctx.builder.add(ctx.base, 'Softmax', { axis: -1 }, [ctx.builder.arrange(x, order)]);
  return [{ name: ctx.base, dims: x.dims, order, layer: layer.name }];
}

/** Inference-mode BatchNormalization over axis 1 (the channels), with its moving statistics. */
export function batchNormalizationRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  if (x.dims.length < 1) ctx.refuse('reads a tensor without a channel axis');
  if (ctx.int('training_mode', 0) !== 0) ctx.refuse('is in training mode; slimprune/infer runs inference (the moving statistics)');
  ctx.onlyFirstOutputs(1, 'running statistics');
  const channels = x.dims[0]!;
  const [gamma, beta, mean, variance] = (['scale', 'bias', 'mean', 'variance'] as const).map((what, i) => {
    const t = ctx.floats(i + 1, what);
    if (t.data.length !== channels) ctx.refuse(`has ${t.data.length} values of ${what} for ${channels} channels`);
    return { shape: [channels], data: t.data };
  });
  const order = withLast(orderOf(x), 0);
  const layer = ctx.builder.add(ctx.base, 'BatchNormalization', { axis: -1, epsilon: ctx.float('epsilon', 1e-5) }, [ctx.builder.arrange(x, order)], {
    gamma: gamma!, beta: beta!, moving_mean: mean!, moving_variance: variance!,
  });
  return [{ name: ctx.base, dims: x.dims, order, layer: layer.name }];
}
