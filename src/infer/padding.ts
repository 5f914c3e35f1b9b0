/**
 * ZeroPadding2D: zeros around each image (NHWC), as Keras's layer and ONNX's Pad in constant
 * mode with value 0 give them (PyTorch's ZeroPad2d, or an F.pad before a convolution). One copy
 * into the larger buffer; where a convolution alone reads it, the padding becomes the
 * convolution's own and the copy is not made (fusion.ts).
 */
import { size, view, type OpBuilder } from './op.ts';

export type Sides = [[number, number], [number, number]];

/** Keras's forms: n (every side), [rows, columns] (both sides of each), [[top, bottom], [left, right]]. */
export function paddingSides(value: unknown, layer: string): Sides {
  const ok = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
  if (ok(value)) return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2 && value.every(ok)) {
    const [rows, columns] = value as [number, number];
    return [[rows, rows], [columns, columns]];
  }
  if (Array.isArray(value) && value.length === 2 && value.every((p) => Array.isArray(p) && p.length === 2 && p.every(ok))) return value as Sides;
  throw new Error(`slimprune/infer: layer ${layer} has padding ${JSON.stringify(value)}; n, [rows, columns] or [[top, bottom], [left, right]] of non-negative integers is supported`);
}

export const zeroPadding2dOp: OpBuilder = (layer, [inShape]) => {
  if (inShape!.length !== 3) throw new Error(`slimprune/infer: layer ${layer.name} pads a tensor of shape [${inShape!.join(', ')}]; ZeroPadding2D pads images [height, width, channels]`);
  if ((layer.config['data_format'] ?? 'channels_last') !== 'channels_last') throw new Error(`slimprune/infer: layer ${layer.name} is channels_first; slimprune/infer runs channels_last models`);
  const [[top, bottom], [left, right]] = paddingSides(layer.config['padding'] ?? 1, layer.name);
  const [h, w, c] = inShape as [number, number, number];
  const outShape = [h + top + bottom, w + left + right, c];
  return {
    outShape,
    place(p) {
      const inSize = size(inShape!);
      const outSize = size(outShape);
      const x = p.inputs[0]!.ptr;
      const row = w * c;
      const outRow = outShape[1]! * c;
      return () => {
        const xs = view(p.k, x, p.batch * inSize);
        const ys = view(p.k, p.output, p.batch * outSize);
        ys.fill(0);
        for (let b = 0; b < p.batch; b++) {
          for (let y = 0; y < h; y++) {
            const from = b * inSize + y * row;
            ys.set(xs.subarray(from, from + row), b * outSize + (y + top) * outRow + left * c);
          }
        }
      };
    },
  };
};
