/**
 * Export of a model in tfjs's own format (model.json + a weights .bin), through tfjs's own
 * `model.save` with a custom IOHandler, so the artefacts are exactly what tfjs writes and what
 * stock `tf.loadLayersModel` reads. Runtime-neutral: this returns the bytes; writing them to disk
 * (atomically) is src/prune/model-folder.ts, for Node and Deno.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The name of the weights file that model.json's manifest points to. */
export const WEIGHTS_FILE = 'weights.bin';
export const MODEL_FILE = 'model.json';

export interface ModelExport {
  /** The parsed model.json (tfjs's format: modelTopology, weightsManifest, format, …). */
  readonly modelJson: tf.io.ModelJSON;
  /** The weights file's bytes. */
  readonly weights: Uint8Array;
  /** The two files, model.json (UTF-8) and weights.bin. */
  readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

export interface ExportOptions {
  /**
   * Written as model.json's userDefinedMetadata (what tfjs's model.getUserDefinedMetadata() and
   * slimprune/infer read), e.g. how inputs are normalised and what the classes are called.
   */
  readonly metadata?: Record<string, unknown>;
}

/** model.json and weights.bin of `model`, as tfjs's model.save produces them. */
export async function exportModel(model: tfl.LayersModel, options: ExportOptions = {}): Promise<ModelExport> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    captured = artifacts;
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  if (!captured || captured.weightSpecs === undefined || captured.weightData === undefined) {
    throw new Error('exportModel: tfjs saved no weights for this model');
  }
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(captured.weightData));
  const modelJson: tf.io.ModelJSON = {
    modelTopology: captured.modelTopology as tf.io.ModelJSON['modelTopology'],
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: captured.weightSpecs }],
    format: captured.format,
    generatedBy: captured.generatedBy,
    convertedBy: captured.convertedBy,
    ...(captured.trainingConfig ? { trainingConfig: captured.trainingConfig } : {}),
    ...(captured.userDefinedMetadata || options.metadata
      ? { userDefinedMetadata: { ...(captured.userDefinedMetadata ?? {}), ...(options.metadata ?? {}) } as Record<string, {}> }
      : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(modelJson));
  return { modelJson, weights, files: [{ name: MODEL_FILE, bytes: json }, { name: WEIGHTS_FILE, bytes: weights }] };
}

/**
 * Storage of a model (METHOD.md §9): bytes of its saved weights, and gzip'd (CompressionStream,
 * present in Node ≥ 18, Deno and browsers).
 */
export async function modelStorage(model: tfl.LayersModel | ModelExport): Promise<{ weightBytes: number; gzipBytes: number }> {
  const exported = 'weights' in model && model.weights instanceof Uint8Array ? model : await exportModel(model as tfl.LayersModel);
  const stream = new Blob([exported.weights as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  const gzipped = await new Response(stream).arrayBuffer();
  return { weightBytes: exported.weights.length, gzipBytes: gzipped.byteLength };
}
