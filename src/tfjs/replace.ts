/**
 * Replacing a kernel that tfjs-backend-wasm has, where ours measured faster (BENCHMARKS.md). The
 * original stays registered inside the replacement: ours returns undefined for a case it does not
 * take (another dtype, a batched matmul, ...) and the original runs. Its setup function is kept,
 * so replacing before or after the backend initialises both work.
 */
import {
  getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<KernelFunc>[0];

export interface Replacement {
  readonly kernelName: string;
  /** Our implementation; undefined means "not this case": the original kernel runs. */
  readonly run: (args: KernelArgs) => TensorInfo | undefined;
}

const REPLACED = Symbol.for('slimprune.replaced');

export function replaceWasmKernel(replacement: Replacement): boolean {
  const original = getKernel(replacement.kernelName, 'wasm') as (KernelConfig & { [REPLACED]?: true }) | undefined;
  if (!original) {
    throw new Error(
      `cannot replace '${replacement.kernelName}' on 'wasm': the backend has no such kernel; ` +
        `import '@tensorflow/tfjs-backend-wasm' first`,
    );
  }
  if (original[REPLACED]) return false;
  unregisterKernel(replacement.kernelName, 'wasm');
  const config: KernelConfig & { [REPLACED]: true } = {
    kernelName: replacement.kernelName,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: (args) => replacement.run(args as KernelArgs) ?? (original.kernelFunc(args) as TensorInfo),
    [REPLACED]: true,
  };
  registerKernel(config);
  return true;
}
