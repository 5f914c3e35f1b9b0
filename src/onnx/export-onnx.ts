/**
 * exportOnnx: a tfjs LayersModel (Sequential or functional, e.g. a compact or a deployed pruned
 * model) as the bytes of an ONNX model (opset 13), read from the model's real topology: each
 * layer call in topological order, with its actual inputs (so residual Adds and Concatenates get
 * both branches), converted by the rule of its class (converters.ts).
 *
 * The ONNX model takes exactly what the tfjs model takes: the same input names and NHWC shapes
 * (batch dimension symbolic, 'N', unless fixed), so the same tensor feeds both. Inside, images
 * go to NCHW once and stay there through the convolutions; they come back to NHWC only where the
 * order matters (Flatten, Dense on images, NHWC outputs): see graph-builder.ts.
 *
 * Opset 13: every op used here has had its current form since 13 or earlier, and onnxruntime
 * (native and web), TensorRT, OpenVINO and the mobile runtimes all read it.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ONNX_DESCRIPTION_KEY } from '../formats/onnx-schema.ts';
import type { ModelDescription } from '../infer/description.ts';
import { ConvertContext, OnnxConversionError } from './converter.ts';
import { ONNX_CONVERTERS, ONNX_LAYER_CLASSES } from './converters.ts';
import { OnnxGraphBuilder, type OnnxValue } from './graph-builder.ts';
import { encodeOnnxModel, type OnnxValueInfo } from './model-proto.ts';

export const ONNX_OPSET = 13;
/** The IR version of opset 13 (ONNX 1.8). */
const IR_VERSION = 7;
const BATCH_DIMENSION = 'N';
const NESTED_MODELS = new Set(['Sequential', 'Functional', 'Model', 'LayersModel']);

export interface OnnxExportOptions {
  /** A fixed batch size for the inputs and outputs (default: a symbolic dimension 'N', any batch). */
  readonly batchSize?: number;
  /** The ONNX graph's name (default: the tfjs model's name). */
  readonly graphName?: string;
  /**
   * What the model's inputs and outputs mean (class names, the pixels' normalisation), written as
   * JSON under the metadata_props key 'slimprune', where slimprune/infer reads it (a prune run's
   * model.json keeps the same object in userDefinedMetadata.slimprune).
   */
  readonly description?: ModelDescription;
}

type Symbolic = tfl.SymbolicTensor;

/** Every tensor the outputs depend on, each after the tensors it is computed from. */
function topologicalOrder(outputs: readonly Symbolic[]): Symbolic[] {
  const order: Symbolic[] = [];
  const done = new Set<number>();
  const stack: { t: Symbolic; expanded: boolean }[] = [...outputs].reverse().map((t) => ({ t, expanded: false }));
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (done.has(top.t.id)) continue;
    if (top.expanded) {
      done.add(top.t.id);
      order.push(top.t);
      continue;
    }
    stack.push({ t: top.t, expanded: true });
    for (const i of [...(top.t.inputs ?? [])].reverse()) if (!done.has(i.id)) stack.push({ t: i, expanded: false });
  }
  return order;
}

/** Refuses the model, naming every layer it cannot write and what to do. */
function checkLayers(model: tfl.LayersModel, tensors: readonly Symbolic[]): void {
  const problems = new Map<string, string>();
  for (const t of tensors) {
    const layer = t.sourceLayer;
    const className = layer.getClassName();
    if (className === 'InputLayer' || ONNX_CONVERTERS[className]) continue;
    problems.set(layer.name, NESTED_MODELS.has(className)
      ? `'${layer.name}' (${className}: a model used as a layer; build the outer model from its layers instead)`
      : `'${layer.name}' (${className})`);
  }
  if (problems.size === 0) return;
  throw new Error(
    `exportOnnx: model '${model.name}' has layers that exportOnnx cannot write: ${[...problems.values()].join(', ')}. ` +
      `It writes InputLayer, ${ONNX_LAYER_CLASSES.join(', ')}; replace those layers with these, or convert the model with a general converter ` +
      '(tfjs → Keras with tensorflowjs_converter, then tf2onnx).',
  );
}

