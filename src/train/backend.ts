/**
 * Selects the tfjs backend that training runs on. 'wasm' (the default) comes with our kernels
 * registered where tfjs-backend-wasm has none (its conv filter gradient and the depthwise
 * gradients) or a slower one (src/tfjs/register.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels } from '../tfjs/register.ts';

export type TrainingBackend = 'wasm' | 'cpu' | (string & {});

export interface TrainingBackendOptions {
  /**
   * 'wasm' in browsers: the URL prefix of tfjs-backend-wasm's .wasm files, set before the backend
   * first starts (later calls cannot move it). Without it, the page must have called the
   * backend's `setWasmPaths` itself.
   */
  readonly wasmPaths?: string;
}

export async function useTrainingBackend(name: TrainingBackend = 'wasm', options: TrainingBackendOptions = {}): Promise<void> {
  if (name === 'wasm' && (!tf.findBackendFactory('wasm') || options.wasmPaths !== undefined)) {
    // Importing registers the backend (once: the module is cached).
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Not guarded by tf.findBackend('wasm'): that call starts the backend, with the old paths.
    // Once the backend has started, the prefix is no longer read, so setting it is harmless.
    if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
  }
  if (!tf.findBackendFactory(name)) {
    throw new Error(`tfjs backend '${name}' is not registered: import its package (e.g. '@tensorflow/tfjs-backend-${name}') before training`);
  }
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) {
    throw new Error(
      `tfjs backend '${name}' failed to initialise (see the warning above)` +
      (name === 'wasm' ? "; in a browser, call setWasmPaths() from '@tensorflow/tfjs-backend-wasm' first, or train on 'cpu'" : ''),
    );
  }
  await tf.ready();
  if (name === 'wasm') await registerWasmKernels();
}
