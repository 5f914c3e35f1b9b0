/**
 * The topology an ONNX graph becomes, built layer by layer, and the layouts of the ONNX tensors in
 * it.
 *
 * slimprune/infer keeps images channels-last (NHWC) and its layers work on the last axis; an ONNX
 * graph's Conv, pooling and BatchNormalization mean NCHW. So an ONNX tensor (a Value) is held in a
 * layer's buffer in some order of its axes, its `order`: storage axis k is the tensor's axis
 * order[k]. A Transpose only changes the order (no layer, no copy): our exporter's leading
 * NHWC → NCHW Transpose of the input and its NCHW → NHWC one before a Flatten cancel that way. A
 * node that needs another order than the one its input has gets a Permute layer (one copy), and
 * one that needs another shape of the same values (a Flatten's [C·H·W] of an [H, W, C] buffer)
 * gets a Reshape layer (no copy): `arrange` adds them, once per tensor and order.
 *
 * Shapes and orders leave out the batch axis, which stays first and never moves.
 */
import type { Topology, TopologyLayer } from '../model-json.ts';
import { size } from '../op.ts';
import { planLayer } from '../plan.ts';
import type { Weight } from '../weights.ts';
import type { OnnxTensor } from './read.ts';

/** One computed ONNX tensor: where its values are and in which order. */
export interface Value {
  /** Its ONNX name. */
  readonly name: string;
  /** Its ONNX dimensions, the batch left out. */
  readonly dims: readonly number[];
  /** The tensor's axes in the order of its buffer: storage axis k is axis order[k]. */
  readonly order: readonly number[];
  /** The layer whose output buffer holds it ('' while `flattenOf` is pending). */
  readonly layer: string;
  /**
   * A Flatten of this tensor whose values are still in this tensor's storage order: a Gemm or
   * MatMul by a constant reads them as they are, with its weight's rows permuted to match
   * (no copy); anything else gets them in the flattened tensor's own order (arrange).
   */
  readonly flattenOf?: Value;
}

export type Operand = Value | OnnxTensor;
export const isValue = (x: Operand): x is Value => 'order' in x;

export const identity = (rank: number): number[] => Array.from({ length: rank }, (_, i) => i);

/** The largest number of values one sample of a tensor may have in slimprune/infer (2^28: 1 GiB of float32). */
export const MAX_SAMPLE_VALUES = 2 ** 28;

/** Whether two orders of a tensor put its values in the same memory order (axes of size 1 do not count). */
export function sameMemory(a: readonly number[], b: readonly number[], dims: readonly number[]): boolean {
  const big = (o: readonly number[]) => o.filter((axis) => dims[axis] !== 1);
  const x = big(a);
  const y = big(b);
  return x.length === y.length && x.every((axis, i) => axis === y[i]);
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The order `v` can be had in without a copy (a pending Flatten's own: its values need arranging anyway). */
export const orderOf = (v: Value): readonly number[] => (v.flattenOf ? identity(v.dims.length) : v.order);

/** `order` with `axis` moved to the end: what a layer over the last axis needs. */
export const withLast = (order: readonly number[], axis: number): number[] => [...order.filter((a) => a !== axis), axis];

/** The storage shape of `v` in `order`. */
export const shapeIn = (v: Value, order: readonly number[]): number[] => order.map((axis) => v.dims[axis]!);

export class TopologyBuilder {
  private readonly list: TopologyLayer[] = [];
  readonly weights = new Map<string, Weight>();
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly taken = new Set<string>();
  private readonly arranged = new Map<string, string>();
  private readonly computes = new Map<string, string>();

  constructor(readonly input: string, readonly inputShape: readonly number[]) {
    this.shapes.set(input, inputShape);
    this.taken.add(input);
  }

  /** The output shape of a layer (or of the input). */
  shapeOf(layer: string): readonly number[] {
    return this.shapes.get(layer)!;
  }

  /** The tensor a layer was added to compute (its `base`). */
  tensorOf(layer: string): string | undefined {
    return this.computes.get(layer);
  }

  layerNamed(name: string): TopologyLayer | undefined {
    return this.list.find((l) => l.name === name);
  }

  /** Replaces a layer's config and weights (a bias folded into it), its output shape unchanged. */
  update(name: string, config: TopologyLayer['config'], weights: Readonly<Record<string, Weight>>): void {
    const at = this.list.findIndex((l) => l.name === name);
    this.list[at] = { ...this.list[at]!, config };
    for (const [role, w] of Object.entries(weights)) this.weights.set(`${name}/${role}`, w);
  }

  /**
   * Adds a layer named after `base` (made unique), planned at once, so a shape or weight that
   * does not fit is refused here, by the node that asked for it; returns its name and output shape.
   */
  add(base: string, className: string, config: TopologyLayer['config'], inputs: readonly string[], weights: Readonly<Record<string, Weight>> = {}): { name: string; shape: readonly number[] } {
    let name = base;
    for (let k = 2; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    const layer: TopologyLayer = { name, className, config, inputs };
    for (const [role, w] of Object.entries(weights)) this.weights.set(`${name}/${role}`, w);
    const shape = planLayer(layer, inputs.map((i) => this.shapeOf(i)), this.weights).outShape;
    if (size(shape) > MAX_SAMPLE_VALUES) {
      throw new RangeError(`its output of shape [${shape.join(', ')}] per sample is ${size(shape)} values, more than the ${MAX_SAMPLE_VALUES} slimprune/infer holds`);
    }
    this.list.push(layer);
    this.shapes.set(name, shape);
    this.computes.set(name, base);
    return { name, shape };
  }

  /** `layer`'s values under the shape `shape` (a Reshape layer when its own shape differs). */
  reshaped(layer: string, shape: readonly number[]): string {
    if (same(this.shapeOf(layer), shape)) return layer;
    const key = `${layer}|reshape|${shape.join(',')}`;
    const have = this.arranged.get(key);
    if (have !== undefined) return have;
    const made = this.add(`${layer}/reshaped`, 'Reshape', { target_shape: [...shape] }, [layer]).name;
    this.arranged.set(key, made);
    return made;
  }

  /** A layer holding `v` in `order`, of shape shapeIn(v, order): `v`'s own, or a Reshape and/or a Permute of it. */
  arrange(v: Value, order: readonly number[]): string {
    const target = shapeIn(v, order);
    if (v.flattenOf) {
      const source = v.flattenOf;
      return this.reshaped(this.arrange(source, identity(source.dims.length)), target);
    }
    if (sameMemory(v.order, order, v.dims)) return this.reshaped(v.layer, target);
    const stored = this.reshaped(v.layer, shapeIn(v, v.order));
    // Keras's Permute numbers the axes from 1: output axis k is the stored axis holding order[k].
    const dims = order.map((axis) => v.order.indexOf(axis) + 1);
    const key = `${stored}|permute|${dims.join(',')}`;
    const have = this.arranged.get(key);
    if (have !== undefined) return have;
    const made = this.add(`${v.name}/permuted`, 'Permute', { dims }, [stored]).name;
    this.arranged.set(key, made);
    return made;
  }

  topology(output: string): Topology {
    return { layers: [...this.list], input: this.input, inputShape: this.inputShape, output };
  }
}
