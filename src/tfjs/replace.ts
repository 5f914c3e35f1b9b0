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
const ORIGINAL = Symbol.for('slimprune.original');

type ReplacedConfig = KernelConfig & { [REPLACED]?: true; [ORIGINAL]?: KernelFunc };

export function replaceWasmKernel(replacement: Replacement): boolean {
  const original = getKernel(replacement.kernelName, 'wasm') as ReplacedConfig | undefined;
  if (!original) {
    throw new Error(
      `cannot replace '${replacement.kernelName}' on 'wasm': the backend has no such kernel; ` +
        `import '@tensorflow/tfjs-backend-wasm' first`,
    );
  }
  if (original[REPLACED]) return false;
  unregisterKernel(replacement.kernelName, 'wasm');
  const config: ReplacedConfig = {
    kernelName: replacement.kernelName,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: (args) => replacement.run(args as KernelArgs) ?? (original.kernelFunc(args) as TensorInfo),
    [REPLACED]: true,
    [ORIGINAL]: original.kernelFunc,
  };
  registerKernel(config);
  return true;
}

/**
 * tfjs-backend-wasm's own kernel behind one of ours, once replaced (undefined before): tests and
 * benchmarks compare the two on the same tensors.
 */
export function originalWasmKernel(kernelName: string): KernelFunc | undefined {
  return (getKernel(kernelName, 'wasm') as ReplacedConfig | undefined)?.[ORIGINAL];
}
