/**
 * Dense, BatchNormalization (inference form: moving statistics), the activation layers, Flatten,
 * ZeroPadding2D and the layers that are the identity at inference (Dropout).
 */
import { writeActivation } from './activations.ts';
import type { ConvertContext, LayerConverter } from './converter.ts';
import { attr, onnxAxis } from './graph-builder.ts';

export const convertDense: LayerConverter = (ctx: ConvertContext) => {
  const kernel = ctx.weight('kernel');
  if (!kernel || kernel.shape.length !== 2) ctx.refuse('has no 2-D kernel', 'load its weights before exporting');
  const x = ctx.graph.as(ctx.input, 'tfjs');
  const w = ctx.graph.constant(`${ctx.base}/kernel`, kernel.shape, kernel.data);
  const bias = ctx.config['useBias'] === false ? undefined : ctx.weight('bias');
  if (ctx.config['useBias'] !== false && !bias) ctx.refuse('has useBias but no bias weight', 'load its weights before exporting');
  const b = bias && ctx.graph.constant(`${ctx.base}/bias`, [bias.data.length], bias.data);
  return ctx.withActivation('tfjs', ctx.activation(), (into) => {
    // tfjs's Dense multiplies the last axis; Gemm takes exactly rank 2, MatMul broadcasts the rest.
    if (ctx.input.shape.length === 2) ctx.graph.node('Gemm', b ? [x, w, b] : [x, w], into);
    else if (!b) ctx.graph.node('MatMul', [x, w], into);
    else ctx.graph.node('Add', [ctx.graph.node('MatMul', [x, w], ctx.temp('matmul')), b], into);
  });
};

export const convertBatchNormalization: LayerConverter = (ctx: ConvertContext) => {
  const rank = ctx.input.shape.length;
  const axis = ctx.config['axis'];
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  if (a !== -1 && a !== rank - 1) ctx.refuse(`normalizes axis ${JSON.stringify(axis)}`, 'exportOnnx writes BatchNormalization over the channel (last) axis only');
  if (rank !== 4 && rank !== 2) ctx.refuse(`reads a rank-${rank} tensor`, 'exportOnnx writes BatchNormalization of image batches (rank 4) and of features (rank 2)');
  const mean = ctx.weight('moving_mean');
  const variance = ctx.weight('moving_variance');
  if (!mean || !variance) ctx.refuse('has no moving statistics', 'load its weights before exporting');
  const channels = mean.data.length;
  const gamma = ctx.weight('gamma')?.data ?? new Float32Array(channels).fill(1);
  const beta = ctx.weight('beta')?.data ?? new Float32Array(channels);
  const layout = rank === 4 ? 'nchw' : 'tfjs';
  const x = ctx.graph.as(ctx.input, layout);
  const out = ctx.output(layout);
  const constant = (what: string, data: Float32Array) => ctx.graph.constant(`${ctx.base}/${what}`, [channels], data);
  ctx.graph.node(
    'BatchNormalization',
    [x, constant('gamma', gamma), constant('beta', beta), constant('moving_mean', mean.data), constant('moving_variance', variance.data)],
    out.name,
    { epsilon: attr.float((ctx.config['epsilon'] as number | undefined) ?? 1e-3) },
  );
  return out.value;
};

/** An activation layer: in whichever layout its input already has. */
function activationLayer(write: (ctx: ConvertContext, x: string, into: string, layout: 'tfjs' | 'nchw') => void): LayerConverter {
  return (ctx: ConvertContext) => {
    const layout = ctx.graph.commonLayout([ctx.input]);
    const out = ctx.output(layout);
    write(ctx, ctx.graph.as(ctx.input, layout), out.name, layout);
    return out.value;
  };
}

export const convertActivation = activationLayer((ctx, x, into, layout) => {
  writeActivation(ctx.graph, ctx.activation(), x, into, layout, ctx.input.shape.length);
});

export const convertReLU = activationLayer((ctx, x, into) => {
  const max = ctx.config['maxValue'];
  if (max === null || max === undefined) ctx.graph.node('Relu', [x], into);
  else ctx.graph.node('Clip', [x, ctx.graph.constant(`${ctx.base}/min`, [], Float32Array.of(0)), ctx.graph.constant(`${ctx.base}/max`, [], Float32Array.of(max as number))], into);
});

export const convertLeakyReLU = activationLayer((ctx, x, into) => {
  ctx.graph.node('LeakyRelu', [x], into, { alpha: attr.float((ctx.config['alpha'] as number | undefined) ?? 0.3) });
});

export const convertELU = activationLayer((ctx, x, into) => {
  ctx.graph.node('Elu', [x], into, { alpha: attr.float((ctx.config['alpha'] as number | undefined) ?? 1) });
});

export const convertSoftmax = activationLayer((ctx, x, into, layout) => {
  const axis = ctx.config['axis'] ?? -1;
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  if (typeof a !== 'number') ctx.refuse(`takes the softmax over axes ${JSON.stringify(axis)}`, 'exportOnnx writes a softmax over one axis');
  ctx.graph.node('Softmax', [x], into, { axis: attr.int(onnxAxis(a, ctx.input.shape.length, layout)) });
});

/** tfjs's Flatten keeps its input's order (NHWC for images): flatten in tfjs's layout. */
export const convertFlatten: LayerConverter = (ctx: ConvertContext) => {
  const x = ctx.graph.as(ctx.input, 'tfjs');
  const out = ctx.output('tfjs');
  ctx.graph.node('Flatten', [x], out.name, { axis: attr.int(1) });
  return out.value;
};

export const convertZeroPadding2D: LayerConverter = (ctx: ConvertContext) => {
  const format = ctx.config['dataFormat'] ?? 'channelsLast';
  if (format !== 'channelsLast' || ctx.input.shape.length !== 4) ctx.refuse('is not a channelsLast padding of an image batch', 'pad NHWC images (rank 4)');
  const [[top, bottom], [left, right]] = ctx.config['padding'] as [[number, number], [number, number]];
  const pads = ctx.graph.constant(`${ctx.base}/pads`, [8], BigInt64Array.from([0, 0, top, left, 0, 0, bottom, right], BigInt));
  const out = ctx.output('nchw');
  ctx.graph.node('Pad', [ctx.graph.as(ctx.input, 'nchw'), pads], out.name, { mode: attr.string('constant') });
  return out.value;
};

/** Layers that pass their input through at inference. */
export const convertIdentity: LayerConverter = (ctx: ConvertContext) => ctx.input;
