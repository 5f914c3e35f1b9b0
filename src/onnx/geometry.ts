/**
 * The window geometry of tfjs's convolutions and pooling in ONNX's attributes. TensorFlow's
 * 'same' padding makes out = ceil(in / stride) and pads total = max((out − 1)·stride + (k − 1)·d
 * + 1 − in, 0), the smaller half at the top/left and the extra pixel at the bottom/right
 * (https://www.tensorflow.org/api_docs/python/tf/nn#notes_on_padding_2). Written as explicit
 * `pads` where the spatial size is known; where it is not, as auto_pad SAME_UPPER, ONNX's name
 * for the same rule (see windowPadding).
 */
import { attr } from './graph-builder.ts';
import type { OnnxAttribute } from './model-proto.ts';

/** A tfjs size argument (a number or a pair) as [height, width]. */
export function pair(value: unknown, fallback: number): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    const [a, b] = value as number[];
    if (a !== undefined && value.length <= 2) return [a, b ?? a];
  }
  throw new Error(`exportOnnx: internal: expected a size or a pair of sizes, got ${JSON.stringify(value)}`);
}

/** TensorFlow's 'same' padding of one spatial axis: [before, after]. With stride 1 the size does not matter. */
export function samePadding(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * The padding attributes of a 2-D window over an NHWC input of shape `input`: nothing for
 * 'valid'; for 'same', `pads` [top, left, bottom, right] where they do not depend on the input's
 * size (a known size, or stride 1: then the total is (k − 1)·d whatever the size), else auto_pad
 * SAME_UPPER. onnxruntime computes SAME_UPPER without dilation only: a dilated, strided window
 * over a size unknown until run time is refused through `refuse`.
 */
export function windowPadding(
  padding: string,
  input: readonly (number | null)[],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number],
  refuse: (problem: string, advice: string) => never,
): Record<string, OnnxAttribute> {
  if (padding === 'valid') return {};
  const axes = [0, 1].map((a) => {
    const size = input[1 + a];
    if (typeof size === 'number') return samePadding(size, kernel[a]!, strides[a]!, dilations[a]!);
    if (strides[a] === 1) return samePadding(1, kernel[a]!, 1, dilations[a]!);
    return undefined;
  });
  if (axes[0] && axes[1]) return { pads: attr.ints([axes[0][0], axes[1][0], axes[0][1], axes[1][1]]) };
  if (dilations[0] !== 1 || dilations[1] !== 1) {
    refuse("is dilated and strided with 'same' padding over an input whose size is unknown", 'give the model a fixed input height and width');
  }
  return { auto_pad: attr.string('SAME_UPPER') };
}
