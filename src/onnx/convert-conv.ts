/**
 * Conv2D and DepthwiseConv2D as ONNX Conv over NCHW: tfjs's HWIO kernel becomes OIHW, a depthwise
 * kernel [kh, kw, C, m] becomes C groups of m filters ([C·m, 1, kh, kw], output channel c·m + j as
 * in tfjs), 'same' padding TensorFlow's (geometry.ts), the fused activation after it.
 */
import type { ConvertContext, LayerConverter, LayerWeight } from './converter.ts';
import { attr } from './graph-builder.ts';
import { pair, windowPadding } from './geometry.ts';

function checkImageLayer(ctx: ConvertContext): void {
  const format = ctx.config['dataFormat'] ?? 'channelsLast';
  if (format !== 'channelsLast') ctx.refuse(`has dataFormat '${String(format)}'`, "exportOnnx writes tfjs's default channelsLast layers; rebuild the model with channelsLast");
  if (ctx.input.shape.length !== 4) ctx.refuse(`reads a rank-${ctx.input.shape.length} tensor`, 'give it an NHWC image batch (rank 4)');
  const padding = ctx.config['padding'];
  if (padding !== 'same' && padding !== 'valid') ctx.refuse(`has padding '${String(padding)}'`, "use 'same' or 'valid'");
}

/** OIHW from HWIO: out[o][i][y][x] = k[y][x][i][o]. */
function oihw(k: LayerWeight): { dims: number[]; data: Float32Array } {
  const [kh, kw, ci, co] = k.shape as [number, number, number, number];
  const data = new Float32Array(k.data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < co; o++) data[((o * ci + i) * kh + y) * kw + x] = k.data[((y * kw + x) * ci + i) * co + o]!;
      }
    }
  }
  return { dims: [co, ci, kh, kw], data };
}

function writeConv(ctx: ConvertContext, weights: { dims: number[]; data: Float32Array }, group: number): ReturnType<LayerConverter> {
  checkImageLayer(ctx);
  const x = ctx.graph.as(ctx.input, 'nchw');
  const kernel: [number, number] = [weights.dims[2]!, weights.dims[3]!];
  const strides = pair(ctx.config['strides'], 1);
  const dilations = pair(ctx.config['dilationRate'], 1);
  const w = ctx.graph.constant(`${ctx.base}/weight`, weights.dims, weights.data);
  const inputs = [x, w];
  if (ctx.config['useBias'] !== false) {
    const bias = ctx.weight('bias');
    if (!bias) ctx.refuse('has useBias but no bias weight', 'load its weights before exporting');
    inputs.push(ctx.graph.constant(`${ctx.base}/bias`, [bias.data.length], bias.data));
  }
  const attributes = {
    kernel_shape: attr.ints(kernel),
    strides: attr.ints(strides),
    dilations: attr.ints(dilations),
    group: attr.int(group),
    ...windowPadding(ctx.config['padding'] as string, ctx.input.shape, kernel, strides, dilations, (p, a) => ctx.refuse(p, a)),
  };
  return ctx.withActivation('nchw', ctx.activation(), (into) => void ctx.graph.node('Conv', inputs, into, attributes));
}

export const convertConv2D: LayerConverter = (ctx: ConvertContext) => {
  const kernel = ctx.weight('kernel');
  if (!kernel || kernel.shape.length !== 4) ctx.refuse('has no 4-D kernel', 'load its weights before exporting');
  return writeConv(ctx, oihw(kernel), 1);
};

export const convertDepthwiseConv2D: LayerConverter = (ctx: ConvertContext) => {
  const k = ctx.weight('depthwise_kernel');
  if (!k || k.shape.length !== 4) ctx.refuse('has no 4-D depthwise kernel', 'load its weights before exporting');
  const [dh, dw] = pair(ctx.config['dilationRate'], 1);
  if (dh !== 1 || dw !== 1) {
    // tfjs-layers 4.x's DepthwiseConv2D.call passes no dilation to the op ("TODO(cais): Add
    // support for dilation"): its outputs are an undilated conv's. Neither ONNX conv would match
    // both the config and model.predict, so refuse rather than pick one silently.
    ctx.refuse(
      `has dilationRate [${dh}, ${dw}], which tfjs-layers' DepthwiseConv2D ignores (model.predict computes it undilated)`,
      'rebuild the layer with dilationRate 1, the convolution tfjs actually runs, before exporting',
    );
  }
  const [kh, kw, c, m] = k.shape as [number, number, number, number];
  const data = new Float32Array(k.data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let ch = 0; ch < c; ch++) {
        for (let j = 0; j < m; j++) data[((ch * m + j) * kh + y) * kw + x] = k.data[((y * kw + x) * c + ch) * m + j]!;
      }
    }
  }
  return writeConv(ctx, { dims: [c * m, 1, kh, kw], data }, c);
};
