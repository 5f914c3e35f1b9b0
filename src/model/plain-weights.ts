/**
 * A model's weights as plain data (shapes and Float32Arrays), in model.getWeights() order: what
 * crosses the worker boundary and what the network cache stores, so no tfjs object does.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { startingModel, type StartingNetwork } from './initial.ts';

export type PlainWeights = { readonly shape: number[]; readonly values: Float32Array }[];

export function plainWeights(model: tfl.LayersModel): PlainWeights {
  return model.getWeights().map((w) => ({ shape: w.shape.slice(), values: w.dataSync() as Float32Array }));
}

/** The starting network with `weights` set: the trained network rebuilt where it is needed. */
export async function modelWithWeights(start: StartingNetwork, weights: PlainWeights): Promise<tfl.LayersModel> {
  const model = await startingModel(start);
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}
