/**
 * An ONNX ModelProto's bytes as plain data: the graph's nodes with their attributes, its constant
 * tensors (initializers and Constant nodes are read later, by the translation), its one input and
 * output, the opset of the default domain and the metadata. Decoded by protobufjs from the schema
 * the exporter writes with (src/formats/); every size the bytes claim is checked against the bytes
 * before anything is allocated for it, so truncated or hostile bytes are refused with a message.
 */
import { onnxModelProto } from '../../formats/onnx-proto.ts';
import { ONNX_ATTRIBUTE as ATTRIBUTE, ONNX_EXTERNAL_DATA, ONNX_FLOAT, ONNX_INT32, ONNX_INT64 } from '../../formats/onnx-schema.ts';

/**
 * A constant: float32 values, or integers (int64, int32, int8, uint8, bool: shapes, axes, flags)
 * as numbers. A tensor of another type keeps only its type: a node that needs its values refuses it.
 */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType?: number;
  readonly floats?: Float32Array;
  readonly ints?: readonly number[];
}

export type OnnxAttributeValue = number | readonly number[] | string | OnnxTensor;

export interface OnnxNodeData {
  /** The node's name, or its first output's when it has none: what errors call it. */
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** Input names in order; '' is an optional input left out. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttributeValue>;
}

/** A graph input or output: its name and dimensions (a string for a symbolic one, e.g. the batch). */
export interface OnnxValueInfoData {
  readonly name: string;
  readonly elemType: number | undefined;
  readonly dims: readonly (number | string)[] | undefined;
}

export interface OnnxGraphData {
  readonly nodes: readonly OnnxNodeData[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  /** The graph's inputs that no initializer gives a value (older files list the weights as inputs too). */
  readonly inputs: readonly OnnxValueInfoData[];
  readonly outputs: readonly OnnxValueInfoData[];
  /** The opset version of the default domain ('' or 'ai.onnx'). */
  readonly opset: number;
  readonly metadata: ReadonlyMap<string, string>;
}

/** Refusals of the file as a whole (a node's own problems name the node: translate.ts). */
export class OnnxFormatError extends Error {
  constructor(problem: string) {
    super(`slimprune/infer: the ONNX model ${problem}`);
    this.name = 'OnnxFormatError';
  }
}

/** The largest dimension and element count a tensor may claim (2^31 - 1: more than any wasm32 memory holds). */
export const MAX_DIMENSION = 2 ** 31 - 1;

type Raw = Record<string, unknown>;
const list = (v: unknown): Raw[] => (Array.isArray(v) ? (v as Raw[]) : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function checkedDims(raw: unknown, what: string): number[] {
  const dims = Array.isArray(raw) ? raw.map(Number) : [];
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > MAX_DIMENSION) throw new OnnxFormatError(`has ${what} of dimensions [${dims.join(', ')}]; each must be an integer from 0 to 2^31 - 1`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_DIMENSION) throw new OnnxFormatError(`has ${what} of dimensions [${dims.join(', ')}]: ${count} values, more than slimprune/infer can hold`);
  return dims;
}

const ONNX_UINT8 = 2;
const ONNX_INT8 = 3;
const ONNX_BOOL = 9;
/** Bytes per value in raw_data of the data types read here. */
const WIDTH: Readonly<Record<number, number>> = { [ONNX_FLOAT]: 4, [ONNX_INT32]: 4, [ONNX_INT64]: 8, [ONNX_UINT8]: 1, [ONNX_INT8]: 1, [ONNX_BOOL]: 1 };

/** A TensorProto's values, from raw_data (little-endian) or the typed fields, their count checked first. */
function tensorOf(raw: Raw, fallbackName: string): OnnxTensor {
  const name = text(raw['name']) || fallbackName;
  const what = `tensor '${name}'`;
  if (raw['data_location'] === ONNX_EXTERNAL_DATA) {
    throw new OnnxFormatError(`keeps ${what} in an external data file; slimprune/infer reads models whose weights are inside the .onnx file (save it without external data)`);
  }
  const dims = checkedDims(raw['dims'], what);
  const count = dims.reduce((a, b) => a * b, 1);
  const type = Number(raw['data_type'] ?? 0);
  const bytes = raw['raw_data'] instanceof Uint8Array ? raw['raw_data'] : undefined;
  const width = WIDTH[type];
  if (width === undefined) return { name, dims, dataType: type };
  // onnx.proto keeps int8, uint8 and bool values in int32_data.
  const typed = list(raw[type === ONNX_FLOAT ? 'float_data' : type === ONNX_INT64 ? 'int64_data' : 'int32_data']) as unknown as number[];
  const given = bytes && bytes.byteLength > 0 ? bytes.byteLength / width : typed.length;
  if (given !== count) {
    throw new OnnxFormatError(`has ${what} of dimensions [${dims.join(', ')}] (${count} values) holding ${given}; the file is damaged or was cut short`);
  }
  if (bytes && bytes.byteLength > 0) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (type === ONNX_FLOAT) {
      const floats = new Float32Array(count);
      for (let i = 0; i < count; i++) floats[i] = view.getFloat32(4 * i, true);
      return { name, dims, dataType: type, floats };
    }
    const ints = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      ints[i] = type === ONNX_INT64 ? Number(view.getBigInt64(8 * i, true))
        : type === ONNX_INT32 ? view.getInt32(4 * i, true)
        : type === ONNX_INT8 ? view.getInt8(i)
        : view.getUint8(i);
    }
    return { name, dims, dataType: type, ints };
  }
  return type === ONNX_FLOAT ? { name, dims, dataType: type, floats: Float32Array.from(typed) } : { name, dims, dataType: type, ints: typed.map(Number) };
}

