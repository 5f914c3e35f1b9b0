/**
 * Reading a model in tfjs's format (model.json + weight files) from a path or URL in any runtime
 * (tfjs's own `file://` handler needs tfjs-node, which slimprune does not use), with errors that
 * name the file and what is wrong. Writing one is src/prune/model-folder.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeLocation, joinLocation } from '../platform/files.ts';
import { readBytes } from '../platform/read-bytes.ts';
import { ManifestMismatchError, modelFromManifest } from './manifest-check.ts';

/** The folder of a file location, for resolving the weight paths of its manifest. */
function folderOf(location: string): string {
  const cut = location.replace(/[\\/]+$/, '').search(/[\\/][^\\/]*$/);
  return cut < 0 ? '.' : location.slice(0, cut + 1);
}

/**
 * Whether a manifest's weight path names a file in the model's folder or below it: a relative
 * path without '..' (percent-encoded or not), not absolute, no drive letter or URL scheme.
 * Anything else would read a file the model's folder does not hold.
 */
function staysInFolder(path: unknown): path is string {
  if (typeof path !== 'string' || path.length === 0) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  if (/^[\\/]/.test(decoded) || /^[a-z][a-z0-9+.-]*:/i.test(decoded)) return false;
  return decoded.split(/[\\/]/).every((part) => part !== '..' && part !== '');
}

/**
 * Reads a model.json (path, file URL or http URL) and the weight files its manifest lists,
 * resolved next to it, into tfjs's in-memory artefacts. Fails with the file and the fault: not
 * JSON, not a layers model, a missing weight file, or weight files whose size does not match the
 * manifest.
 */
export async function readModelArtifacts(location: string): Promise<tf.io.ModelArtifacts & { weightData: ArrayBuffer }> {
  const where = describeLocation(location);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(new TextDecoder().decode(await readBytes(location))) as tf.io.ModelJSON;
  } catch (error) {
    if (error instanceof SyntaxError) throw new Error(`${where} is not JSON (${error.message}); pass the model.json that tfjs's model.save wrote`);
    throw new Error(`cannot read the model ${where}: ${(error as Error).message}`, { cause: error });
  }
  if (json === null || typeof json !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${where} is not a tfjs layers model: it needs modelTopology and weightsManifest (save the model with model.save)`);
  }
  const folder = folderOf(location);
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    if (group === null || typeof group !== 'object' || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new Error(`${where} is not a tfjs layers model: each weightsManifest entry needs paths and weights (save the model with model.save)`);
    }
    for (const path of group.paths) {
      if (!staysInFolder(path)) {
        throw new Error(
          `${where} lists the weight file ${String(path)}, which is not a file in the model's folder; weight paths must be names ` +
            "relative to model.json (as model.save writes them), without '..': move the weight file next to model.json and list its name",
        );
      }
      const file = joinLocation(folder, path) as string;
      try {
        parts.push(await readBytes(file));
      } catch (error) {
        throw new Error(`${where} lists the weight file ${path}, which cannot be read (${(error as Error).message}); keep the weight files next to model.json`, { cause: error });
      }
    }
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const bytesPerValue: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1 };
  const expected = weightSpecs.reduce((n, w) => n + (bytesPerValue[w.dtype] ?? 4) * w.shape.reduce((a, b) => a * b, 1), 0);
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  if (weightSpecs.some((w) => w.quantization)) {
    throw new Error(`${where} holds quantized weights, which slimprune cannot train or prune; export the float32 model`);
  }
  if (total !== expected) {
    throw new Error(`the weight files of ${where} hold ${total} bytes but its manifest describes ${expected}; the files are truncated or belong to another model`);
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.byteLength;
  }
  return {
    modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer,
    ...(json.userDefinedMetadata !== undefined && { userDefinedMetadata: json.userDefinedMetadata }),
  };
}

/**
 * A LayersModel built from artefacts (readModelArtifacts); `where` names them in errors. Each
 * weight of the topology is compared with the manifest before it is allocated.
 */
export async function modelFromArtifacts(artifacts: tf.io.ModelArtifacts & { weightData: ArrayBuffer }, where: string): Promise<tfl.LayersModel> {
  try {
    return await modelFromManifest(artifacts, where);
  } catch (error) {
    if (error instanceof ManifestMismatchError) throw error;
    throw new Error(`tfjs cannot build the model of ${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** Loads a LayersModel from its model.json and weight files (see readModelArtifacts). */
export async function readModelFiles(location: string): Promise<tfl.LayersModel> {
  return (await readSavedModel(location)).model;
}

/**
 * A LayersModel and what its model.json says of itself beside the topology (userDefinedMetadata,
 * where a slimprune run keeps its classes and normalisation), from one read of the files.
 */
export async function readSavedModel(location: string): Promise<{ model: tfl.LayersModel; metadata: { readonly [key: string]: unknown } }> {
  const artifacts = await readModelArtifacts(location);
  const metadata = artifacts.userDefinedMetadata;
  return {
    model: await modelFromArtifacts(artifacts, describeLocation(location)),
    metadata: metadata !== null && typeof metadata === 'object' ? metadata : {},
  };
}
