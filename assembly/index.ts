// The kernels' ABI: flat functions over pointers, counts and strides. Every buffer lives in this
// module's linear memory and is placed there by the TypeScript wrapper (src/wasm/arena.ts); the
// stub runtime is used and nothing here allocates. Each module below documents its exports.

/** First free byte after the static data: the wrapper's arena starts here. */
export function heap_base(): usize {
  return __heap_base;
}

export * from "./thread_scratch";
export * from "./conv2d";
export { conv2d_thin_chosen } from "./conv2d_thin";
export * from "./channel_mask";
export * from "./depthwise_conv2d";
export * from "./rng";
export * from "./bitset";
export * from "./anneal";
export * from "./tile";
export * from "./max_pool";
export * from "./pool";
export * from "./elementwise";
export * from "./reduce";
export * from "./batch_norm";
export * from "./batch_norm_training";
export * from "./momentum";
