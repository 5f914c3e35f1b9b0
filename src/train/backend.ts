/**
 * Selects the tfjs backend that training runs on. 'wasm' (the default) comes with our kernels
 * registered where tfjs-backend-wasm has none (its conv filter gradient and the depthwise
 * gradients) or a slower one (src/tfjs/register.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels } from '../tfjs/register.ts';

export type TrainingBackend = 'wasm' | 'cpu' | (string & {});

export async function useTrainingBackend(name: TrainingBackend = 'wasm'): Promise<void> {
  if (name === 'wasm' && !tf.findBackendFactory('wasm')) {
    // Registers the backend; in browsers the caller must first tell it where its .wasm files are
    // (setWasmPaths), or import it and call setWasmPaths before training.
    await import('@tensorflow/tfjs-backend-wasm');
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
