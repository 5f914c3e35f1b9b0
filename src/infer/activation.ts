/**
 * The activations a layer may apply after its product, as tfjs-layers computes them (NHWC: the
 * channel axis is the last). ReLU after a convolution or dense layer is fused into the kernel
 * instead; these run over the output in place.
 */
export type Activation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'selu' | 'softplus';

const KNOWN: readonly string[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus'];

export function activationOf(value: unknown, layer: string): Activation {
  const name = value === undefined || value === null ? 'linear' : String(value);
  if (!KNOWN.includes(name)) {
    throw new Error(`slimprune/infer: layer ${layer} uses the activation '${name}'; supported: ${KNOWN.join(', ')}`);
  }
  return name as Activation;
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Applies `activation` to y in place; `channels` is the last axis (softmax's). */
export function applyActivation(activation: Activation, y: Float32Array, channels: number): void {
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = 0;
      return;
    case 'relu6':
      for (let i = 0; i < y.length; i++) y[i] = Math.min(6, Math.max(0, y[i]!));
      return;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) y[i] = 1 / (1 + Math.exp(-y[i]!));
      return;
    case 'tanh':
      for (let i = 0; i < y.length; i++) y[i] = Math.tanh(y[i]!);
      return;
    case 'elu':
      for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = Math.expm1(y[i]!);
      return;
    case 'selu':
      for (let i = 0; i < y.length; i++) y[i] = SELU_SCALE * (y[i]! > 0 ? y[i]! : SELU_ALPHA * Math.expm1(y[i]!));
      return;
    case 'softplus':
      for (let i = 0; i < y.length; i++) y[i] = Math.log1p(Math.exp(y[i]!));
      return;
    case 'softmax':
      for (let row = 0; row < y.length; row += channels) {
        let max = -Infinity;
        for (let c = 0; c < channels; c++) max = Math.max(max, y[row + c]!);
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += y[row + c] = Math.exp(y[row + c]! - max);
        for (let c = 0; c < channels; c++) y[row + c] = y[row + c]! / sum;
      }
      return;
  }
}
