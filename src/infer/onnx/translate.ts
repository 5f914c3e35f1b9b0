/**
 * An ONNX graph as the topology and weights slimprune/infer plans (the ones a model.json gives),
 * so an ONNX model runs the same layers, fusions and kernels: the nodes the output depends on, in
 * an order where each follows its inputs, each turned into layers by the rule of its op
 * (rules.ts), with every tensor's layout tracked (builder.ts).
 *
 * Refused before any layer is made, each with what was wrong: several inputs or outputs, an input
 * whose dimensions other than the batch are not fixed, a tensor written twice, a node reading a
 * tensor nothing defines, a cycle, and (all of them at once) the nodes of ops it does not run.
 */
import { ONNX_FLOAT } from '../../formats/onnx-schema.ts';
import type { Topology } from '../model-json.ts';
import type { Weight } from '../weights.ts';
import { identity, isValue, MAX_SAMPLE_VALUES, TopologyBuilder, type Operand } from './builder.ts';
import { NodeContext, OnnxNodeError } from './context.ts';
import { OnnxFormatError, type OnnxGraphData, type OnnxNodeData } from './read.ts';
import { ONNX_OPS_TEXT, ONNX_RULES } from './rules.ts';

export interface OnnxTranslation {
  readonly topology: Topology;
  readonly weights: ReadonlyMap<string, Weight>;
}

/** The oldest opset whose forms of the ops here the rules read (Softmax and Clip changed at 11 and 13: both read). */
const OLDEST_OPSET = 7;

const isDefaultDomain = (domain: string) => domain === '' || domain === 'ai.onnx';

function graphInput(graph: OnnxGraphData): { name: string; sample: number[]; batch: number | undefined } {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new OnnxFormatError(`has ${graph.inputs.length} input(s) and ${graph.outputs.length} output(s) (initializers aside); slimprune/infer runs models of one input and one output`);
  }
  const input = graph.inputs[0]!;
  if (input.elemType !== undefined && input.elemType !== ONNX_FLOAT) {
    throw new OnnxFormatError(`takes input '${input.name}' of ONNX data type ${input.elemType}; slimprune/infer takes float32 (1)`);
  }
  const dims = input.dims;
  const show = dims ? `[${dims.map((d) => (typeof d === 'string' ? d || '?' : d)).join(', ')}]` : 'of unknown shape';
  if (!dims || dims.length < 2 || dims.slice(1).some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)) {
    throw new OnnxFormatError(`takes input '${input.name}' ${show}; slimprune/infer needs a batch axis first and every other dimension fixed`);
  }
  const sample = dims.slice(1) as number[];
  const values = sample.reduce((a, b) => a * b, 1);
  if (values > MAX_SAMPLE_VALUES) throw new OnnxFormatError(`takes input '${input.name}' ${show}: ${values} values per sample, more than the ${MAX_SAMPLE_VALUES} slimprune/infer holds`);
  const batch = typeof dims[0] === 'number' && dims[0] > 0 ? dims[0] : undefined;
  return { name: input.name, sample, batch };
}

