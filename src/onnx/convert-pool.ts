/**
 * Pooling over NCHW. MaxPool's padded cells never win and AveragePool counts only the cells inside
 * the image (count_include_pad = 0), as TensorFlow's 'same' pooling does. The global poolings
 * give tfjs's [N, C] (no kept dimensions): GlobalAveragePool / GlobalMaxPool, then Flatten.
 */
import type { ConvertContext, LayerConverter } from './converter.ts';
import { attr } from './graph-builder.ts';
import { pair, windowPadding } from './geometry.ts';

function checkImageInput(ctx: ConvertContext): void {
  const format = ctx.config['dataFormat'] ?? 'channelsLast';
  if (format !== 'channelsLast') ctx.refuse(`has dataFormat '${String(format)}'`, "exportOnnx writes tfjs's default channelsLast layers; rebuild the model with channelsLast");
  if (ctx.input.shape.length !== 4) ctx.refuse(`reads a rank-${ctx.input.shape.length} tensor`, 'give it an NHWC image batch (rank 4)');
}

function windowPool(opType: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (ctx: ConvertContext) => {
    checkImageInput(ctx);
    const padding = ctx.config['padding'] ?? 'valid';
    if (padding !== 'same' && padding !== 'valid') ctx.refuse(`has padding '${String(padding)}'`, "use 'same' or 'valid'");
    const kernel = pair(ctx.config['poolSize'], 2);
    const strides = pair(ctx.config['strides'] ?? ctx.config['poolSize'], 2);
    const x = ctx.graph.as(ctx.input, 'nchw');
    const out = ctx.output('nchw');
    ctx.graph.node(opType, [x], out.name, {
      kernel_shape: attr.ints(kernel),
      strides: attr.ints(strides),
      ...windowPadding(padding, ctx.input.shape, kernel, strides, [1, 1], (p, a) => ctx.refuse(p, a)),
      ...(opType === 'AveragePool' && { count_include_pad: attr.int(0) }),
    });
    return out.value;
  };
}

function globalPool(opType: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerConverter {
  return (ctx: ConvertContext) => {
    checkImageInput(ctx);
    if (ctx.config['keepDims'] === true) ctx.refuse('keeps its pooled dimensions (keepDims)', 'export it without keepDims');
    const pooled = ctx.graph.node(opType, [ctx.graph.as(ctx.input, 'nchw')], ctx.temp('pooled'));
    const out = ctx.output('tfjs');
    ctx.graph.node('Flatten', [pooled], out.name, { axis: attr.int(1) });
    return out.value;
  };
}

export const convertMaxPooling2D = windowPool('MaxPool');
export const convertAveragePooling2D = windowPool('AveragePool');
export const convertGlobalAveragePooling2D = globalPool('GlobalAveragePool');
export const convertGlobalMaxPooling2D = globalPool('GlobalMaxPool');
