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
 *   (one read and write of the tensor instead of two): the Add is told so (FUSED_RELU);
 * - then a two-input Add of a linear Conv2D read by nothing else becomes that convolution's
 *   epilogue (fuseResidualAdds, below);
 * - and a ZeroPadding2D read only by a Conv2D or DepthwiseConv2D becomes that convolution's
 *   padding (fusePaddingIntoConvolutions, below).
 *
 * A layer fused away keeps its name, as an alias of its input's output (FUSED_AWAY).
 */
import { activationOf, type Activation } from './activation.ts';
import { FUSED_RESIDUAL } from './convolution.ts';
import { FUSED_RELU } from './elementwise.ts';
import { FUSED_AWAY } from './layers.ts';
import type { Topology, TopologyLayer } from './model-json.ts';
import { windowPadding } from './op.ts';
import { paddingSides, type Sides } from './padding.ts';

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

/**
 * A two-input Add one of whose inputs is a linear Conv2D read by nothing else becomes that
 * convolution's epilogue: the convolution adds the other input (its residual) after its bias and
 * before its ReLU (the Add's, if fused above), in the Add's order, so the result has the same
 * bits, and the sum costs one read of the residual instead of a pass over three tensors. The
 * convolution must run after the residual is computed (plan order is layer order), so of two
 * candidates the later one takes the Add; the Add keeps its name as an alias of its output.
 */
function fuseResidualAdds(topology: Topology): Topology {
  const readers = new Map<string, number>();
  for (const l of topology.layers) for (const i of l.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const order = new Map<string, number>([[topology.input, -1], ...topology.layers.map((l, i) => [l.name, i] as const)]);
  const byName = new Map(topology.layers.map((l) => [l.name, l]));
  const fusedConvs = new Map<string, { residual: string; relu: boolean }>();
  const fusedAdds = new Map<string, string>();
  for (const add of topology.layers) {
    if (add.className !== 'Add' || add.inputs.length !== 2) continue;
    const candidates = add.inputs.filter((name) => {
      const l = byName.get(name);
      const activation = l?.config['activation'] ?? 'linear';
      return l?.className === 'Conv2D' && activation === 'linear' && readers.get(name) === 1 && name !== topology.output && !fusedConvs.has(name);
    });
    const conv = candidates.sort((a, b) => order.get(b)! - order.get(a)!)[0];
    if (conv === undefined) continue;
    const residual = add.inputs[0] === conv ? add.inputs[1]! : add.inputs[0]!;
    if (residual === conv || order.get(residual)! >= order.get(conv)!) continue;
    fusedConvs.set(conv, { residual, relu: add.config[FUSED_RELU] === true });
    fusedAdds.set(add.name, conv);
  }
  if (fusedAdds.size === 0) return topology;
  return {
    ...topology,
    layers: topology.layers.map((l) => {
      const conv = fusedConvs.get(l.name);
      if (conv) {
        return { ...l, inputs: [...l.inputs, conv.residual], config: { ...l.config, [FUSED_RESIDUAL]: true, ...(conv.relu && { activation: 'relu' }) } };
      }
      const source = fusedAdds.get(l.name);
      return source === undefined ? l : { ...l, className: FUSED_AWAY, inputs: [source], config: {} };
    }),
  };
}

/**
 * A ZeroPadding2D whose only reader is a Conv2D or DepthwiseConv2D of 'valid' or explicit
 * padding adds its sides to that convolution's padding: the kernel reads zeros outside the image
 * either way, so the padded copy of the tensor is saved. Keras's applications pad so before their
 * stride-2 'valid' convolutions, PyTorch models with ZeroPad2d or F.pad before a Conv; an ONNX
 * Pad arrives as a ZeroPadding2D (onnx/nodes-window.ts). A 'same' convolution keeps its pad
 * layer: its padding depends on the input's size, which the topology does not carry.
 */
function fusePaddingIntoConvolutions(topology: Topology): Topology {
  const readers = new Map<string, number>();
  for (const l of topology.layers) for (const i of l.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const byName = new Map(topology.layers.map((l) => [l.name, l]));
  // 'valid' or explicit sides; undefined for 'same' or a padding the convolution's op refuses, with the reason, later.
  const ownPadding = (conv: TopologyLayer): Sides | undefined => {
    let padding: ReturnType<typeof windowPadding>;
    try {
      padding = windowPadding(conv.config['padding'] ?? 'valid', conv.name);
    } catch {
      return undefined;
    }
    if (padding === 'same') return undefined;
    if (padding === 'valid') return [[0, 0], [0, 0]];
    if (typeof padding === 'number') return [[padding, padding], [padding, padding]];
    return [[padding[0][0], padding[0][1]], [padding[1][0], padding[1][1]]];
  };
  const padded = new Map<string, Sides>();
  const fusedPads = new Set<string>();
  for (const conv of topology.layers) {
    if ((conv.className !== 'Conv2D' && conv.className !== 'DepthwiseConv2D') || conv.inputs.length !== 1) continue;
    const pad = byName.get(conv.inputs[0]!);
    if (pad?.className !== 'ZeroPadding2D' || readers.get(pad.name) !== 1 || pad.name === topology.output) continue;
    // A channels_first pad is refused by its own op, with the reason.
    if ((pad.config['data_format'] ?? 'channels_last') !== 'channels_last') continue;
    const own = ownPadding(conv);
    if (!own) continue;
    const [[top, bottom], [left, right]] = paddingSides(pad.config['padding'] ?? 1, pad.name);
    padded.set(conv.name, [[own[0][0] + top, own[0][1] + bottom], [own[1][0] + left, own[1][1] + right]]);
    fusedPads.add(pad.name);
  }
  if (padded.size === 0) return topology;
  return {
    ...topology,
    layers: topology.layers.map((l) => {
      const sides = padded.get(l.name);
      if (sides) return { ...l, config: { ...l.config, padding: sides } };
      return fusedPads.has(l.name) ? { ...l, className: FUSED_AWAY, config: {} } : l;
    }),
  };
}

// Activations into products first: a convolution that took its own ReLU no longer takes a residual.
export const fuseLayers = (topology: Topology): Topology =>
  fuseResidualAdds(fuseResidualRelus(fuseIntoProducts(fusePaddingIntoConvolutions(topology))));
