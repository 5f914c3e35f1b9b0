/** Inference latency (METHOD.md §9): the median of repeated forward passes after warm-up. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * How a forward pass is called. 'execute' (the default) times the network alone:
 * `LayersModel.execute` on the whole batch. 'predict' times `model.predict`, which adds a fixed
 * cost per call that no pruning can remove: tfjs-layers slices every input into batches, and
 * tfjs-backend-wasm's Slice first reads the whole input tensor out of its heap into a fresh
 * JavaScript array (0.5–0.7 ms for LeNet's batch of 64 here, as long as the pruned LeNet's
 * second convolution; bench/latency.mjs measures both).
 */
export type LatencyCall = 'execute' | 'predict';

export interface LatencyOptions {
  readonly reps?: number;
  readonly warmup?: number;
  readonly call?: LatencyCall;
}

/** The median wall time in ms of one forward pass of a batch of `batch` zero images. */
export async function latencyMs(model: tfl.LayersModel, batch: number, options: LatencyOptions = {}): Promise<number> {
  if (options === null || typeof options !== 'object') throw new TypeError(`latencyMs: options must be an object { reps, warmup, call }, got ${String(options)}`);
  const { reps = 15, warmup = 3, call = 'execute' } = options;
  if (call !== 'execute' && call !== 'predict') throw new Error(`latencyMs: call must be 'execute' or 'predict', got '${String(call)}'`);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`latencyMs: reps must be a whole number >= 1, got ${reps}`);
  const shape = [batch, ...(model.inputs[0]!.shape.slice(1) as number[])];
  const x = tf.zeros(shape);
  const outputs = model.outputs.map((o) => o.name);
  const forward = (): tf.Tensor[] => {
    // One call for the whole batch: predict would otherwise split it into batches of 32 and concatenate.
    const y = call === 'predict' ? model.predict(x, { batchSize: batch }) : model.execute(x, outputs);
    return Array.isArray(y) ? y : [y];
  };
  const once = () => {
    const ys = forward();
    for (const y of ys) y.dataSync();
    tf.dispose(ys);
  };
  for (let i = 0; i < warmup; i++) once();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    once();
    times.push(performance.now() - t0);
  }
  x.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
