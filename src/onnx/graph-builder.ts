/**
 * Building the ONNX graph of a tfjs model: unique value names, nodes, constants, and the two
 * layouts a tensor can have in it.
 *
 * tfjs keeps images channels-last (NHWC); ONNX's Conv, pooling and BatchNormalization take them
 * channels-first (NCHW). A value (one tfjs tensor) therefore has a name in tfjs's own layout, in
 * NCHW, or both: `as(value, layout)` hands back the name in the layout a node needs and adds the
 * Transpose the first time it is asked for, so a chain of convolutions stays in NCHW and a
 * tensor goes back to tfjs's layout only where the order matters (Flatten, Dense, the outputs).
 * Names: a layer's output is its layer name in tfjs's layout and `<name>:nchw` channels-first.
 */
import type { OnnxAttribute, OnnxInitializer, OnnxNode } from './model-proto.ts';

/** 'tfjs': the tensor's tfjs axis order (NHWC for images); 'nchw': channels first (rank 4 only). */
export type Layout = 'tfjs' | 'nchw';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** One tfjs tensor of the model in the ONNX graph. */
export interface OnnxValue {
  /** Its tfjs shape (batch first, null where unknown). */
  readonly shape: readonly (number | null)[];
  /** Its name in each layout it has been written in (at least one). */
  readonly names: Partial<Record<Layout, string>>;
  /** The base of its names (the layer that produced it). */
  readonly base: string;
}

export const attr = {
  int: (int: number): OnnxAttribute => ({ int }),
  ints: (ints: readonly number[]): OnnxAttribute => ({ ints }),
  float: (float: number): OnnxAttribute => ({ float }),
  string: (string: string): OnnxAttribute => ({ string }),
};

export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly taken = new Set<string>();

  /** `base`, or `base_2`, `base_3`, … if taken: every name in an ONNX graph is unique. */
  unique(base: string): string {
    let name = base;
    for (let k = 2; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }

  /** Claims `name` exactly (graph inputs and outputs keep the tfjs model's names). */
  claim(name: string): string {
    if (this.taken.has(name)) throw new Error(`exportOnnx: internal: the name '${name}' is used twice in the graph`);
    this.taken.add(name);
    return name;
  }

  /** Adds a node writing `output` (a name from unique() or claim()). */
  node(opType: string, inputs: readonly string[], output: string, attributes?: Readonly<Record<string, OnnxAttribute>>): string {
    this.nodes.push({ opType, name: output, inputs, outputs: [output], ...(attributes && { attributes }) });
    return output;
  }

  /** A float32 or int64 constant (an initializer); returns its name. */
  constant(base: string, dims: readonly number[], data: Float32Array | BigInt64Array): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims, data });
    return name;
  }

  /** A new value written by the caller in `layout`, named after `base`; returns it and its name. */
  value(base: string, shape: readonly (number | null)[], layout: Layout): { value: OnnxValue; name: string } {
    if (layout === 'nchw' && shape.length !== 4) throw new Error(`exportOnnx: internal: a rank-${shape.length} value cannot be NCHW`);
    const name = this.unique(layout === 'nchw' ? `${base}:nchw` : base);
    return { value: { shape, names: { [layout]: name }, base }, name };
  }

  /** The name of `value` in `layout`, transposing it once if it has only the other. */
  as(value: OnnxValue, layout: Layout): string {
    const have = value.names[layout];
    if (have !== undefined) return have;
    if (value.shape.length !== 4) throw new Error(`exportOnnx: internal: a rank-${value.shape.length} value has only an NCHW name`);
    const from = layout === 'nchw' ? value.names.tfjs! : value.names.nchw!;
    const name = this.unique(layout === 'nchw' ? `${value.base}:nchw` : value.base);
    this.node('Transpose', [from], name, { perm: attr.ints(layout === 'nchw' ? TO_NCHW : TO_NHWC) });
    value.names[layout] = name;
    return name;
  }

  /** The layout to combine `values` in: one they all have already, else the first one's. */
  commonLayout(values: readonly OnnxValue[]): Layout {
    if (values.some((v) => v.shape.length !== 4)) return 'tfjs';
    for (const layout of ['nchw', 'tfjs'] as const) if (values.every((v) => v.names[layout] !== undefined)) return layout;
    return values[0]!.names.nchw !== undefined ? 'nchw' : 'tfjs';
  }
}

/** The ONNX axis of tfjs axis `axis` (negative counts from the end) of a rank-`rank` tensor in `layout`. */
export function onnxAxis(axis: number, rank: number, layout: Layout): number {
  const a = axis < 0 ? axis + rank : axis;
  if (layout === 'tfjs') return a;
  return TO_NCHW.indexOf(a);
}
