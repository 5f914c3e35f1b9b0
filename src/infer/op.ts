/**
 * What one layer becomes in an inference plan: its output's shape (one sample, NHWC) and, once the
 * plan has placed every buffer in the kernels' memory for a batch size, the step that computes it.
 */
import type { Padding } from '../kernels/geometry.ts';
import type { KernelInstance } from '../wasm/loader.ts';
import type { TopologyLayer } from './model-json.ts';
import type { Weight } from './weights.ts';

export interface Placement {
  readonly k: KernelInstance;
  readonly batch: number;
  /** The inputs' buffers (pointers into the kernels' memory) and sample shapes, in order. */
  readonly inputs: readonly { readonly ptr: number; readonly shape: readonly number[] }[];
  /** This layer's output buffer. */
  readonly output: number;
  /** Copies data into the kernels' memory for the plan's lifetime. */
  put(data: Float32Array): number;
  alloc(bytes: number): number;
}

export interface LayerOp {
  /** One sample's output shape. */
  readonly outShape: readonly number[];
  /** The output is the first input's buffer, unchanged (Flatten, Dropout). */
  readonly alias?: boolean;
  /** The step for this placement: it reads and writes only the placed buffers. */
  place(p: Placement): () => void;
}

export interface LayerWeights {
  /** The layer's weight of this role ('kernel', 'bias', …), or an error naming it. */
  need(role: string): Weight;
  has(role: string): boolean;
}

export type OpBuilder = (layer: TopologyLayer, inShapes: readonly (readonly number[])[], weights: LayerWeights) => LayerOp;

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A Float32Array over `length` floats at `ptr` (made when a step runs: memory may have grown since). */
export function view(k: KernelInstance, ptr: number, length: number): Float32Array {
  return new Float32Array(k.memory.buffer, ptr, length);
}

export function configPair(value: unknown, fallback: number): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  const pair = value as number[];
  return [pair[0] ?? fallback, pair[1] ?? pair[0] ?? fallback];
}

export function requireChannelsLast(layer: TopologyLayer): void {
  const format = layer.config['data_format'];
  if (format !== undefined && format !== null && format !== 'channels_last') {
    throw new Error(`slimprune/infer: layer ${layer.name} is ${String(format)}; slimprune/infer runs channels_last (NHWC) models`);
  }
}

/**
 * A window's padding: tfjs's 'same' or 'valid', or explicit [[top, bottom], [left, right]] (what
 * an ONNX model's pads become; a tfjs model.json never has them).
 */
export function windowPadding(value: unknown, layer: string): Padding {
  if (value === 'same' || value === 'valid') return value;
  const sides = Array.isArray(value) && value.length === 2 && value.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
  if (sides) return value as [[number, number], [number, number]];
  throw new Error(`slimprune/infer: layer ${layer} has padding ${JSON.stringify(value)}; 'same', 'valid' or [[top, bottom], [left, right]] is supported`);
}
