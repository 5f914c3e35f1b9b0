/**
 * The ONNX nodes that slide a window over an NCHW image: Conv (one group, or one group per
 * channel: depthwise), MaxPool, AveragePool, Pad (the zeros a window reads), and the global poolings (GlobalAveragePool,
 * GlobalMaxPool, and ReduceMean over the spatial axes, which some exporters write for it). They
 * run on slimprune/infer's NHWC layers: the input is arranged with its channels last (a no-op
 * after our exporter's leading Transpose), the OIHW weight becomes HWIO, ONNX's pads become
 * explicit [[top, bottom], [left, right]] padding.
 */
import type { Value } from './builder.ts';
import type { NodeContext } from './context.ts';

/** An NCHW tensor's axes (the batch left out: C, H, W) in NHWC storage order. */
export const CHANNELS_LAST = [1, 2, 0] as const;

type Pair = [number, number];

function image(ctx: NodeContext, v: Value): [number, number, number] {
  if (v.dims.length !== 3) ctx.refuse(`reads a rank-${v.dims.length + 1} tensor; slimprune/infer runs 2-D windows over NCHW images (rank 4)`);
  return v.dims as [number, number, number];
}

function pairAttribute(ctx: NodeContext, name: string, fallback: number, least: number): Pair {
  const v = ctx.ints(name) ?? [fallback, fallback];
  if (v.length !== 2 || v.some((x) => x < least)) ctx.refuse(`has ${name} [${v.join(', ')}]; slimprune/infer takes two values of at least ${least} (a 2-D window)`);
  return [v[0]!, v[1]!];
}

/** The padding of a window, from auto_pad or pads: [[top, bottom], [left, right]]. */
function windowPads(ctx: NodeContext, size: Pair, kernel: Pair, strides: Pair, dilations: Pair): [Pair, Pair] {
  const autoPad = ctx.string('auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return [[0, 0], [0, 0]];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    // out = ceil(in / stride), the odd pixel of padding after (UPPER, TensorFlow's 'same') or before (LOWER).
    const axis = (a: 0 | 1): Pair => {
      const out = Math.ceil(size[a] / strides[a]);
      const total = Math.max((out - 1) * strides[a] + (kernel[a] - 1) * dilations[a] + 1 - size[a], 0);
      const small = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    };
    return [axis(0), axis(1)];
  }
  if (autoPad !== 'NOTSET') ctx.refuse(`has auto_pad '${autoPad}'; ONNX defines NOTSET, SAME_UPPER, SAME_LOWER and VALID`);
  const pads = ctx.ints('pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4 || pads.some((p) => p < 0)) ctx.refuse(`has pads [${pads.join(', ')}]; a 2-D window takes four non-negative pads (top, left, bottom, right)`);
  return [[pads[0]!, pads[2]!], [pads[1]!, pads[3]!]];
}

const outputSize = (size: number, pads: Pair, kernel: number, stride: number, dilation: number, ceil: boolean) => {
  const span = size + pads[0] + pads[1] - ((kernel - 1) * dilation + 1);
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
};

function output(ctx: NodeContext, layer: { name: string; shape: readonly number[] }): Value {
  const [h, w, c] = layer.shape as [number, number, number];
  return { name: ctx.base, dims: [c, h, w], order: CHANNELS_LAST, layer: layer.name };
}

