/**
 * An ONNX model's bytes as what slimprune/infer plans: the topology and weights (translate.ts)
 * and the description the file's metadata carries. The runtime imports this module only when it
 * is given an ONNX model, so a page that runs model.json files does not carry it (nor protobufjs).
 */
import { ONNX_DESCRIPTION_KEY } from '../../formats/onnx-schema.ts';
import { readDescription, type ModelDescription } from '../description.ts';
import { readOnnxGraph } from './read.ts';
import { translateOnnx, type OnnxTranslation } from './translate.ts';

export interface LoadedOnnx extends OnnxTranslation {
  readonly description: ModelDescription;
}

function describe(metadata: ReadonlyMap<string, string>): ModelDescription {
  const text = metadata.get(ONNX_DESCRIPTION_KEY);
  if (text === undefined) return {};
  try {
    return readDescription(JSON.parse(text));
  } catch {
    return {};
  }
}

export async function loadOnnx(bytes: Uint8Array): Promise<LoadedOnnx> {
  const graph = await readOnnxGraph(bytes);
  return { ...translateOnnx(graph), description: describe(graph.metadata) };
}
