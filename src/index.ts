/**
 * slimprune: structured pruning of convolutional networks (contrast loss + simulated annealing),
 * with SIMD WebAssembly kernels, for Node, Deno and browsers.
 */
export { env, type RuntimeName } from './env.ts';
export {
  initKernels, initKernels as ready, kernels, compileKernels, instantiateKernels,
  setWasmSource, setRelaxedSimd, resetKernelCache,
  type KernelInstance, type WasmSource,
} from './wasm/loader.ts';
export { detectWasmFeatures, resetWasmFeatureCache, type WasmFeatures } from './wasm/features.ts';
export { Arena } from './wasm/arena.ts';
export type { KernelExports } from './wasm/abi.ts';

export {
  conv2dGeometry, conv2dMacs, inputSize, outputSize, filterSize, GEOMETRY_FIELDS,
  type Conv2DGeometry, type Conv2DOptions, type Padding,
} from './kernels/geometry.ts';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, type Conv2DEpilogue } from './kernels/wasm/conv2d.ts';
export {
  conv2dReference, conv2dBackpropInputReference, conv2dBackpropFilterReference,
} from './kernels/reference/conv2d.ts';
