import { suite, assert, assertEqual, assertRejects } from '../harness.ts';
import {
  initKernels, kernels, detectWasmFeatures, resetWasmFeatureCache, resetKernelCache, env, Arena,
} from 'slimprune/internal';

export const loaderSuite = suite('loader', (test) => {
  test('detects exactly one runtime', () => {
    const flags = [env.IS_NODE, env.IS_DENO, env.IS_BROWSER].filter(Boolean).length;
    assertEqual(flags, 1, 'number of runtimes detected');
    // Bun provides Node's APIs, so it takes Node's code paths (src/env.ts) under its own name.
    if (env.IS_BUN) assert(env.IS_NODE, 'Bun counts as having Node\'s APIs');
    const expected = env.IS_BUN ? 'bun' : env.IS_NODE ? 'node' : env.IS_DENO ? 'deno' : 'browser';
    assertEqual(env.runtime, expected, 'env.runtime');
  });

  test('loads the SIMD kernels once and caches the instance', async () => {
    assert(detectWasmFeatures().simd, 'this runtime must validate WebAssembly SIMD');
    const a = await initKernels();
    const b = await initKernels();
    assert(a === b, 'initKernels returns the cached instance');
    assert(kernels() === a, 'kernels() returns the loaded instance');
    assertEqual(a.flavour, 'simd', 'default build');
    assert(a.exports.heap_base() > 0, 'heap_base is positive');
  });

  test('arena aligns to 16 bytes and grows the memory', async () => {
    const k = await initKernels();
    const arena = new Arena(k.memory, k.exports.heap_base());
    const p1 = arena.alloc(3);
    const p2 = arena.alloc(5);
    assertEqual(p1 % 16, 0, 'first pointer alignment');
    assertEqual(p2 % 16, 0, 'second pointer alignment');
    const before = arena.memoryBytes;
    const big = arena.alloc(before * 2);
    assert(arena.memoryBytes >= big + before * 2, 'memory grew to hold the allocation');
  });

  test('a missing WebAssembly gives a clear error', async () => {
    const saved = globalThis.WebAssembly;
    try {
      // @ts-expect-error deleting a global on purpose
      delete globalThis.WebAssembly;
      resetWasmFeatureCache();
      resetKernelCache();
      await assertRejects(() => initKernels(), /needs WebAssembly/, 'initKernels without WebAssembly');
    } finally {
      globalThis.WebAssembly = saved;
      resetWasmFeatureCache();
      resetKernelCache();
    }
    await initKernels();
  });
});
