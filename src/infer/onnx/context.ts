/**
 * What a node's translation rule (nodes-*.ts) sees: its inputs (computed Values or constants), its
 * attributes with ONNX's defaults, the topology being built, and a way to refuse the node naming
 * it, what is wrong and what to do.
 */
import { isValue, TopologyBuilder, type Operand, type Value } from './builder.ts';
import type { OnnxAttributeValue, OnnxNodeData, OnnxTensor } from './read.ts';

/** A node slimprune/infer cannot run as it is; the message names it. */
export class OnnxNodeError extends Error {
  constructor(node: OnnxNodeData, problem: string) {
    super(`slimprune/infer: ONNX node '${node.name}' (${node.opType}) ${problem}`);
    this.name = 'OnnxNodeError';
  }
}

/** The largest number of multiply-adds (or window taps) one node may take per sample: 2^36. */
export const MAX_NODE_WORK = 2 ** 36;

export class NodeContext {
  constructor(
    readonly node: OnnxNodeData,
    readonly builder: TopologyBuilder,
    private readonly operands: readonly (Operand | undefined)[],
    /** The default domain's opset: some ops' defaults and inputs changed over versions. */
    readonly opset: number,
    /** How many nodes (and graph outputs) read a tensor. */
    readonly readers: (tensor: string) => number,
    /** The graph input's batch size when the file fixes it (a Reshape may name it). */
    readonly batch: number | undefined,
  ) {}

  /** The base name of the node's layers: its first output's. */
  get base(): string {
    return this.node.outputs[0]!;
  }

  refuse(problem: string): never {
    throw new OnnxNodeError(this.node, problem);
  }

  /** Input i, which must be computed (a constant here would be a graph slimprune/infer does not run). */
  value(i: number): Value {
    const x = this.operands[i];
    if (x === undefined) this.refuse(`has no input ${i}; it needs one`);
    if (!isValue(x)) this.refuse(`reads the constant '${x.name}' where slimprune/infer takes a computed tensor (it folds constants into weights only)`);
    return x;
  }

  /** Input i, which must be a constant (an initializer or a Constant node's output), or undefined if left out. */
  optionalConstant(i: number): OnnxTensor | undefined {
    const x = this.operands[i];
    if (x === undefined) return undefined;
    if (isValue(x)) this.refuse(`computes its input ${i} ('${x.name}'), which slimprune/infer needs as a constant (an initializer)`);
    return x;
  }

  constant(i: number, what: string): OnnxTensor {
    const t = this.optionalConstant(i);
    if (!t) this.refuse(`has no ${what} (input ${i})`);
    return t;
  }

  /** The float32 values of constant input i, in ONNX's row-major order. */
  floats(i: number, what: string): { dims: readonly number[]; data: Float32Array } {
    const t = this.constant(i, what);
    if (!t.floats) this.refuse(`has a ${what} ('${t.name}') of ONNX data type ${t.dataType ?? 'unknown'}; it must be float32 (1)`);
    return { dims: t.dims, data: t.floats };
  }

  /** Whether input i is given and computed (not a constant). */
  isComputed(i: number): boolean {
    const x = this.operands[i];
    return x !== undefined && isValue(x);
  }

  get inputCount(): number {
    return this.operands.length;
  }

  private attribute(name: string): OnnxAttributeValue | undefined {
    return this.node.attributes.get(name);
  }

  int(name: string, fallback: number): number {
    const a = this.attribute(name);
    if (a === undefined) return fallback;
    if (typeof a !== 'number' || !Number.isInteger(a)) this.refuse(`has attribute ${name} = ${JSON.stringify(a)}; it must be an integer`);
    return a;
  }

  float(name: string, fallback: number): number {
    const a = this.attribute(name);
    if (a === undefined) return fallback;
    if (typeof a !== 'number') this.refuse(`has attribute ${name} = ${JSON.stringify(a)}; it must be a number`);
    return a;
  }

  ints(name: string): readonly number[] | undefined {
    const a = this.attribute(name);
    if (a === undefined) return undefined;
    if (!Array.isArray(a) || !a.every((v) => Number.isInteger(v))) this.refuse(`has attribute ${name} = ${JSON.stringify(a)}; it must be a list of integers`);
    return a as readonly number[];
  }

  floatList(name: string): readonly number[] | undefined {
    const a = this.attribute(name);
    if (a === undefined) return undefined;
    if (!Array.isArray(a)) this.refuse(`has attribute ${name} = ${JSON.stringify(a)}; it must be a list of numbers`);
    return a as readonly number[];
  }

  string(name: string, fallback: string): string {
    const a = this.attribute(name);
    if (a === undefined) return fallback;
    if (typeof a !== 'string') this.refuse(`has attribute ${name} = ${JSON.stringify(a)}; it must be a string`);
    return a;
  }

  tensorAttribute(name: string): OnnxTensor | undefined {
    const a = this.attribute(name);
    return a !== undefined && typeof a === 'object' && !Array.isArray(a) ? (a as OnnxTensor) : undefined;
  }

  hasAttribute(name: string): boolean {
    return this.attribute(name) !== undefined;
  }

  /** Refuses the node if outputs from `first` on are read (a MaxPool's Indices, a Dropout's mask, …). */
  onlyFirstOutputs(first: number, what: string): void {
    for (const name of this.node.outputs.slice(first)) {
      if (name !== '' && this.readers(name) > 0) this.refuse(`has its ${what} output '${name}' read; slimprune/infer computes only the first output`);
    }
  }

  /** Refuses a node that would take more than MAX_NODE_WORK multiply-adds per sample. */
  checkWork(work: number): void {
    if (work > MAX_NODE_WORK) this.refuse(`takes ${work} multiply-adds per sample, more than the 2^36 slimprune/infer runs in one node; the file's sizes are wrong or hostile`);
  }
}
