/**
 * slimprune/infer: a saved model (model.json and its weights, e.g. the BatchNorm-folded
 * model-deployed/ a prune run writes, or an ONNX file such as its model-deployed.onnx) run on
 * slimprune's WebAssembly kernels with no tfjs at all.
 *
 *   const model = await loadInferenceModel('runs/x/model-deployed/model.json');
 *   const scores = model.predict(pixels, batch); // NHWC float32 in, the model's output out
 *
 * An ONNX model becomes the same topology and weights a model.json gives (src/infer/onnx/), so
 * both run the same layers and kernels; its translation is imported only when one is loaded.
 *
 * The model is placed in the kernels' memory for a batch size on first use and re-placed when the
 * batch size changes; nothing else is allocated per call.
 */
import { initKernels, kernels, type KernelInstance } from '../wasm/loader.ts';
import { readBytes } from '../platform/read-bytes.ts';
import { readDescription, type ModelDescription } from './description.ts';
import { readTopology, type ModelJsonFile } from './model-json.ts';
import { planModel, placeModel, type ModelPlan, type PlacedModel } from './plan.ts';
import { size, view } from './op.ts';
import { decodeWeights } from './weights.ts';

export type { ModelDescription };

/**
 * What loadInferenceModel reads:
 * - a path or URL of a model.json (its weight files next to it), or of an ONNX file: a name
 *   ending in `.onnx` (before any `?query` or `#fragment`) is read as ONNX;
 * - `{ modelJson, weights }`: a parsed model.json and the concatenation of its weight files;
 * - `{ onnx }`: the bytes of an ONNX model (what exportOnnx returns, or any file of the ops
 *   slimprune/infer runs, with one float32 input whose dimensions but the batch are fixed).
 */
export type InferenceSource =
  | string
  | URL
  | { readonly modelJson: ModelJsonFile; readonly weights: ArrayBuffer | ArrayBufferView }
  | { readonly onnx: ArrayBuffer | ArrayBufferView };

const describe = (file: ModelJsonFile): ModelDescription =>
  readDescription((file as { userDefinedMetadata?: { slimprune?: unknown } }).userDefinedMetadata?.slimprune);

