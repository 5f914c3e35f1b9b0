/**
 * The prunable BatchNorm layers of a tfjs LayersModel and their scales γ (METHOD.md §1: a channel's
 * importance is its BN's |γ|). The training loop regularizes a given list of BN layer names (the
 * graph's groups, src/model) or every BatchNormalization layer, nested models included.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** The parts of tfjs-layers' Layer and LayerVariable used here. */
interface LayerLike {
  readonly name: string;
  getClassName(): string;
  readonly weights: readonly LayerVariableLike[];
  readonly layers?: readonly LayerLike[];
}

interface LayerVariableLike {
  readonly name: string;
  /** The name without the suffix tfjs adds when a name is taken ('bn1/gamma', not 'bn1/gamma_1'). */
  readonly originalName: string;
  readonly shape: readonly (number | null)[];
  read(): tf.Tensor;
}

export interface PrunableLayer {
  /** The BatchNormalization layer's name. */
  readonly name: string;
  /** Its γ, the variable the optimizer updates. */
  readonly gamma: tf.Variable;
  /** Channels. */
  readonly size: number;
}

/** Every layer of a model, depth first, descending into nested models. */
export function allLayers(model: LayersModel): LayerLike[] {
  const out: LayerLike[] = [];
  const visit = (layers: readonly LayerLike[]): void => {
    for (const layer of layers) {
      out.push(layer);
      if (layer.layers) visit(layer.layers);
    }
  };
  visit(model.layers as unknown as LayerLike[]);
  return out;
}

function gammaOf(layer: LayerLike): tf.Variable | undefined {
  const weight = layer.weights.find((w) => w.originalName.endsWith('/gamma'));
  return weight?.read() as tf.Variable | undefined;
}

/**
 * The prunable BN layers: those named in `names` (in that order), else every
 * BatchNormalization layer with a scale, in model order.
 */
export function findPrunableLayers(model: LayersModel, names?: readonly string[]): PrunableLayer[] {
  const layers = allLayers(model);
  const bn = layers.filter((l) => l.getClassName() === 'BatchNormalization');
  const chosen = names === undefined
    ? bn.filter((l) => gammaOf(l) !== undefined)
    : names.map((name) => {
      const layer = layers.find((l) => l.name === name);
      if (!layer) {
        throw new Error(`prunable layer '${name}' is not in the model; its BatchNormalization layers are: ${bn.map((l) => l.name).join(', ') || 'none'}`);
      }
      if (layer.getClassName() !== 'BatchNormalization') {
        throw new Error(`prunable layer '${name}' is a ${layer.getClassName()}, not a BatchNormalization layer; name the BN layer that follows it`);
      }
      if (!gammaOf(layer)) throw new Error(`BatchNormalization layer '${name}' has no scale γ (scale: false); it cannot be pruned by γ`);
      return layer;
    });
  return chosen.map((layer) => {
    const gamma = gammaOf(layer)!;
    return { name: layer.name, gamma, size: gamma.size };
  });
}

/** Sets every prunable γ to `value` (both reference implementations start from 0.5). */
export function setGammas(layers: readonly PrunableLayer[], value: number): void {
  assignGammas(layers, layers.map((l) => new Float32Array(l.size).fill(value)));
}

/** Assigns γ values (one Float32Array per layer, in the order of `layers`). */
export function assignGammas(layers: readonly PrunableLayer[], values: readonly Float32Array[]): void {
  if (values.length !== layers.length) throw new Error(`expected γ for ${layers.length} layers, got ${values.length}`);
  layers.forEach((layer, i) => {
    const v = values[i]!;
    if (v.length !== layer.size) throw new Error(`γ of '${layer.name}' has ${layer.size} channels, got ${v.length} values`);
    tf.tidy(() => layer.gamma.assign(tf.tensor(v, layer.gamma.shape)));
  });
}

/** Copies of the γ values, one Float32Array per layer. */
export function readGammas(layers: readonly PrunableLayer[]): Float32Array[] {
  return layers.map((l) => Float32Array.from(l.gamma.dataSync() as Float32Array));
}

/** Sets γ of every prunable BN layer of `model` (or of the named ones) to `value`, e.g. 0.5. */
export function initGammas(model: LayersModel, value: number, names?: readonly string[]): void {
  if (!Number.isFinite(value)) throw new Error(`γ init must be a finite number (got ${value})`);
  setGammas(findPrunableLayers(model, names), value);
}