function dims(shape: readonly (number | null)[], name: string, batchSize: number | undefined): (number | string)[] {
  return shape.map((d, i) => (i === 0 ? batchSize ?? BATCH_DIMENSION : d ?? `${name}_dim${i}`));
}

/** The ONNX model (a ModelProto's bytes) computing what `model.predict` computes, from the same NHWC inputs. */
export async function exportOnnx(model: tfl.LayersModel, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  if (model === null || typeof model !== 'object' || !Array.isArray((model as { outputs?: unknown }).outputs)) {
    throw new TypeError('exportOnnx: expected a tfjs LayersModel (tf.sequential(), tf.model() or tf.loadLayersModel())');
  }
  const { batchSize } = options;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`exportOnnx: batchSize must be a positive integer, got ${String(batchSize)}`);
  }
  const tensors = topologicalOrder(model.outputs);
  checkLayers(model, tensors);

  const graph = new OnnxGraphBuilder();
  const values = new Map<number, OnnxValue>();
  const inputs: OnnxValueInfo[] = model.inputs.map((t) => {
    const name = graph.claim(t.sourceLayer.name);
    if (t.dtype !== 'float32') throw new Error(`exportOnnx: input '${name}' is ${t.dtype}; exportOnnx writes float32 inputs`);
    values.set(t.id, { shape: t.shape, names: { tfjs: name }, base: name });
    return { name, dims: dims(t.shape, name, batchSize) };
  });

  for (const t of tensors) {
    if (values.has(t.id)) continue;
    const layer = t.sourceLayer;
    if (layer.getClassName() === 'InputLayer') throw new Error(`exportOnnx: input '${layer.name}' is not among the model's inputs`);
    if (t.tensorIndex !== 0) throw new Error(`exportOnnx: layer '${layer.name}' (${layer.getClassName()}) has several outputs; exportOnnx writes layers of one output`);
    const ins = (t.inputs ?? []).map((i) => values.get(i.id)!);
    const ctx = new ConvertContext(layer, ins, t.shape, graph, layer.name);
    try {
      values.set(t.id, ONNX_CONVERTERS[layer.getClassName()]!(ctx));
    } catch (error) {
      if (error instanceof OnnxConversionError) throw new Error(`exportOnnx: ${error.message}`, { cause: error });
      throw error;
    }
  }

  const outputs: OnnxValueInfo[] = model.outputs.map((t) => {
    const value = values.get(t.id)!;
    const wanted = t.sourceLayer.name;
    if (value.names.tfjs === wanted) return { name: wanted, dims: dims(t.shape, wanted, batchSize) };
    // An output in NCHW goes back to NHWC under its own name; one that has its tfjs-layout name
    // under another name (a Dropout's, an input passed through) gets an Identity.
    // (Two outputs of one shared layer cannot both have its name: the second gets a suffix.)
    const name = graph.unique(wanted);
    if (value.names.tfjs !== undefined) graph.node('Identity', [value.names.tfjs], name);
    else graph.node('Transpose', [value.names.nchw!], name, { perm: { ints: [0, 2, 3, 1] } });
    return { name, dims: dims(t.shape, name, batchSize) };
  });

  return encodeOnnxModel({
    graphName: options.graphName ?? model.name,
    nodes: graph.nodes,
    initializers: graph.initializers,
    inputs,
    outputs,
    opset: ONNX_OPSET,
    irVersion: IR_VERSION,
    producerName: 'slimprune',
    docString: `The tfjs model '${model.name}', exported by slimprune's exportOnnx. Inputs are NHWC, as the tfjs model's.`,
    metadata: {
      input_layout: 'NHWC',
      source_format: 'tfjs-layers',
      ...(options.description && { [ONNX_DESCRIPTION_KEY]: JSON.stringify(options.description) }),
    },
  });
}
