/**
 * slimprune/tfjs: the kernels inside tfjs-backend-wasm, where it has none (the gradients that
 * model.fit of a conv net needs) and where ours measured faster (BENCHMARKS.md).
 */
export {
  registerWasmKernels, registerWasmGradients, WASM_GAP_KERNELS, WASM_REPLACEMENT_KERNELS, WASM_FUSED_KERNELS,
  type RegisterOptions,
} from './tfjs/register.ts';
export { originalWasmKernel } from './tfjs/replace.ts';
