/**
 * A model as a list of steps over buffers in the kernels' memory: built once from the topology
 * and weights (shapes checked, every layer known), then placed for a batch size. A placement
 * allocates every activation and weight in the arena at once and keeps them (no allocation, copy
 * or tfjs op per layer while it runs), so a forward pass is the steps in order.
 */
import type { KernelInstance } from '../wasm/loader.ts';
import { fuseLayers } from './fusion.ts';
import { FUSED_AWAY, LAYER_OPS } from './layers.ts';
import type { Topology, TopologyLayer } from './model-json.ts';
import { size, type LayerOp } from './op.ts';
import type { Weight } from './weights.ts';

export interface PlannedLayer {
  readonly name: string;
  readonly className: string;
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

/** What a layer of `topology` becomes, given its inputs' shapes and the model's weights. */
export function planLayer(layer: TopologyLayer, inShapes: readonly (readonly number[])[], weights: ReadonlyMap<string, Weight>): LayerOp {
  const builder = LAYER_OPS[layer.className];
  if (!builder) throw new Error(`slimprune/infer: layer ${layer.name} is a ${layer.className}, which it does not run`);
  const roles = (role: string) => weights.get(`${layer.name}/${role}`);
  return builder(layer, inShapes, {
    need(role) {
      const w = roles(role);
      if (!w) throw new Error(`slimprune/infer: layer ${layer.name} (${layer.className}) has no weight '${layer.name}/${role}' in the weights manifest`);
      return w;
    },
    has: (role) => roles(role) !== undefined,
  });
}

export function planModel(given: Topology, weights: ReadonlyMap<string, Weight>): ModelPlan {
  const topology = fuseLayers(given);
  const unknown = topology.layers.filter((l) => !(l.className in LAYER_OPS));
  if (unknown.length > 0) {
    throw new Error(
      `slimprune/infer cannot run ${unknown.map((l) => `${l.name} (${l.className})`).join(', ')}; ` +
        `it runs ${Object.keys(LAYER_OPS).filter((name) => name !== FUSED_AWAY).join(', ')}. Run this model with tfjs, or export it to ONNX`,
    );
  }
  const shapes = new Map<string, readonly number[]>([[topology.input, topology.inputShape]]);
  const layers = topology.layers.map((layer) => {
    const op = planLayer(layer, layer.inputs.map((i) => shapes.get(i)!), weights);
    shapes.set(layer.name, op.outShape);
    return { name: layer.name, className: layer.className, inputs: layer.inputs, op };
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
