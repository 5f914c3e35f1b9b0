/**
 * Fills tfjs-backend-wasm's gaps with our kernels: registers each of ours for a kernel name that
 * the 'wasm' backend lacks (never replacing one it has). Call after importing
 * '@tensorflow/tfjs-backend-wasm' and before training on 'wasm'.
 */
import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { initKernels } from '../wasm/loader.ts';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/DepthwiseConv2dNativeBackpropFilter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/DepthwiseConv2dNativeBackpropInput.ts';

export const WASM_GAP_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
];

/** Loads our kernels and registers the missing ones; returns the names it registered. */
export async function registerWasmGradients(): Promise<string[]> {
  await initKernels();
  const registered: string[] = [];
  for (const config of WASM_GAP_KERNELS) {
    if (getKernel(config.kernelName, 'wasm') === undefined) {
      registerKernel(config);
      registered.push(config.kernelName);
    }
  }
  return registered;
}
