/**
 * A model as a list of steps over buffers in the kernels' memory: built once from the topology
 * and weights (shapes checked, every layer known), then placed for a batch size. A placement
 * allocates every activation and weight in the arena at once and keeps them (no allocation, copy
 * or tfjs op per layer while it runs), so a forward pass is the steps in order.
 */
import type { KernelInstance } from '../wasm/loader.ts';
import { FUSED_RESIDUAL } from './convolution.ts';
import { FUSED_RELU } from './elementwise.ts';
import { FUSED_AWAY, LAYER_OPS } from './layers.ts';
import type { Topology } from './model-json.ts';
import { size, type LayerOp } from './op.ts';
import type { Weight } from './weights.ts';

export interface PlannedLayer {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly op: LayerOp;
}

export interface ModelPlan {
  readonly input: string;
  readonly inputShape: readonly number[];
  readonly output: string;
  readonly outputShape: readonly number[];
  readonly layers: readonly PlannedLayer[];
}

/**
 * A plain ReLU whose only input is an Add read by nothing else becomes part of that Add's pass
 * (one read and write of the tensor instead of two): the Add is told so (FUSED_RELU), the ReLU
 * keeps its name as an alias of the Add's output.
 */
function fuseResidualRelus(topology: Topology): Topology {
  const readers = new Map<string, number>();
  for (const l of topology.layers) for (const i of l.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const byName = new Map(topology.layers.map((l) => [l.name, l]));
  const fusedAdds = new Set<string>();
  const fusedRelus = new Set<string>();
  for (const l of topology.layers) {
    const plainRelu = (l.className === 'ReLU' && (l.config['max_value'] ?? null) === null) || (l.className === 'Activation' && l.config['activation'] === 'relu');
    const source = l.inputs.length === 1 ? byName.get(l.inputs[0]!) : undefined;
    if (plainRelu && source?.className === 'Add' && readers.get(source.name) === 1 && source.name !== topology.output) {
      fusedAdds.add(source.name);
      fusedRelus.add(l.name);
    }
  }
  if (fusedAdds.size === 0) return topology;
  return {
    ...topology,
    layers: topology.layers.map((l) =>
      fusedAdds.has(l.name) ? { ...l, config: { ...l.config, [FUSED_RELU]: true } }
      : fusedRelus.has(l.name) ? { ...l, className: FUSED_AWAY, config: {} }
      : l),
  };
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

export function planModel(given: Topology, weights: ReadonlyMap<string, Weight>): ModelPlan {
  const topology = fuseResidualAdds(fuseResidualRelus(given));
  const unknown = topology.layers.filter((l) => !(l.className in LAYER_OPS));
  if (unknown.length > 0) {
    throw new Error(
      `slimprune/infer cannot run ${unknown.map((l) => `${l.name} (${l.className})`).join(', ')}; ` +
        `it runs ${Object.keys(LAYER_OPS).filter((name) => name !== FUSED_AWAY).join(', ')}. Run this model with tfjs, or export it to ONNX`,
    );
  }
  const shapes = new Map<string, readonly number[]>([[topology.input, topology.inputShape]]);
  const layers = topology.layers.map((layer) => {
    const roles = (role: string) => weights.get(`${layer.name}/${role}`);
    const op = LAYER_OPS[layer.className]!(layer, layer.inputs.map((i) => shapes.get(i)!), {
      need(role) {
        const w = roles(role);
        if (!w) throw new Error(`slimprune/infer: layer ${layer.name} (${layer.className}) has no weight '${layer.name}/${role}' in the weights manifest`);
        return w;
      },
      has: (role) => roles(role) !== undefined,
    });
    shapes.set(layer.name, op.outShape);
    return { name: layer.name, inputs: layer.inputs, op };
  });
  return { input: topology.input, inputShape: topology.inputShape, output: topology.output, outputShape: shapes.get(topology.output)!, layers };
}

export interface PlacedModel {
  readonly batch: number;
  readonly inputPtr: number;
  readonly outputPtr: number;
  readonly steps: readonly (() => void)[];
  /** The arena's top before the placement: releasing to it frees the placement. */
  readonly mark: number;
  readonly end: number;
}

export function placeModel(plan: ModelPlan, k: KernelInstance, batch: number): PlacedModel {
  const arena = k.arena;
  const mark = arena.mark();
  const buffers = new Map<string, number>();
  const shapes = new Map<string, readonly number[]>([[plan.input, plan.inputShape]]);
  const inputPtr = arena.alloc(4 * batch * size(plan.inputShape));
  buffers.set(plan.input, inputPtr);
  const steps: (() => void)[] = [];
  for (const layer of plan.layers) {
    const inputs = layer.inputs.map((name) => ({ ptr: buffers.get(name)!, shape: shapes.get(name)! }));
    const output = layer.op.alias ? inputs[0]!.ptr : arena.alloc(4 * batch * size(layer.op.outShape));
    buffers.set(layer.name, output);
    shapes.set(layer.name, layer.op.outShape);
    if (layer.op.alias) continue;
    steps.push(layer.op.place({ k, batch, inputs, output, put: (data) => arena.put(data), alloc: (bytes) => arena.alloc(bytes) }));
  }
  return { batch, inputPtr, outputPtr: buffers.get(plan.output)!, steps, mark, end: arena.mark() };
}
