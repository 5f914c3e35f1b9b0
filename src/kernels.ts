/**
 * slimprune/kernels: the WebAssembly kernels on Float32Arrays (NHWC activations, HWIO filters),
 * each with the readable TypeScript reference it is tested against, and their loading and
 * threading. No tfjs needed.
 */
export {
  initKernels, setWasmSource, setRelaxedSimd, type KernelInstance, type WasmSource,
} from './wasm/loader.ts';
export { detectWasmFeatures, type WasmFeatures } from './wasm/features.ts';
export {
  setKernelThreads, kernelThreads, kernelThreadsSupported, withKernelThreads, type KernelThreadsOptions,
} from './wasm/threads.ts';
export {
  conv2dGeometry, depthwiseConv2dGeometry, conv2dMacs, depthwiseConv2dMacs, inputSize, outputSize, filterSize, depthwiseFilterSize,
  type Conv2DGeometry, type Conv2DOptions, type Padding,
} from './kernels/geometry.ts';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, type Conv2DEpilogue } from './kernels/wasm/conv2d.ts';
export { conv2dReference, conv2dBackpropInputReference, conv2dBackpropFilterReference } from './kernels/reference/conv2d.ts';
export { depthwiseConv2d, depthwiseConv2dBackpropInput, depthwiseConv2dBackpropFilter } from './kernels/wasm/depthwise-conv2d.ts';
export {
  depthwiseConv2dReference, depthwiseConv2dBackpropInputReference, depthwiseConv2dBackpropFilterReference,
} from './kernels/reference/depthwise-conv2d.ts';
export { keepBitsetFromIndices, keepIndicesFromBitset } from './kernels/channels.ts';
export { maskChannels, gatherChannels } from './kernels/wasm/channel-mask.ts';
export { maskChannelsReference, gatherChannelsReference } from './kernels/reference/channel-mask.ts';
export {
  ANNEAL_DEFAULTS, type AnnealProblem, type AnnealGroup, type AnnealOptions, type AnnealResult, type FlopsModel, type ContrastMode,
} from './kernels/spec/anneal.ts';
export { anneal, annealEnergy, estimateT0 } from './kernels/wasm/anneal.ts';
export { annealReference, annealEnergyReference, estimateT0Reference } from './kernels/reference/anneal.ts';
export { batchNorm } from './kernels/wasm/batch-norm.ts';
export { batchNormReference, type ChannelParams } from './kernels/reference/batch-norm.ts';
