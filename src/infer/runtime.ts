/**
 * slimprune/infer: a saved model (model.json and its weights, e.g. the BatchNorm-folded
 * model-deployed/ a prune run writes) run on slimprune's WebAssembly kernels with no tfjs at all.
 *
 *   const model = await loadInferenceModel('runs/x/model-deployed/model.json');
 *   const scores = model.predict(pixels, batch); // NHWC float32 in, the model's output out
 *
 * The model is placed in the kernels' memory for a batch size on first use and re-placed when the
 * batch size changes; nothing else is allocated per call.
 */
import { initKernels, kernels, type KernelInstance } from '../wasm/loader.ts';
import { readBytes } from '../platform/read-bytes.ts';
import { readTopology, type ModelJsonFile } from './model-json.ts';
import { planModel, placeModel, type ModelPlan, type PlacedModel } from './plan.ts';
import { size, view } from './op.ts';
import { decodeWeights } from './weights.ts';

export type InferenceSource =
  | string
  | URL
  | { readonly modelJson: ModelJsonFile; readonly weights: ArrayBuffer | ArrayBufferView };

/** What a run's model file says of its inputs and classes (model.json's userDefinedMetadata.slimprune). */
export interface ModelDescription {
  readonly classNames?: readonly string[];
  /** x = (pixel/255 − mean[c]) / std[c]. */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

function describe(file: ModelJsonFile): ModelDescription {
  const own = (file as { userDefinedMetadata?: { slimprune?: ModelDescription } }).userDefinedMetadata?.slimprune;
  if (!own || typeof own !== 'object') return {};
  const names = Array.isArray(own.classNames) && own.classNames.every((n) => typeof n === 'string') ? own.classNames : undefined;
  const n = own.normalization;
  const numbers = (xs: unknown) => Array.isArray(xs) && xs.every((x) => Number.isFinite(x));
  const normalization = n && numbers(n.mean) && numbers(n.std) && n.mean.length === n.std.length ? n : undefined;
  return { ...(names && { classNames: names }), ...(normalization && { normalization }) };
}

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

/** Reads, checks and plans a model, and loads the kernels. */
export async function loadInferenceModel(source: InferenceSource): Promise<InferenceModel> {
  let modelJson: ModelJsonFile;
  let weights: Uint8Array;
  if (typeof source === 'string' || source instanceof URL) {
    modelJson = JSON.parse(new TextDecoder().decode(await readBytes(source))) as ModelJsonFile;
    if (!Array.isArray(modelJson.weightsManifest)) throw new Error(`slimprune/infer: ${String(source)} has no weightsManifest; is it a tfjs LayersModel's model.json?`);
    const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
    weights = concatenate(await Promise.all(paths.map((path) => readBytes(weightLocation(source, path)))));
  } else {
    modelJson = source.modelJson;
    const w = source.weights;
    weights = w instanceof ArrayBuffer ? new Uint8Array(w) : new Uint8Array(w.buffer, w.byteOffset, w.byteLength);
  }
  const plan = planModel(readTopology(modelJson), decodeWeights(modelJson, weights));
  await initKernels();
  return new InferenceModel(plan, describe(modelJson));
}
