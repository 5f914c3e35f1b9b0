/** Inference latency (METHOD.md §9): the median of repeated predictions after warm-up. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export async function latencyMs(model: tfl.LayersModel, batch: number, reps = 15, warmup = 3): Promise<number> {
  const shape = [batch, ...(model.inputs[0]!.shape.slice(1) as number[])];
  const x = tf.zeros(shape);
  const once = () => {
    // One call for the whole batch: predict would otherwise split it into batches of 32 and concatenate.
    const y = model.predict(x, { batchSize: batch }) as tf.Tensor;
    y.dataSync();
    y.dispose();
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
