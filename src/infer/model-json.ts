/**
 * A saved tfjs LayersModel (model.json: the Keras topology and the weights manifest) read as plain
 * data, without tfjs: the layers in an order where every layer comes after its inputs, each with
 * its class, config and the names of the layers it reads. Sequential and functional models.
 */
export interface ModelJsonFile {
  readonly modelTopology: unknown;
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly WeightSpec[] }[];
}

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype?: string;
}

export interface TopologyLayer {
  readonly name: string;
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** The layers this one reads, in order (none for an input). */
  readonly inputs: readonly string[];
}

export interface Topology {
  readonly layers: readonly TopologyLayer[];
  readonly input: string;
  /** One sample's shape (no batch axis), e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  readonly output: string;
}

const INPUT = '__input__';

function fail(message: string): never {
  throw new Error(`slimprune/infer: model.json ${message}`);
}

type Raw = { class_name?: unknown; config?: Record<string, unknown>; inbound_nodes?: unknown; name?: unknown };

function sampleShape(config: Record<string, unknown>, layer: string): number[] | undefined {
  const shape = config['batch_input_shape'] ?? config['batchInputShape'];
  if (!Array.isArray(shape)) return undefined;
  const sample = shape.slice(1);
  if (!sample.every((d) => Number.isInteger(d) && (d as number) > 0)) {
    fail(`: layer ${layer} has input shape ${JSON.stringify(shape)}; slimprune/infer needs every dimension but the batch fixed`);
  }
  return sample as number[];
}

/** The layers a functional layer reads: tfjs writes inbound_nodes as [[[name, node, tensor, kwargs], …]]. */
function inboundNames(raw: Raw, name: string): string[] {
  const nodes = raw.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1) fail(`: layer ${name} is called ${nodes.length} times (a shared layer); slimprune/infer runs each layer once`);
  const first = nodes[0];
  if (!Array.isArray(first)) fail(`: layer ${name} has inbound_nodes of an unknown form`);
  return first.map((entry) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') fail(`: layer ${name} has inbound_nodes of an unknown form`);
    if (entry[2] !== 0 && entry[2] !== undefined) fail(`: layer ${name} reads output ${String(entry[2])} of ${entry[0]}; only single-output layers are supported`);
    return entry[0] as string;
  });
}

export function readTopology(file: ModelJsonFile): Topology {
  const topology = file.modelTopology as { class_name?: unknown; config?: unknown; model_config?: unknown } | null;
  const model = (topology && typeof topology === 'object' && 'model_config' in topology ? topology.model_config : topology) as
    { class_name?: unknown; config?: unknown } | null;
  if (!model || typeof model !== 'object') fail('has no modelTopology');
  const config = model.config as { layers?: unknown; input_layers?: unknown; output_layers?: unknown } | undefined;
  const rawLayers = (Array.isArray(config) ? config : config?.layers) as Raw[] | undefined;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) fail('has no layers');
  const sequential = model.class_name === 'Sequential';
  const layers: TopologyLayer[] = [];
  let inputShape: number[] | undefined;
  let input = INPUT;
  let previous = INPUT;
  for (const raw of rawLayers) {
    const name = String(raw.config?.['name'] ?? raw.name ?? '');
    const className = String(raw.class_name ?? '');
    if (!name || !className) fail('has a layer without a name or class');
    const layerConfig = raw.config ?? {};
    inputShape ??= sampleShape(layerConfig, name);
    if (className === 'InputLayer') {
      input = name;
      previous = name;
      continue;
    }
    const inputs = sequential ? [previous] : inboundNames(raw, name);
    if (inputs.length === 0) fail(`: layer ${name} (${className}) reads no layer`);
    layers.push({ name, className, config: layerConfig, inputs });
    previous = name;
  }
  if (!inputShape) fail("gives no input shape (batch_input_shape); save the model with a fixed input shape");
  if (!sequential) {
    const ins = config?.input_layers as unknown[][] | undefined;
    const outs = config?.output_layers as unknown[][] | undefined;
    if (!Array.isArray(ins) || ins.length !== 1 || !Array.isArray(outs) || outs.length !== 1) {
      fail('has several inputs or outputs; slimprune/infer runs models with one of each');
    }
    input = String(ins[0]![0]);
    return ordered(layers, input, inputShape, String(outs[0]![0]));
  }
  return ordered(layers.map((l) => (l.inputs[0] === INPUT ? { ...l, inputs: [input] } : l)), input, inputShape, previous);
}

/** Layers in an order where each follows its inputs (depth-first from the output); unused ones dropped. */
function ordered(layers: TopologyLayer[], input: string, inputShape: number[], output: string): Topology {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const done = new Set<string>([input]);
  const visiting = new Set<string>();
  const order: TopologyLayer[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    const layer = byName.get(name);
    if (!layer) fail(`: a layer reads ${name}, which is not in the model`);
    if (visiting.has(name)) fail(`has a cycle through ${name}`);
    visiting.add(name);
    layer.inputs.forEach(visit);
    visiting.delete(name);
    done.add(name);
    order.push(layer);
  };
  visit(output);
  return { layers: order, input, inputShape, output };
}
