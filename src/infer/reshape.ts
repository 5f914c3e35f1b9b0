/**
 * The layers that rearrange a sample without computing: Flatten and Reshape (a tensor is its
 * values in row-major order, so both only rename their input's buffer: NHWC row-major is already
 * tfjs's flatten order), Dropout (the identity at inference) and Permute (a transpose of the
 * sample's axes, which moves values: one copy).
 */
import { size, view, type OpBuilder } from './op.ts';

const aliasOf = (outShape: readonly number[]) => ({ outShape, alias: true, place: () => () => undefined });

export const flattenOp: OpBuilder = (_layer, [inShape]) => aliasOf([size(inShape!)]);
export const dropoutOp: OpBuilder = (_layer, [inShape]) => aliasOf(inShape!);

/** Keras's Reshape: `target_shape` without the batch, one entry of which may be -1 (the rest). */
export const reshapeOp: OpBuilder = (layer, [inShape]) => {
  const target = layer.config['target_shape'];
  const n = size(inShape!);
  const fail = (why: string): never => {
    throw new Error(`slimprune/infer: layer ${layer.name} reshapes [${inShape!.join(', ')}] to ${JSON.stringify(target)}: ${why}`);
  };
  if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && (d > 0 || d === -1))) fail('the target shape must be positive sizes and at most one -1');
  const dims = target as number[];
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1) fail('the target shape has more than one -1');
  const known = dims.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (unknown === 1 ? n % known !== 0 : known !== n) fail(`${n} values do not fill it`);
  return aliasOf(dims.map((d) => (d === -1 ? n / known : d)));
};

/** Keras's Permute: output axis k is input axis dims[k] (numbered from 1, the batch not counted). */
export const permuteOp: OpBuilder = (layer, [inShape]) => {
  const shape = inShape!;
  const dims = layer.config['dims'];
  const rank = shape.length;
  const isPermutation = Array.isArray(dims) && dims.length === rank && [...dims].sort((a, b) => a - b).every((d, i) => d === i + 1);
  if (!isPermutation) {
    throw new Error(`slimprune/infer: layer ${layer.name} permutes by ${JSON.stringify(dims)}, which is not an order of the axes 1…${rank} of its [${shape.join(', ')}] input`);
  }
  const from = (dims as number[]).map((d) => d - 1);
  const outShape = from.map((a) => shape[a]!);
  // The input's stride of each output axis: stepping output axis k steps input axis from[k].
  const inStrides = shape.map((_, a) => size(shape.slice(a + 1)));
  const steps = from.map((a) => inStrides[a]!);
  const n = size(shape);
  return {
    outShape,
    place(p) {
      const x = p.inputs[0]!.ptr;
      const total = p.batch * n;
      return () => {
        const xs = view(p.k, x, total);
        const ys = view(p.k, p.output, total);
        const index = new Array<number>(rank).fill(0);
        for (let b = 0; b < p.batch; b++) {
          const base = b * n;
          let at = 0;
          for (let i = 0; i < n; i++) {
            ys[base + i] = xs[base + at]!;
            // The next output index, row-major (an odometer over outShape), and its input offset.
            for (let k = rank - 1; k >= 0; k--) {
              at += steps[k]!;
              if (++index[k]! < outShape[k]!) break;
              at -= steps[k]! * outShape[k]!;
              index[k] = 0;
            }
          }
        }
      };
    },
  };
};
