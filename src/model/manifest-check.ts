/**
 * A LayersModel built from a topology and weights that come from a file, without trusting the
 * topology. tfjs allocates every weight the topology implies and only then compares the weights
 * with the manifest, so a model.json whose fc1 says units: 500000 takes gigabytes before its
 * "Shape mismatch". Here each weight is compared with the manifest when a layer asks for it,
 * before anything is allocated: a topology that does not match its weights is refused at the
 * cost of the layers' config objects, and no weight larger than the manifest's is ever made.
 *
 * The comparison hooks tfjs-layers' Layer.addWeight (the one place every layer creates its
 * weights, whatever its class), and is active only while `modelFromManifest` builds, which
 * tfjs does synchronously inside models.modelFromJSON; a build that makes weights without
 * passing the check is refused rather than trusted.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** A topology that asks for weights its manifest does not have. */
export class ManifestMismatchError extends Error {
  override name = 'ManifestMismatchError';
}

interface Build {
  readonly where: string;
  readonly specs: readonly tf.io.WeightsManifestEntry[];
  /** Values the manifest holds, and those the layers have asked for so far. */
  readonly budget: number;
  made: number;
  checked: number;
}

let building: Build | undefined;
let hooked = false;

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function check(b: Build, layer: tfl.layers.Layer, name: string, shape: readonly number[]): void {
  const what = `layer '${layer.name}' (${layer.getClassName()}) of ${b.where}`;
  const fix = 'the topology and the weights belong to different models; export the model again with model.save';
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ManifestMismatchError(`${what} would hold a weight ${name} of shape ${JSON.stringify(shape)}, which is not a shape; ${fix}`);
  }
  // Layers name their weights `<layer>/<weight>`; cells of recurrent layers and wrapped layers
  // nest the name further, so those are matched by their last part.
  const own = b.specs.find((s) => s.name === `${layer.name}/${name}`);
  if (own && !sameShape(own.shape, shape)) {
    throw new ManifestMismatchError(`${what} would hold a weight ${name} of shape ${shapeText(shape)}, but its weight manifest gives ${own.name} the shape ${shapeText(own.shape)}; ${fix}`);
  }
  if (!own && !b.specs.some((s) => (s.name === name || s.name.endsWith(`/${name}`)) && sameShape(s.shape, shape))) {
    throw new ManifestMismatchError(`${what} would hold a weight ${name} of shape ${shapeText(shape)}, which no weight of its manifest has; ${fix}`);
  }
  b.made += size(shape);
  if (b.made > b.budget) {
    throw new ManifestMismatchError(`the topology of ${b.where} holds more weight values than its manifest (${b.budget}); ${fix}`);
  }
  b.checked++;
}

function hookAddWeight(): void {
  if (hooked) return;
  hooked = true;
  type AddWeight = (this: tfl.layers.Layer, name: string, shape: number[], dtype?: unknown, initializer?: unknown, ...rest: unknown[]) => unknown;
  const proto = tfl.layers.Layer.prototype as unknown as { addWeight: AddWeight };
  const addWeight = proto.addWeight;
  proto.addWeight = function (name, shape, dtype, initializer, ...rest) {
    if (building === undefined) return addWeight.call(this, name, shape, dtype, initializer, ...rest);
    check(building, this, name, shape);
    // The manifest's values replace the initial ones: zeros, as tfjs's own loader starts from.
    return addWeight.call(this, name, shape, dtype, tfl.initializers.zeros(), ...rest);
  };
}

/**
 * The model of `artifacts` (a topology, its weight specs and their bytes, as read from a
 * model.json), each weight checked against the specs before it is allocated. `where` names the
 * model in errors. Weights of the optimizer group are not loaded.
 */
export async function modelFromManifest(artifacts: tf.io.ModelArtifacts & { weightData: ArrayBuffer }, where: string): Promise<tfl.LayersModel> {
  hookAddWeight();
  const specs = artifacts.weightSpecs ?? [];
  const modelSpecs = specs.filter((s) => s.group !== 'optimizer');
  const b: Build = { where, specs: modelSpecs, budget: modelSpecs.reduce((n, s) => n + size(s.shape), 0), made: 0, checked: 0 };
  let pending: Promise<tfl.LayersModel>;
  building = b;
  try {
    pending = tfl.models.modelFromJSON({ modelTopology: artifacts.modelTopology } as tfl.ModelAndWeightsConfig);
  } finally {
    building = undefined;
  }
  const model = await pending;
  const weights = model.weights.length;
  if (b.checked !== weights) {
    model.dispose();
    throw new Error(`internal: ${weights} weights of ${where} were made without the manifest check (${b.checked} checked); tfjs changed how it builds models`);
  }
  const named = tf.io.decodeWeights(artifacts.weightData, specs);
  try {
    model.loadWeights(Object.fromEntries(modelSpecs.map((s) => [s.name, named[s.name]!])), true);
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(named));
  }
  return model;
}
