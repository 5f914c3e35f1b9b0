/**
 * Identity, and Cast to the tensor's own dtype, on 'wasm' without a copy: the output shares the
 * input's data (tfjs-backend-cpu's Identity does the same, and tfjs-backend-wasm's own Reshape).
 * tfjs-backend-wasm copies the whole tensor for both, and a training step calls them on every
 * activation: tfjs's moments cast x to float32, Cast's gradient clones its dy, and a custom
 * gradient clones what it saves (1.6 + 0.7 ms for LeNet's first activation, batch 64, tf.profile).
 * Tensors are immutable and the backend counts references to shared data, so nothing can tell the
 * difference but the time. A cast to another dtype goes to the original.
 */
import type { CastAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import type { Replacement } from '../replace.ts';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

function share(backend: unknown, x: TensorInfo): TensorInfo | undefined {
  if (x.dtype === 'string' || x.dtype === 'complex64') return undefined;
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export const identityReplacement: Replacement = {
  kernelName: 'Identity',
  run: ({ inputs, backend }) => share(backend, (inputs as { x: TensorInfo }).x),
};

export const castReplacement: Replacement = {
  kernelName: 'Cast',
  run: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo };
    return (attrs as unknown as CastAttrs).dtype === x.dtype ? share(backend, x) : undefined;
  },
};