/** Whether a path or URL names an ONNX file (by its extension, before any query or fragment). */
function isOnnxLocation(source: string | URL): boolean {
  const path = source instanceof URL ? source.pathname : source.replace(/[?#].*$/, '');
  return /\.onnx$/i.test(path);
}

const bytesOf = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export class InferenceModel {
  private placed: PlacedModel | undefined;
  private instance: KernelInstance | undefined;

  constructor(private readonly plan: ModelPlan, readonly description: ModelDescription = {}) {}

  /** One sample's input shape (NHWC without the batch axis). */
  get inputShape(): readonly number[] {
    return this.plan.inputShape;
  }

  get outputShape(): readonly number[] {
    return this.plan.outputShape;
  }

  /** The layers it runs, in order. */
  get layers(): readonly string[] {
    return this.plan.layers.map((l) => l.name);
  }

  /**
   * The layers that compute, in order, with their classes: those that only give a buffer another
   * name (Flatten, Reshape, Dropout, an activation fused into the layer before it) left out.
   * A model.json and its ONNX export run the same steps.
   */
  get steps(): readonly { readonly name: string; readonly className: string }[] {
    return this.plan.layers.filter((l) => !l.op.alias).map(({ name, className }) => ({ name, className }));
  }

  /**
   * The outputs for `batch` samples of `x` (NHWC, float32, batch × inputShape values); `out`, if
   * given, receives them. Call `await initKernels()` (or use loadInferenceModel) first.
   */
  predict(x: Float32Array, batch = 1, out?: Float32Array): Float32Array {
    const inputSize = size(this.plan.inputShape);
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`slimprune/infer: batch must be a positive integer, got ${batch}`);
    if (x.length !== batch * inputSize) {
      throw new RangeError(`slimprune/infer: ${batch} sample(s) of [${this.plan.inputShape.join(', ')}] are ${batch * inputSize} values, got ${x.length}`);
    }
    const placed = this.placement(batch);
    const k = this.instance!;
    view(k, placed.inputPtr, x.length).set(x);
    for (const step of placed.steps) step();
    const n = batch * size(this.plan.outputShape);
    const result = out ?? new Float32Array(n);
    if (result.length !== n) throw new RangeError(`slimprune/infer: out holds ${result.length} values, the output is ${n}`);
    result.set(view(k, placed.outputPtr, n));
    return result;
  }

  /** Frees the placement when nothing was allocated after it (the kernels' arena is a stack). */
  dispose(): void {
    const placed = this.placed;
    if (placed && this.instance && this.instance === kernels() && this.instance.arena.mark() === placed.end) {
      this.instance.arena.release(placed.mark);
    }
    this.placed = undefined;
  }

  private placement(batch: number): PlacedModel {
    const k = kernels();
    if (this.placed && this.instance === k && this.placed.batch === batch) return this.placed;
    // A new batch size (or new kernels, after setWasmSource): free the old placement if it is on
    // top of the arena, and place again.
    if (this.instance === k) this.dispose();
    this.instance = k;
    this.placed = placeModel(this.plan, k, batch);
    return this.placed;
  }
}

/** The files next to model.json: its manifest's paths, which may not leave its folder. */
function weightLocation(modelJson: string | URL, path: string): string | URL {
  if (path.startsWith('/') || path.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.split('/').includes('..') || path.includes('%')) {
    throw new Error(`slimprune/infer: model.json names the weight file '${path}', which leaves its folder; weight files must sit next to model.json`);
  }
  if (modelJson instanceof URL || /^[a-z][a-z0-9+.-]+:/i.test(modelJson)) return new URL(path, modelJson);
  const slash = modelJson.lastIndexOf('/');
  return slash < 0 ? path : `${modelJson.slice(0, slash + 1)}${path}`;
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.byteLength;
  }
  return all;
}

/** An ONNX model planned: its translation is loaded here, on first use, not with the runtime. */
async function planOnnx(bytes: Uint8Array): Promise<InferenceModel> {
  const { loadOnnx } = await import('./onnx/load-onnx.ts');
  const { topology, weights, description } = await loadOnnx(bytes);
  const plan = planModel(topology, weights);
  await initKernels();
  return new InferenceModel(plan, description);
}

/** Reads, checks and plans a model (see InferenceSource), and loads the kernels. */
export async function loadInferenceModel(source: InferenceSource): Promise<InferenceModel> {
  if (source === null || typeof source !== 'object' && typeof source !== 'string') {
    throw new TypeError(`slimprune/infer: loadInferenceModel takes a path or URL, { modelJson, weights } or { onnx }, got ${String(source)}`);
  }
  if ((typeof source === 'string' || source instanceof URL) && isOnnxLocation(source)) return planOnnx(await readBytes(source));
  if (typeof source === 'object' && 'onnx' in source) {
    const bytes = source.onnx;
    if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes)) throw new TypeError('slimprune/infer: { onnx } takes the bytes of an ONNX model, an ArrayBuffer or a typed array');
    return planOnnx(bytesOf(bytes));
  }
  let modelJson: ModelJsonFile;
  let weights: Uint8Array;
  if (typeof source === 'string' || source instanceof URL) {
    modelJson = JSON.parse(new TextDecoder().decode(await readBytes(source))) as ModelJsonFile;
    if (!Array.isArray(modelJson.weightsManifest)) throw new Error(`slimprune/infer: ${String(source)} has no weightsManifest; is it a tfjs LayersModel's model.json?`);
    const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
    weights = concatenate(await Promise.all(paths.map((path) => readBytes(weightLocation(source, path)))));
  } else {
    modelJson = source.modelJson;
    weights = bytesOf(source.weights);
  }
  const plan = planModel(readTopology(modelJson), decodeWeights(modelJson, weights));
  await initKernels();
  return new InferenceModel(plan, describe(modelJson));
}