/** An attribute's value by its declared type (or, in files that leave the type out, by the field set). */
function attributeValue(raw: Raw, node: string): OnnxAttributeValue | undefined {
  const type = Number(raw['type'] ?? 0);
  const has = (field: string) => raw[field] !== undefined && !(Array.isArray(raw[field]) && (raw[field] as unknown[]).length === 0);
  if (type === ATTRIBUTE.FLOAT || (type === 0 && has('f'))) return Number(raw['f'] ?? 0);
  if (type === ATTRIBUTE.INT || (type === 0 && has('i'))) return Number(raw['i'] ?? 0);
  if (type === ATTRIBUTE.STRING || (type === 0 && has('s'))) return raw['s'] instanceof Uint8Array ? new TextDecoder().decode(raw['s']) : '';
  if (type === ATTRIBUTE.TENSOR || (type === 0 && has('t'))) return tensorOf((raw['t'] ?? {}) as Raw, `${node}/${text(raw['name'])}`);
  if (type === ATTRIBUTE.FLOATS || (type === 0 && has('floats'))) return list(raw['floats']).map(Number);
  if (type === ATTRIBUTE.INTS || (type === 0 && has('ints'))) return list(raw['ints']).map(Number);
  // Graphs, sparse tensors, string lists: attributes of ops slimprune/infer does not run, which
  // are refused by their op type; keep the node readable until then.
  return undefined;
}

function valueInfo(raw: Raw): OnnxValueInfoData {
  const tensor = ((raw['type'] as Raw | undefined)?.['tensor_type'] ?? undefined) as Raw | undefined;
  const shape = tensor?.['shape'] as Raw | undefined;
  const dims = shape === undefined ? undefined : list(shape['dim']).map((d) => (d['dim_value'] !== undefined ? Number(d['dim_value']) : text(d['dim_param'])));
  const elemType = tensor?.['elem_type'] === undefined ? undefined : Number(tensor['elem_type']);
  return { name: text(raw['name']), elemType, dims };
}

/** Decodes and checks the bytes of an ONNX model. */
export async function readOnnxGraph(bytes: Uint8Array): Promise<OnnxGraphData> {
  if (bytes.byteLength === 0) throw new OnnxFormatError('is empty (0 bytes)');
  const type = await onnxModelProto();
  let model: Raw;
  try {
    model = type.toObject(type.decode(bytes), { longs: Number, enums: Number, arrays: true }) as Raw;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OnnxFormatError(`cannot be decoded as an ONNX ModelProto (${why}); the file is damaged, cut short, or not ONNX`);
  }
  const graph = model['graph'] as Raw | undefined;
  if (!graph || list(graph['node']).length === 0) throw new OnnxFormatError('has no graph (no nodes); is it an ONNX model file?');
  const opsets = list(model['opset_import']);
  const main = opsets.find((o) => text(o['domain']) === '' || text(o['domain']) === 'ai.onnx');
  // IR version 3 and later name their opsets; a file without one is refused rather than guessed at.
  if (!main) throw new OnnxFormatError('imports no opset of the default ONNX domain');
  const opset = Number(main['version']);

  const initializers = new Map<string, OnnxTensor>();
  for (const t of list(graph['initializer'])) {
    const tensor = tensorOf(t, '');
    if (!tensor.name) throw new OnnxFormatError('has an initializer without a name');
    initializers.set(tensor.name, tensor);
  }
  const nodes = list(graph['node']).map((n, index): OnnxNodeData => {
    const outputs = list(n['output']) as unknown as string[];
    const name = text(n['name']) || outputs[0] || `#${index}`;
    const attributes = new Map<string, OnnxAttributeValue>();
    for (const a of list(n['attribute'])) {
      const value = attributeValue(a, name);
      if (value !== undefined) attributes.set(text(a['name']), value);
    }
    return { name, opType: text(n['op_type']), domain: text(n['domain']), inputs: list(n['input']) as unknown as string[], outputs, attributes };
  });
  const metadata = new Map(list(model['metadata_props']).map((p) => [text(p['key']), text(p['value'])]));
  return {
    nodes,
    initializers,
    inputs: list(graph['input']).map(valueInfo).filter((i) => !initializers.has(i.name)),
    outputs: list(graph['output']).map(valueInfo),
    opset,
    metadata,
  };
}
