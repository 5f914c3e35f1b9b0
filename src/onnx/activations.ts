/**
 * tfjs's activation functions (src/activations.ts of tfjs-layers: the names `getConfig()`
 * serializes) as ONNX nodes, each the same formula as tfjs's: hardSigmoid is Keras's
 * clip(0.2·x + 0.5, 0, 1), swish x·σ(x), gelu the exact x·Φ(x) (erf), mish x·tanh(softplus(x)),
 * selu with the constants tfjs and ONNX share. softmax and logSoftmax run over the channel axis.
 */
import { attr, type Layout, type OnnxGraphBuilder } from './graph-builder.ts';

export const ONNX_ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'logSoftmax', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'mish', 'gelu',
] as const;

export function isOnnxActivation(name: unknown): name is (typeof ONNX_ACTIVATIONS)[number] {
  return typeof name === 'string' && (ONNX_ACTIVATIONS as readonly string[]).includes(name);
}

const scalar = (g: OnnxGraphBuilder, base: string, v: number) => g.constant(base, [], Float32Array.of(v));

/**
 * Writes `activation` of `input` into `output` (both names in `layout`, of a rank-`rank` tensor).
 * 'linear' writes an Identity: callers that can write `output` directly check for it first.
 */
export function writeActivation(
  g: OnnxGraphBuilder, activation: (typeof ONNX_ACTIVATIONS)[number], input: string, output: string, layout: Layout, rank: number,
): void {
  const channelAxis = layout === 'nchw' ? 1 : rank - 1;
  const temp = (what: string) => g.unique(`${output}/${what}`);
  switch (activation) {
    case 'linear': g.node('Identity', [input], output); return;
    case 'relu': g.node('Relu', [input], output); return;
    case 'relu6': g.node('Clip', [input, scalar(g, `${output}/min`, 0), scalar(g, `${output}/max`, 6)], output); return;
    case 'sigmoid': g.node('Sigmoid', [input], output); return;
    case 'tanh': g.node('Tanh', [input], output); return;
    case 'softmax': g.node('Softmax', [input], output, { axis: attr.int(channelAxis) }); return;
    case 'logSoftmax': g.node('LogSoftmax', [input], output, { axis: attr.int(channelAxis) }); return;
    case 'elu': g.node('Elu', [input], output, { alpha: attr.float(1) }); return;
    case 'selu': g.node('Selu', [input], output); return;
    case 'softplus': g.node('Softplus', [input], output); return;
    case 'softsign': g.node('Softsign', [input], output); return;
    case 'hardSigmoid': g.node('HardSigmoid', [input], output, { alpha: attr.float(0.2), beta: attr.float(0.5) }); return;
    case 'swish': g.node('Mul', [input, g.node('Sigmoid', [input], temp('sigmoid'))], output); return;
    case 'mish': {
      const softplus = g.node('Softplus', [input], temp('softplus'));
      g.node('Mul', [input, g.node('Tanh', [softplus], temp('tanh'))], output);
      return;
    }
    case 'gelu': {
      // x · 0.5 · (1 + erf(x / √2)), in tfjs's order of operations.
      const erf = g.node('Erf', [g.node('Div', [input, scalar(g, `${output}/sqrt2`, Math.SQRT2)], temp('scaled'))], temp('erf'));
      const cdf = g.node('Mul', [scalar(g, `${output}/half`, 0.5), g.node('Add', [scalar(g, `${output}/one`, 1), erf], temp('one_plus'))], temp('cdf'));
      g.node('Mul', [input, cdf], output);
      return;
    }
  }
}
