/**
 * An ONNX model as plain data (nodes, initializers, typed inputs and outputs) and its encoding as
 * the bytes of an ONNX ModelProto, by protobufjs from the descriptor both the exporter and the
 * runtime's loader share (src/formats/: why protobufjs, and its light build loaded on first use).
 */
import { onnxModelProto } from '../formats/onnx-proto.ts';
import { ONNX_ATTRIBUTE, ONNX_FLOAT, ONNX_INT64 } from '../formats/onnx-schema.ts';

export type OnnxAttribute =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | { readonly string: string };

export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A constant tensor: float32, or int64 (shapes, pads), stored little-endian as raw_data. */
export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

/** A graph input or output: float32, with its dimensions (a string is a symbolic dimension, e.g. the batch). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dims: readonly (number | string)[];
}

export interface OnnxModel {
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** The default ONNX domain's opset version the nodes are written for. */
  readonly opset: number;
  readonly irVersion: number;
  readonly producerName: string;
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
}

function attributeProto(name: string, a: OnnxAttribute): Record<string, unknown> {
  if ('int' in a) return { name, type: ONNX_ATTRIBUTE.INT, i: a.int };
  if ('ints' in a) return { name, type: ONNX_ATTRIBUTE.INTS, ints: [...a.ints] };
  if ('float' in a) return { name, type: ONNX_ATTRIBUTE.FLOAT, f: a.float };
  if ('floats' in a) return { name, type: ONNX_ATTRIBUTE.FLOATS, floats: [...a.floats] };
  return { name, type: ONNX_ATTRIBUTE.STRING, s: new TextEncoder().encode(a.string) };
}

/** Little-endian bytes whatever the host's byte order (TensorProto.raw_data is little-endian). */
function rawData(data: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else data.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  return bytes;
}

function valueInfo(v: OnnxValueInfo): Record<string, unknown> {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: ONNX_FLOAT,
        shape: { dim: v.dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) },
      },
    },
  };
}

/** protobuf's limit on one message: weights beyond it would need ONNX's external-data files. */
const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

/** The bytes of the ModelProto of `model`. */
export async function encodeOnnxModel(model: OnnxModel): Promise<Uint8Array> {
  const weightBytes = model.initializers.reduce((n, t) => n + t.data.byteLength, 0);
  if (weightBytes > MAX_MESSAGE_BYTES) {
    throw new RangeError(`exportOnnx: the weights take ${weightBytes} bytes, past protobuf's 2 GiB limit on one ONNX file; exportOnnx does not write ONNX's external-data files`);
  }
  const type = await onnxModelProto();
  const message = {
    ir_version: model.irVersion,
    opset_import: [{ domain: '', version: model.opset }],
    producer_name: model.producerName,
    doc_string: model.docString,
    metadata_props: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: model.graphName,
      node: model.nodes.map((n) => ({
        op_type: n.opType,
        name: n.name,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes ?? {}).map(([name, a]) => attributeProto(name, a)),
      })),
      initializer: model.initializers.map((t) => ({
        name: t.name,
        dims: [...t.dims],
        data_type: t.data instanceof Float32Array ? ONNX_FLOAT : ONNX_INT64,
        raw_data: rawData(t.data),
      })),
      input: model.inputs.map(valueInfo),
      output: model.outputs.map(valueInfo),
    },
  };
  const bytes = type.encode(message).finish();
  // Node's protobufjs writer returns a Buffer; hand back a plain Uint8Array in every runtime.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
