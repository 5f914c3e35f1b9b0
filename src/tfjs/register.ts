/**
 * Our kernels in tfjs-backend-wasm's registry.
 * - Gaps: kernels the 'wasm' backend lacks (4.22: the filter gradient of conv2d and both
 *   depthwise gradients), so that `model.fit` of conv nets works at all.
 * - Replacements: kernels it has, where ours measured faster in a training step (BENCHMARKS.md);
 *   each falls back to the original for the cases it does not take.
 * - Fused: kernels under our own names that stand for a whole tfjs subgraph (training-mode
 *   BatchNorm, the momentum update); the trainer uses them when they are registered, with the
 *   same bits.
 * Call after importing '@tensorflow/tfjs-backend-wasm' and before training on 'wasm'.
 */
import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { initKernels } from '../wasm/loader.ts';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/DepthwiseConv2dNativeBackpropFilter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/DepthwiseConv2dNativeBackpropInput.ts';
import { conv2DBackpropInputReplacement } from './kernels/Conv2DBackpropInput.ts';
import { batchMatMulReplacement, fusedMatMulReplacement } from './kernels/BatchMatMul.ts';
import { tileReplacement } from './kernels/Tile.ts';
import { conv2DReplacement, fusedConv2DReplacement } from './kernels/Conv2D.ts';
import { maxPoolGradReplacement } from './kernels/MaxPoolGrad.ts';
import { sumReplacement, meanReplacement } from './kernels/Reduce.ts';
import { fusedBatchNormReplacement } from './kernels/FusedBatchNorm.ts';
import { identityReplacement, castReplacement } from './kernels/Identity.ts';
import { batchMomentsConfig, batchNormGradConfig } from './kernels/BatchNormTraining.ts';
import { momentumUpdateConfig } from './kernels/MomentumUpdate.ts';
import { replaceWasmKernel, type Replacement } from './replace.ts';

export const WASM_GAP_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
];

export const WASM_REPLACEMENT_KERNELS: readonly Replacement[] = [
  conv2DBackpropInputReplacement,
  batchMatMulReplacement,
  fusedMatMulReplacement,
  tileReplacement,
  maxPoolGradReplacement,
  conv2DReplacement,
  fusedConv2DReplacement,
  sumReplacement,
  meanReplacement,
  fusedBatchNormReplacement,
  identityReplacement,
  castReplacement,
];

export const WASM_FUSED_KERNELS: readonly KernelConfig[] = [batchMomentsConfig, batchNormGradConfig, momentumUpdateConfig];

export interface RegisterOptions {
  /** Also replace the kernels where ours are faster, and register the fused ones (default true). */
  readonly replace?: boolean;
}

/** Loads our kernels and registers them; returns the names it registered or replaced. */
export async function registerWasmKernels(options: RegisterOptions = {}): Promise<string[]> {
  await initKernels();
  const registered: string[] = [];
  for (const config of WASM_GAP_KERNELS) {
    if (getKernel(config.kernelName, 'wasm') === undefined) {
      registerKernel(config);
      registered.push(config.kernelName);
    }
  }
  if (options.replace ?? true) {
    for (const config of WASM_FUSED_KERNELS) {
      if (getKernel(config.kernelName, 'wasm') === undefined) {
        registerKernel(config);
        registered.push(config.kernelName);
      }
    }
    for (const replacement of WASM_REPLACEMENT_KERNELS) {
      if (replaceWasmKernel(replacement)) registered.push(replacement.kernelName);
    }
  }
  return registered;
}

/** Fills only the gaps (the kernels tfjs-backend-wasm lacks). */
export function registerWasmGradients(): Promise<string[]> {
  return registerWasmKernels({ replace: false });
}
