/**
 * The merge layers: Add, Multiply, Average, Maximum, Minimum (elementwise, broadcasting as tfjs
 * does between equal ranks) and Concatenate (its tfjs axis mapped to the layout the inputs are
 * joined in). Inputs are combined in the layout they already share, so a residual Add of two
 * convolutions' outputs stays in NCHW.
 */
import type { ConvertContext, LayerConverter } from './converter.ts';
import { attr, onnxAxis } from './graph-builder.ts';

function checkInputs(ctx: ConvertContext): void {
  if (ctx.inputs.length < 2) ctx.refuse(`merges ${ctx.inputs.length} input`, 'call it on two or more tensors');
  const ranks = new Set(ctx.inputs.map((v) => v.shape.length));
  if (ranks.size !== 1) ctx.refuse(`merges tensors of ranks ${[...ranks].join(', ')}`, 'exportOnnx merges tensors of one rank; reshape them to the same rank first');
}

/** Folds the inputs left to right with a binary op (tfjs adds in this order too), then `finish`. */
function elementwise(opType: 'Add' | 'Mul' | 'Max' | 'Min', average = false): LayerConverter {
  return (ctx: ConvertContext) => {
    checkInputs(ctx);
    const layout = ctx.graph.commonLayout(ctx.inputs);
    const names = ctx.inputs.map((v) => ctx.graph.as(v, layout));
    const out = ctx.output(layout);
    let acc = names[0]!;
    for (let i = 1; i < names.length; i++) {
      const last = i === names.length - 1 && !average;
      acc = ctx.graph.node(opType, [acc, names[i]!], last ? out.name : ctx.temp(`${opType.toLowerCase()}${i}`));
    }
    if (average) ctx.graph.node('Mul', [ctx.graph.constant(`${ctx.base}/one_over_n`, [], Float32Array.of(1 / names.length)), acc], out.name);
    return out.value;
  };
}

export const convertAdd = elementwise('Add');
export const convertMultiply = elementwise('Mul');
export const convertMaximum = elementwise('Max');
export const convertMinimum = elementwise('Min');
export const convertAverage = elementwise('Add', true);

export const convertConcatenate: LayerConverter = (ctx: ConvertContext) => {
  checkInputs(ctx);
  const axis = (ctx.config['axis'] as number | undefined) ?? -1;
  const rank = ctx.inputs[0]!.shape.length;
  const layout = ctx.graph.commonLayout(ctx.inputs);
  const out = ctx.output(layout);
  ctx.graph.node('Concat', ctx.inputs.map((v) => ctx.graph.as(v, layout)), out.name, { axis: attr.int(onnxAxis(axis, rank, layout)) });
  return out.value;
};
