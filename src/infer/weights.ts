/**
 * A model's weights from the bytes its manifest describes: float32 only, each weight's size
 * checked against the bytes before anything is copied, so a hostile manifest (huge shapes, too
 * few bytes) is refused with a message and no large allocation.
 */
import type { ModelJsonFile } from './model-json.ts';

export interface Weight {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The weights by name ('conv1/kernel'), read from the concatenation of the manifest's files in order. */
export function decodeWeights(file: ModelJsonFile, bytes: Uint8Array): Map<string, Weight> {
  const weights = new Map<string, Weight>();
  let offset = 0;
  for (const group of file.weightsManifest) {
    for (const spec of group.weights) {
      if ((spec.dtype ?? 'float32') !== 'float32') {
        throw new Error(`slimprune/infer: weight ${spec.name} is ${spec.dtype}; only float32 weights are supported (save the model unquantized)`);
      }
      if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new Error(`slimprune/infer: weight ${spec.name} has shape ${JSON.stringify(spec.shape)}, not a list of sizes`);
      }
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const end = offset + 4 * count;
      if (end > bytes.byteLength) {
        throw new Error(
          `slimprune/infer: weight ${spec.name} [${spec.shape.join(', ')}] needs bytes ${offset}–${end}, but the weight files hold ${bytes.byteLength}; ` +
            'the weights do not belong to this model.json',
        );
      }
      // A copy: the caller's buffer may be unaligned or reused.
      const data = new Float32Array(count);
      new Uint8Array(data.buffer).set(bytes.subarray(offset, end));
      weights.set(spec.name, { shape: spec.shape, data });
      offset = end;
    }
  }
  if (offset !== bytes.byteLength) {
    throw new Error(`slimprune/infer: the weight files hold ${bytes.byteLength} bytes, the manifest describes ${offset}; the weights do not belong to this model.json`);
  }
  return weights;
}
