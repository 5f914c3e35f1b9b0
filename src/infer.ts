/**
 * slimprune/infer: run a saved (pruned, BatchNorm-folded) model on slimprune's WebAssembly
 * kernels, with no tfjs. See src/infer/runtime.ts.
 */
export { loadInferenceModel, InferenceModel, type InferenceSource, type ModelDescription } from './infer/runtime.ts';
export type { ModelJsonFile } from './infer/model-json.ts';
export { setWasmSource, initKernels } from './wasm/loader.ts';
