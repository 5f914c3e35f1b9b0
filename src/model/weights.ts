/**
 * A model's weights as plain data (Float32Arrays with shapes, keyed by layer and role), and the
 * way back: a new LayersModel from a Keras-format topology and such weights, loaded by tfjs's own
 * loader (`loadLayersModel` over `tf.io.fromMemory`), i.e. exactly the path of a saved model.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelJson } from './topology.ts';
import type { PruningGraph } from './graph.ts';

export interface WeightValue {
  /** The weight's name in the saved model (tfjs's originalName, e.g. 'conv1/kernel'). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The weights of one model: per layer name, per role ('kernel', 'bias', 'gamma', 'moving_mean', …). */
export interface ModelWeights {
  /** In the model's weight order. */
  readonly list: readonly WeightValue[];
  readonly byLayer: ReadonlyMap<string, ReadonlyMap<string, WeightValue>>;
}

/** The role of a weight: the last component of its name ('conv1/kernel' → 'kernel'). */
export const weightRole = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/**
 * Reads every weight of `model` (float32 only). With `checkFinite`, a NaN or ±Infinity is an
 * error naming the weight and the element: a pruning decision made on such weights is meaningless.
 */
export function readWeights(model: tfl.LayersModel, op: string, checkFinite = true): ModelWeights {
  const list: WeightValue[] = [];
  const byLayer = new Map<string, Map<string, WeightValue>>();
  for (const layer of model.layers) {
    const roles = new Map<string, WeightValue>();
    for (const v of layer.weights) {
      if (v.dtype !== 'float32') throw new TypeError(`${op}: weight '${v.originalName}' is ${v.dtype}; only float32 models are supported`);
      const data = v.read().dataSync() as Float32Array;
      const copy = new Float32Array(data);
      if (checkFinite) {
        for (let i = 0; i < copy.length; i++) {
          if (!Number.isFinite(copy[i]!)) {
            throw new RangeError(
              `${op}: weight '${v.originalName}' holds ${copy[i]} at element ${i}; every weight must be finite ` +
                '(a diverged training run? retrain with a smaller learning rate)',
            );
          }
        }
      }
      const w: WeightValue = { name: v.originalName, shape: v.shape.slice() as number[], data: copy };
      list.push(w);
      roles.set(weightRole(v.originalName), w);
    }
    byLayer.set(layer.name, roles);
  }
  return { list, byLayer };
}

/** The weight of `layer` with `role`, or undefined. */
export function layerWeight(weights: ModelWeights, layer: string, role: string): WeightValue | undefined {
  return weights.byLayer.get(layer)?.get(role);
}

/**
 * A new, uncompiled LayersModel from a Keras-format topology and its weights, through tfjs's own
 * loader. Weights are matched by name; every weight of the topology must be given.
 */
export async function modelFromParts(topology: ModelJson, weights: readonly WeightValue[]): Promise<tfl.LayersModel> {
  let bytes = 0;
  for (const w of weights) bytes += w.data.byteLength;
  const buffer = new ArrayBuffer(bytes);
  const view = new Float32Array(buffer);
  let at = 0;
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const w of weights) {
    view.set(w.data, at);
    at += w.data.length;
    weightSpecs.push({ name: w.name, shape: w.shape.slice(), dtype: 'float32' });
  }
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: topology as unknown as tf.io.ModelArtifacts['modelTopology'], weightSpecs, weightData: buffer }),
  );
}

/**
 * Checks that a graph describes the model whose weights these are (a graph built from another
 * model, or from this one before a change of widths, would make compaction gather garbage).
 */
export function checkGraphMatches(op: string, graph: PruningGraph, weights: ModelWeights): void {
  const mismatch = (layer: string, what: string): never => {
    throw new RangeError(
      `${op}: the graph does not describe this model: layer '${layer}' ${what}. Build the graph from this model (buildGraph(model))`,
    );
  };
  for (const l of graph.layers) {
    if (l.role === 'input') continue;
    const roles = weights.byLayer.get(l.name);
    if (!roles) mismatch(l.name, 'is not in the model');
    const inLength = l.inputLayouts[0]?.length;
    const check = (role: string, axis: number, want: number | undefined) => {
      const w = roles!.get(role);
      if (!w) mismatch(l.name, `has no '${role}' weight`);
      const got = w!.shape[axis < 0 ? axis + w!.shape.length : axis];
      if (got !== want) mismatch(l.name, `has ${got} channels on axis ${axis} of its ${role}, the graph says ${want}`);
    };
    if (l.role === 'conv2d' || l.role === 'dense') {
      check('kernel', -2, inLength);
      check('kernel', -1, l.output.length);
    } else if (l.role === 'depthwise') {
      check('depthwise_kernel', 2, inLength);
    } else if (l.role === 'batchnorm') {
      check('moving_mean', 0, l.output.length);
    }
  }
}