/** The nodes the output depends on, each after the nodes it reads, checking that every tensor read is defined. */
function neededNodes(graph: OnnxGraphData, input: string, output: string): OnnxNodeData[] {
  const producer = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    for (const o of node.outputs) {
      if (o === '') continue;
      if (producer.has(o) || graph.initializers.has(o) || o === input) {
        throw new OnnxNodeError(node, `writes '${o}', which ${producer.has(o) ? `node '${graph.nodes[producer.get(o)!]!.name}' writes too` : 'the graph defines already'}; every tensor of an ONNX graph is written once`);
      }
      producer.set(o, i);
    }
  });
  const defined = (name: string) => producer.has(name) || graph.initializers.has(name) || name === input;
  if (!defined(output)) throw new OnnxFormatError(`has the output '${output}', which no node computes`);

  const needed = new Set<number>();
  const stack = [output];
  while (stack.length > 0) {
    const i = producer.get(stack.pop()!);
    if (i === undefined || needed.has(i)) continue;
    needed.add(i);
    const node = graph.nodes[i]!;
    for (const name of node.inputs) {
      if (name === '') continue;
      if (!defined(name)) throw new OnnxNodeError(node, `reads '${name}', which no node, initializer or graph input defines`);
      stack.push(name);
    }
  }

  const unsupported = [...needed].sort((a, b) => a - b).map((i) => graph.nodes[i]!).filter((n) => !isDefaultDomain(n.domain) || !(n.opType in ONNX_RULES));
  if (unsupported.length > 0) {
    const list = unsupported.map((n) => `'${n.name}' (${isDefaultDomain(n.domain) ? '' : `${n.domain}.`}${n.opType})`).join(', ');
    throw new Error(`slimprune/infer cannot run the ONNX nodes ${list}; it runs ${ONNX_OPS_TEXT}. Run this model with onnxruntime, or export it from a model of those ops`);
  }

  // Kahn's order over the needed nodes; a node left over is on a cycle.
  const waiting = new Map<number, number>();
  const dependents = new Map<number, number[]>();
  for (const i of needed) {
    let count = 0;
    for (const name of graph.nodes[i]!.inputs) {
      const p = producer.get(name);
      if (p === undefined) continue;
      count++;
      const list = dependents.get(p);
      if (list) list.push(i);
      else dependents.set(p, [i]);
    }
    waiting.set(i, count);
  }
  const ready = [...needed].filter((i) => waiting.get(i) === 0).sort((a, b) => a - b);
  const order: OnnxNodeData[] = [];
  for (let head = 0; head < ready.length; head++) {
    const i = ready[head]!;
    order.push(graph.nodes[i]!);
    for (const d of dependents.get(i) ?? []) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (order.length < needed.size) {
    const stuck = [...needed].find((i) => waiting.get(i)! > 0)!;
    throw new OnnxNodeError(graph.nodes[stuck]!, 'is on a cycle (it depends on its own output); an ONNX graph must be acyclic');
  }
  return order;
}

/** A rule's failure that is not already a refusal naming the node, given the node's name. */
function namedFailure(node: OnnxNodeData, error: unknown): Error {
  if (error instanceof OnnxNodeError || error instanceof OnnxFormatError) return error;
  const message = (error instanceof Error ? error.message : String(error)).replace(/^slimprune\/infer: /, '');
  return new OnnxNodeError(node, `cannot run here: ${message}`);
}

export function translateOnnx(graph: OnnxGraphData): OnnxTranslation {
  if (!(graph.opset >= OLDEST_OPSET)) throw new OnnxFormatError(`is written for opset ${graph.opset}; slimprune/infer reads opset ${OLDEST_OPSET} and later`);
  const input = graphInput(graph);
  const declared = graph.outputs[0]!;
  const nodes = neededNodes(graph, input.name, declared.name);

  const readers = new Map<string, number>([[declared.name, 1]]);
  for (const node of nodes) for (const name of node.inputs) if (name !== '') readers.set(name, (readers.get(name) ?? 0) + 1);
  const readersOf = (name: string) => readers.get(name) ?? 0;

  const builder = new TopologyBuilder(input.name, input.sample);
  const operands = new Map<string, Operand>([[input.name, { name: input.name, dims: input.sample, order: identity(input.sample.length), layer: input.name }]]);
  const lookup = (name: string): Operand | undefined => (name === '' ? undefined : operands.get(name) ?? graph.initializers.get(name));
  for (const node of nodes) {
    const ctx = new NodeContext(node, builder, node.inputs.map(lookup), graph.opset, readersOf, input.batch);
    let outputs: readonly Operand[];
    try {
      outputs = ONNX_RULES[node.opType]!.rule(ctx);
      node.outputs.slice(outputs.length).forEach((name) => name !== '' && readersOf(name) > 0 && ctx.refuse(`has its output '${name}' read; slimprune/infer computes only its first output`));
    } catch (error) {
      throw namedFailure(node, error);
    }
    outputs.forEach((v, k) => operands.set(node.outputs[k]!, v));
  }

  const out = operands.get(declared.name)!;
  if (!isValue(out)) throw new OnnxFormatError(`has the output '${declared.name}', which is a constant`);
  const wanted = declared.dims?.slice(1);
  if (wanted && wanted.every((d) => typeof d === 'number') && (wanted.length !== out.dims.length || wanted.some((d, i) => d !== out.dims[i]))) {
    throw new OnnxFormatError(`declares its output '${declared.name}' as [N, ${wanted.join(', ')}], but its nodes compute [N, ${out.dims.join(', ')}]`);
  }
  const layer = builder.arrange(out, identity(out.dims.length));
  return { topology: builder.topology(layer), weights: builder.weights };
}