export function convRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  const [c, h, w] = image(ctx, x);
  const weight = ctx.floats(1, 'weight');
  if (weight.dims.length !== 4) ctx.refuse(`has a weight of dimensions [${weight.dims.join(', ')}]; a 2-D convolution's is [out, in / group, kh, kw]`);
  const [o, perGroup, kh, kw] = weight.dims as [number, number, number, number];
  const given = ctx.ints('kernel_shape');
  if (given && (given.length !== 2 || given[0] !== kh || given[1] !== kw)) ctx.refuse(`has kernel_shape [${given.join(', ')}] but a ${kh}×${kw} weight`);
  const strides = pairAttribute(ctx, 'strides', 1, 1);
  const dilations = pairAttribute(ctx, 'dilations', 1, 1);
  const padding = windowPads(ctx, [h, w], [kh, kw], strides, dilations);
  const group = ctx.int('group', 1);
  const bias = ctx.optionalConstant(2) && ctx.floats(2, 'bias');
  if (bias && bias.data.length !== o) ctx.refuse(`has ${bias.data.length} biases for ${o} output channels`);
  const outH = outputSize(h, padding[0], kh, strides[0], dilations[0], false);
  const outW = outputSize(w, padding[1], kw, strides[1], dilations[1], false);
  const input = ctx.builder.arrange(x, CHANNELS_LAST);
  const config = { strides, dilation_rate: dilations, padding, use_bias: bias !== undefined, activation: 'linear' };
  const biasWeight = bias && { bias: { shape: [o], data: bias.data } };

  if (group === 1) {
    if (perGroup !== c) ctx.refuse(`has a weight for ${perGroup} input channels, but its input has ${c}`);
    ctx.checkWork(outH * outW * o * kh * kw * c);
    // HWIO from OIHW: kernel[y][x][i][o] = weight[o][i][y][x].
    const kernel = new Float32Array(weight.data.length);
    for (let oc = 0; oc < o; oc++) {
      for (let i = 0; i < c; i++) {
        for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) kernel[((y * kw + xx) * c + i) * o + oc] = weight.data[((oc * c + i) * kh + y) * kw + xx]!;
      }
    }
    return [output(ctx, ctx.builder.add(ctx.base, 'Conv2D', config, [input], { kernel: { shape: [kh, kw, c, o], data: kernel }, ...biasWeight }))];
  }
  if (group === c && perGroup === 1 && o % c === 0) {
    if (dilations[0] !== 1 || dilations[1] !== 1) ctx.refuse(`is a dilated depthwise convolution (dilations [${dilations.join(', ')}]); slimprune/infer runs depthwise convolutions undilated only`);
    const m = o / c;
    ctx.checkWork(outH * outW * o * kh * kw);
    // [kh, kw, C, m] from [C·m, 1, kh, kw]: output channel c·m + j is input channel c's j-th filter, in both.
    const kernel = new Float32Array(weight.data.length);
    for (let ch = 0; ch < c; ch++) {
      for (let j = 0; j < m; j++) {
        for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) kernel[((y * kw + xx) * c + ch) * m + j] = weight.data[((ch * m + j) * kh + y) * kw + xx]!;
      }
    }
    return [output(ctx, ctx.builder.add(ctx.base, 'DepthwiseConv2D', config, [input], { depthwise_kernel: { shape: [kh, kw, c, m], data: kernel }, ...biasWeight }))];
  }
  return ctx.refuse(`has group ${group} over ${c} input channels; slimprune/infer runs convolutions of one group and depthwise ones (group = input channels, one input channel per filter)`);
}

function windowPoolRule(kind: 'max' | 'average') {
  return (ctx: NodeContext): Value[] => {
    const x = ctx.value(0);
    const [c, h, w] = image(ctx, x);
    const kernelShape = ctx.ints('kernel_shape');
    if (!kernelShape) ctx.refuse('has no kernel_shape');
    const kernel = pairAttribute(ctx, 'kernel_shape', 1, 1);
    const strides = pairAttribute(ctx, 'strides', 1, 1);
    const dilations = pairAttribute(ctx, 'dilations', 1, 1);
    if (dilations[0] !== 1 || dilations[1] !== 1) ctx.refuse(`has dilations [${dilations.join(', ')}]; slimprune/infer pools undilated windows`);
    const padding = windowPads(ctx, [h, w], kernel, strides, dilations);
    // onnxruntime's rule too: a pad as large as the window would give windows of padding alone.
    if (padding.some((p, a) => p[0] >= kernel[a]! || p[1] >= kernel[a]!)) ctx.refuse(`has pads [${padding.flat().join(', ')}] as large as its ${kernel.join('×')} window; each pad must be smaller`);
    if (kind === 'average' && ctx.int('count_include_pad', 0) !== 0 && padding.flat().some((p) => p > 0)) {
      ctx.refuse('counts the padding in its averages (count_include_pad = 1); slimprune/infer averages the pixels inside the image only, as TensorFlow does');
    }
    if (ctx.int('ceil_mode', 0) !== 0) {
      const differs = [0, 1].some((a) => outputSize([h, w][a]!, padding[a]!, kernel[a]!, strides[a]!, 1, true) !== outputSize([h, w][a]!, padding[a]!, kernel[a]!, strides[a]!, 1, false));
      if (differs) ctx.refuse('rounds its output size up (ceil_mode = 1), which adds a window here; slimprune/infer rounds down');
    }
    if (kind === 'max') ctx.onlyFirstOutputs(1, 'Indices');
    const outH = outputSize(h, padding[0], kernel[0], strides[0], 1, false);
    const outW = outputSize(w, padding[1], kernel[1], strides[1], 1, false);
    ctx.checkWork(outH * outW * c * kernel[0] * kernel[1]);
    const input = ctx.builder.arrange(x, CHANNELS_LAST);
    const className = kind === 'max' ? 'MaxPooling2D' : 'AveragePooling2D';
    return [output(ctx, ctx.builder.add(ctx.base, className, { pool_size: kernel, strides, padding }, [input]))];
  };
}

