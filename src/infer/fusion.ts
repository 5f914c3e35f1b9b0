/**
 * The rewrites of a topology that save a pass over a tensor, made before planning, so a model
 * runs the same steps whichever file it came from (model.json, or an ONNX graph whose Conv and
 * Relu are two nodes):
 *
 * - an activation layer whose only input is a Conv2D, DepthwiseConv2D or Dense without an
 *   activation, read by nothing else, becomes that layer's activation (ReLU is then the
 *   convolution kernel's epilogue; the others run over the output in place, as they would in a
 *   model.json that fused them);
 * - a plain ReLU whose only input is an Add read by nothing else becomes part of that Add's pass
 *   (one read and write of the tensor instead of two): the Add is told so (FUSED_RELU).
 *
 * The activation layer keeps its name, as an alias of its input's output (FUSED_AWAY).
 */
import { activationOf, type Activation } from './activation.ts';
import { FUSED_RELU } from './elementwise.ts';
import { FUSED_AWAY } from './layers.ts';
import type { Topology, TopologyLayer } from './model-json.ts';

const WITH_ACTIVATION = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

/** The activation an activation layer applies over the last axis, or undefined for any other layer. */
function layerActivation(l: TopologyLayer): Activation | undefined {
  if (l.className === 'ReLU') {
    const max = l.config['max_value'] ?? null;
    return max === null ? 'relu' : max === 6 ? 'relu6' : undefined;
  }
  if (l.className === 'Activation') {
    const a = l.config['activation'];
    return typeof a === 'string' && a !== 'linear' ? activationOf(a, l.name) : undefined;
  }
  if (l.className === 'Softmax') {
    const axis = l.config['axis'] ?? -1;
    return axis === -1 ? 'softmax' : undefined;
  }
  return undefined;
}

/** Each activation layer's producer, where the producer can take the activation over. */
function fusions(topology: Topology, canTake: (producer: TopologyLayer, activation: Activation) => boolean): Map<string, TopologyLayer> {
  const readers = new Map<string, number>();
  for (const l of topology.layers) for (const i of l.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const byName = new Map(topology.layers.map((l) => [l.name, l]));
  const found = new Map<string, TopologyLayer>();
  for (const l of topology.layers) {
    const activation = layerActivation(l);
    const source = l.inputs.length === 1 ? byName.get(l.inputs[0]!) : undefined;
    if (activation && source && readers.get(source.name) === 1 && source.name !== topology.output && canTake(source, activation)) found.set(l.name, source);
  }
  return found;
}

function rewrite(topology: Topology, fused: ReadonlyMap<string, TopologyLayer>, producerConfig: (l: TopologyLayer, activationLayer: TopologyLayer) => TopologyLayer['config']): Topology {
  if (fused.size === 0) return topology;
  const byProducer = new Map([...fused].map(([activationLayer, producer]) => [producer.name, activationLayer]));
  const byName = new Map(topology.layers.map((l) => [l.name, l]));
  return {
    ...topology,
    layers: topology.layers.map((l) => {
      const reader = byProducer.get(l.name);
      if (reader !== undefined) return { ...l, config: producerConfig(l, byName.get(reader)!) };
      return fused.has(l.name) ? { ...l, className: FUSED_AWAY, config: {} } : l;
    }),
  };
}

function fuseIntoProducts(topology: Topology): Topology {
  const linear = (l: TopologyLayer) => (l.config['activation'] ?? 'linear') === 'linear';
  const fused = fusions(topology, (p) => WITH_ACTIVATION.has(p.className) && linear(p));
  return rewrite(topology, fused, (l, a) => ({ ...l.config, activation: layerActivation(a)! }));
}

function fuseResidualRelus(topology: Topology): Topology {
  const fused = fusions(topology, (p, activation) => p.className === 'Add' && activation === 'relu');
  return rewrite(topology, fused, (l) => ({ ...l.config, [FUSED_RELU]: true }));
}

export const fuseLayers = (topology: Topology): Topology => fuseResidualRelus(fuseIntoProducts(topology));
