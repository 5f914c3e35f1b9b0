/**
 * A tfjs LayersModel's topology as plain data: its layers in topological order, each with its
 * class, its Keras-format (snake_case) config, the layers it reads, and its output shape.
 *
 * Why the serialized topology (`model.toJSON`) rather than the live layer objects: it is the
 * public, stable description of both Sequential and functional models (tfjs's own save format),
 * and compaction edits exactly this JSON (widths) and loads it back with tfjs's own loader
 * (src/model/weights.ts), so analysis and rebuilding read the same thing.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

/** A Keras-format layer config (snake_case keys, as in model.json). */
export type LayerConfig = Record<string, unknown>;

export interface TopologyLayer {
  readonly name: string;
  /** Keras class name, e.g. 'Conv2D', 'BatchNormalization', 'InputLayer'. */
  readonly className: string;
  readonly config: LayerConfig;
  /** The layers whose outputs this layer reads, in order (empty for an input). */
  readonly inbound: readonly string[];
  /** The output shape of one example (no batch dimension). */
  readonly shape: readonly number[];
}

export interface Topology {
  readonly modelName: string;
  /** The Keras-format model JSON (`model.toJSON(null, false)`): what compaction edits and reloads. */
  readonly json: ModelJson;
  /** Every layer, inputs included, in topological order. */
  readonly layers: readonly TopologyLayer[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface ModelJson {
  class_name: string;
  config: { name?: string; layers: Record<string, unknown>[]; input_layers?: unknown; output_layers?: unknown };
  [key: string]: unknown;
}

const NESTED_MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional', 'LayersModel']);

function fail(message: string): never {
  throw new Error(`slimprune model graph: ${message}`);
}

/** Output shape of a layer; `implicitInput`: the input of a Sequential, which is no layer of it. */
function shapeOf(model: tfl.LayersModel, name: string, implicitInput = false): number[] {
  const shape: unknown = implicitInput ? model.inputs[0]!.shape : model.getLayer(name).outputShape;
  if (!Array.isArray(shape) || Array.isArray(shape[0])) {
    fail(`layer '${name}' has several outputs (shape ${JSON.stringify(shape)}); only single-output layers are supported`);
  }
  const dims = (shape as (number | null)[]).slice(1);
  if (!dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
    fail(`layer '${name}' has output shape [${(shape as unknown[]).join(', ')}]; every dimension but the batch must be known`);
  }
  return dims as number[];
}

/** The topology of `model` (a tfl.Sequential or a functional tfl.LayersModel). */
export function readTopology(model: tfl.LayersModel): Topology {
  if (model === null || typeof model !== 'object' || typeof (model as { toJSON?: unknown }).toJSON !== 'function') {
    fail('expected a tfjs LayersModel (tf.sequential() or tf.model()), got ' + String(model));
  }
  const json = model.toJSON(null, false) as unknown as ModelJson;
  const modelName = String(json.config?.name ?? model.name);
  const rawLayers = json.config?.layers;
  if (!Array.isArray(rawLayers)) fail(`model '${modelName}' has no layer list in its topology`);
  const layers: TopologyLayer[] = [];
  const inputs: string[] = [];
  let outputs: string[];

  if (json.class_name === 'Sequential') {
    // A Sequential's config lists its layers without the implicit input layer; its name is the
    // source of model.inputs[0] (e.g. 'conv1_input').
    const inputName = model.inputs[0]?.sourceLayer?.name;
    if (model.inputs.length !== 1 || typeof inputName !== 'string') fail(`Sequential model '${modelName}' has no single input; add an inputShape to its first layer`);
    let previous: string | undefined;
    for (const raw of rawLayers) {
      const className = String(raw['class_name']);
      const config = (raw['config'] ?? {}) as LayerConfig;
      const name = String(config['name']);
      if (className === 'InputLayer') {
        layers.push({ name, className, config, inbound: [], shape: shapeOf(model, inputName, true) });
        inputs.push(name);
        previous = name;
        continue;
      }
      if (previous === undefined) {
        layers.push({ name: inputName, className: 'InputLayer', config: { name: inputName }, inbound: [], shape: shapeOf(model, inputName, true) });
        inputs.push(inputName);
        previous = inputName;
      }
      layers.push({ name, className, config, inbound: [previous], shape: [] });
      previous = name;
    }
    if (previous === undefined) fail(`Sequential model '${modelName}' has no layers`);
    outputs = [previous];
  } else {
    const byName = new Map<string, Record<string, unknown>>();
    for (const raw of rawLayers) byName.set(String(raw['name']), raw);
    for (const raw of rawLayers) {
      const name = String(raw['name']);
      const className = String(raw['class_name']);
      const config = (raw['config'] ?? {}) as LayerConfig;
      const nodes = (raw['inbound_nodes'] ?? []) as unknown[][];
      if (className === 'InputLayer' || nodes.length === 0) {
        layers.push({ name, className, config, inbound: [], shape: [] });
        inputs.push(name);
        continue;
      }
      if (nodes.length > 1) {
        fail(
          `layer '${name}' (${className}) is applied ${nodes.length} times (shared weights); ` +
            'slimprune prunes models in which every layer is used once: give each use its own layer',
        );
      }
      const inbound: string[] = [];
      for (const entry of nodes[0]!) {
        const [source, nodeIndex, tensorIndex] = entry as [string, number, number];
        if (nodeIndex !== 0 || tensorIndex !== 0) {
          fail(`layer '${name}' reads output ${tensorIndex} of node ${nodeIndex} of '${source}'; only single-use, single-output layers are supported`);
        }
        if (!byName.has(source)) fail(`layer '${name}' reads '${source}', which is not a layer of this model`);
        inbound.push(source);
      }
      layers.push({ name, className, config, inbound, shape: [] });
    }
    const outs = (json.config['output_layers'] ?? []) as [string, number, number][];
    outputs = outs.map(([n]) => n);
  }

  for (const layer of layers) {
    if (NESTED_MODEL_CLASSES.has(layer.className)) {
      fail(
        `layer '${layer.name}' is a nested model (${layer.className}); build the network as one flat model ` +
          '(apply the inner model\'s layers directly) so that its channels can be traced',
      );
    }
  }
  const withShapes = topologicalOrder(layers).map((l) => ({ ...l, shape: l.shape.length > 0 ? l.shape : shapeOf(model, l.name) }));
  return { modelName, json, layers: withShapes, inputs, outputs };
}

/** Kahn's order, stable in the config's order (which tfjs already writes topologically). */
function topologicalOrder(layers: readonly TopologyLayer[]): TopologyLayer[] {
  const done = new Set<string>();
  const out: TopologyLayer[] = [];
  let pending = [...layers];
  while (pending.length > 0) {
    const next: TopologyLayer[] = [];
    for (const l of pending) {
      if (l.inbound.every((i) => done.has(i))) {
        out.push(l);
        done.add(l.name);
      } else next.push(l);
    }
    if (next.length === pending.length) fail(`the layers ${next.map((l) => `'${l.name}'`).join(', ')} form a cycle or read missing layers`);
    pending = next;
  }
  return out;
}
