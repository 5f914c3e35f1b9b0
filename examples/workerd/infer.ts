// POST /infer: the pruned model's forward pass on posted inputs, with tfjs on its cpu backend.
// The model (a deployed folder that `slimprune prune` writes, model-deployed/) comes as two
// modules config.capnp declares: model.json and its weights. tfjs-backend-wasm is not used here:
// it compiles its .wasm from bytes at run time, which workerd refuses.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import modelJson from './model.json';
import weights from './weights.bin';
import { HttpError } from './http.ts';

export interface InferRequest {
  /** The input batch, NHWC for a conv net: shape [n, ...the model's input shape]. */
  readonly shape: number[];
  /** Its values, row-major; length the product of `shape`. */
  readonly data: number[];
}

export interface InferResponse {
  readonly shape: number[];
  readonly data: number[];
}

interface ModelJson {
  readonly modelTopology: object;
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: tf.io.WeightsManifestEntry[] }[];
}

let loaded: Promise<LayersModel> | undefined;

/** Loaded once per isolate, on the first request (workerd allows no such work at start-up). */
function deployedModel(): Promise<LayersModel> {
  loaded ??= (async () => {
    if (!(await tf.setBackend('cpu'))) throw new Error("tfjs's cpu backend did not initialise");
    const { modelTopology, weightsManifest } = modelJson as unknown as ModelJson;
    // The manifest names one file (exportModel writes weights.bin); config.capnp declares it.
    const shards = weightsManifest.flatMap((group) => group.paths);
    if (shards.length !== 1) throw new Error(`model.json names ${shards.length} weight files (${shards.join(', ')}); this worker declares one, weights.bin`);
    return loadLayersModel(tf.io.fromMemory({
      modelTopology, weightSpecs: weightsManifest.flatMap((group) => group.weights), weightData: weights,
    }));
  })();
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

function checkRequest(body: unknown, model: LayersModel): InferRequest {
  const r = body as Partial<InferRequest> | null;
  const expected = model.inputs[0]!.shape.slice(1);
  const want = `{ shape: [n, ${expected.join(', ')}], data: [...] }`;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.shape) || !Array.isArray(r.data)) {
    throw new HttpError(400, `the body must be ${want}`);
  }
  const [n, ...rest] = r.shape;
  if (!Number.isInteger(n) || n! < 1 || rest.length !== expected.length || rest.some((d, i) => d !== expected[i])) {
    throw new HttpError(400, `shape must be [n, ${expected.join(', ')}] for this model, got [${r.shape.join(', ')}]`);
  }
  const size = r.shape.reduce((a, b) => a * b, 1);
  if (r.data.length !== size || !r.data.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new HttpError(400, `data must hold ${size} finite numbers (the product of shape), got ${r.data.length} values`);
  }
  return r as InferRequest;
}

export async function inferOutputs(body: unknown): Promise<InferResponse> {
  const model = await deployedModel();
  const request = checkRequest(body, model);
  const output = tf.tidy(() => model.predict(tf.tensor(request.data, request.shape, 'float32')) as tf.Tensor);
  try {
    return { shape: output.shape, data: Array.from(await output.data()) };
  } finally {
    output.dispose();
  }
}
