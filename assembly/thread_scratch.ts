// A small scratch per thread. The kernels run in one instance of this module per thread, all over
// one shared memory when threads are on (src/wasm/threads.ts): static data is shared, globals are
// not. A kernel that needs a few bytes of its own (a vector spilled to memory) uses this pointer,
// which each helper thread's instance moves to a scratch of its own.

/** 64 bytes, 16-byte aligned: conv2d's channel-tail store uses [0, 32), max_pool [32, 48). */
export let threadScratch: usize = memory.data(64, 16);

/** Points this instance's scratch at `ptr` (64 bytes, 16-byte aligned). */
export function set_thread_scratch(ptr: usize): void {
  threadScratch = ptr;
}
