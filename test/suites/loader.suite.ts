import { suite, assert, assertEqual, assertRejects, assertBitEqual, testRng, randomArray } from '../harness.ts';
import {
  initKernels, kernels, detectWasmFeatures, resetWasmFeatureCache, resetKernelCache, env, Arena,
  embeddedKernelBytes, setWasmSource, compileKernels, readBytes, conv2dGeometry, conv2d, type KernelInstance,
} from 'slimprune/internal';

/**
 * The .wasm files the package exports (package.json `exports`), each with the embedded build it
 * must equal. Found as a user's code finds them, by resolving the specifier: Node (vitest) and
 * Bun through the exports map, Deno through deno.json's imports, the browser page through the
 * import map test/run-browser.mjs writes from the exports map.
 */
const SHIPPED_WASM: readonly (readonly [string, KernelInstance['flavour']])[] = [
  ['slimprune/kernels.wasm', 'simd'],
  ['slimprune/kernels-relaxed.wasm', 'relaxed-simd'],
  ['slimprune/kernels-threads.wasm', 'threads'],
];

const shippedUrl = (specifier: string): URL => new URL(import.meta.resolve(specifier));

/** A convolution with bias and ReLU, on the kernels loaded now: what each source must reproduce. */
async function convolveWithLoadedKernels(): Promise<Float32Array> {
  await initKernels();
  const rng = testRng(11);
  const g = conv2dGeometry([2, 9, 7, 5], [3, 3, 5, 6], { padding: 'same' });
  const x = randomArray(2 * 9 * 7 * 5, rng);
  const filter = randomArray(3 * 3 * 5 * 6, rng);
  return conv2d(g, x, filter, { bias: randomArray(6, rng), relu: true });
}

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

  test('the .wasm files the package exports are the embedded builds, byte for byte', async () => {
    for (const [specifier, build] of SHIPPED_WASM) {
      const file = await readBytes(shippedUrl(specifier));
      assertBitEqual(file, embeddedKernelBytes(build), `${specifier} against the embedded ${build} build`);
    }
  });

  test('setWasmSource with the shipped file as a URL, as bytes and as a Module computes what the default does', async () => {
    const url = shippedUrl('slimprune/kernels.wasm');
    const bytes = await readBytes(url);
    const module = await WebAssembly.compile(bytes);
    try {
      setWasmSource(undefined);
      const embedded = await convolveWithLoadedKernels();
      const defaultInstance = kernels();
      for (const [what, source] of [['URL', url], ['bytes', bytes], ['Module', module]] as const) {
        setWasmSource(source);
        const result = await convolveWithLoadedKernels();
        assert(kernels() !== defaultInstance, `the ${what} gave a new instance`);
        assertBitEqual(result, embedded, `conv2d on the kernels from the file as ${what}`);
      }
      assert((await compileKernels()) === module, 'a Module source is used as it is, not compiled again');
      // The source is really read: a file that is not there fails the load instead of falling back.
      setWasmSource(new URL('./no-such-kernels.wasm', url));
      await assertRejects(() => initKernels(), /no-such-kernels|ENOENT|404|not found/i, 'initKernels from a missing file');
    } finally {
      setWasmSource(undefined);
    }
    await initKernels();
  });
});