export const maxPoolRule = windowPoolRule('max');
export const averagePoolRule = windowPoolRule('average');

/** A global pooling: [C, 1, 1] (ONNX keeps the spatial axes) or [C], held as the layer's [C]. */
function globalPool(ctx: NodeContext, kind: 'max' | 'average', keepDims: boolean): Value[] {
  const x = ctx.value(0);
  const [c] = image(ctx, x);
  const input = ctx.builder.arrange(x, CHANNELS_LAST);
  const layer = ctx.builder.add(ctx.base, kind === 'max' ? 'GlobalMaxPooling2D' : 'GlobalAveragePooling2D', {}, [input]);
  return [keepDims ? { name: ctx.base, dims: [c, 1, 1], order: CHANNELS_LAST, layer: layer.name } : { name: ctx.base, dims: [c], order: [0], layer: layer.name }];
}

export const globalAveragePoolRule = (ctx: NodeContext): Value[] => globalPool(ctx, 'average', true);
export const globalMaxPoolRule = (ctx: NodeContext): Value[] => globalPool(ctx, 'max', true);

/** ReduceMean over H and W of an NCHW image (axes an attribute before opset 18, an input from 18). */
export function reduceMeanRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  const rank = x.dims.length + 1;
  const axes = ctx.opset >= 18 ? ctx.optionalConstant(1)?.ints : ctx.ints('axes');
  const spatial = axes !== undefined && axes.length === 2 && [...axes].map((a) => (a < 0 ? a + rank : a)).sort().join(',') === '2,3';
  if (rank !== 4 || !spatial) {
    ctx.refuse(`averages over axes ${axes ? `[${axes.join(', ')}]` : '(all)'} of a rank-${rank} tensor; slimprune/infer runs ReduceMean over the spatial axes [2, 3] of an NCHW image (a global average pooling)`);
  }
  return globalPool(ctx, 'average', ctx.int('keepdims', 1) !== 0);
}

/**
 * Pad of an NCHW image with zeros around H and W (constant mode, value 0): a ZeroPadding2D.
 * Pads are an input from opset 11 (an attribute before), [begin per axis…, end per axis…], over
 * every axis, or over the `axes` input from opset 18.
 */
export function padRule(ctx: NodeContext): Value[] {
  const x = ctx.value(0);
  const [c, h, w] = image(ctx, x);
  const mode = ctx.string('mode', 'constant');
  if (mode !== 'constant') ctx.refuse(`pads in mode '${mode}'; slimprune/infer pads with zeros (mode 'constant')`);
  const given = ctx.opset >= 11 ? ctx.constant(1, 'pads').ints : ctx.ints('pads');
  if (!given) ctx.refuse('has pads that are not integers');
  const value = ctx.opset >= 11 ? ctx.optionalConstant(2) : undefined;
  const fill = value ? Number((value.floats ?? value.ints ?? [NaN])[0]) : ctx.opset >= 11 ? 0 : ctx.float('value', 0);
  if (fill !== 0 || (value && (value.floats ?? value.ints ?? []).length !== 1)) ctx.refuse(`pads with the value ${fill}; slimprune/infer pads with zeros`);
  const axesInput = ctx.opset >= 18 ? ctx.optionalConstant(3) : undefined;
  const axes = axesInput ? (axesInput.ints ?? []).map((a) => (a < 0 ? a + 4 : a)) : [0, 1, 2, 3];
  if (given.length !== 2 * axes.length || axes.some((a) => a < 0 || a > 3)) ctx.refuse(`has ${given.length} pads for axes [${axes.join(', ')}] of a rank-4 tensor`);
  const perAxis = [[0, 0], [0, 0], [0, 0], [0, 0]];
  axes.forEach((a, i) => (perAxis[a] = [given[i]!, given[i + axes.length]!]));
  const [[nb, ne], [cb, ce], [top, bottom], [left, right]] = perAxis as [[number, number], [number, number], [number, number], [number, number]];
  if (nb !== 0 || ne !== 0 || cb !== 0 || ce !== 0 || [top, bottom, left, right].some((p) => p < 0)) {
    ctx.refuse(`has pads [${given.join(', ')}]; slimprune/infer pads height and width only, by non-negative amounts`);
  }
  ctx.checkWork((h + top + bottom) * (w + left + right) * c);
  const input = ctx.builder.arrange(x, CHANNELS_LAST);
  return [output(ctx, ctx.builder.add(ctx.base, 'ZeroPadding2D', { padding: [[top, bottom], [left, right]] }, [input]))];
}
