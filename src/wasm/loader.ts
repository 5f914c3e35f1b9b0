/**
 * The one module that finds, compiles and caches the kernels' WebAssembly modules: the kernels
 * of this thread (`compileKernels`) and the threads build that the kernel threads share
 * (`compileThreadKernels`, used by src/wasm/threads.ts, which hands it to its helpers).
 *
 * Source: the plain-SIMD build embedded in the bundle (see scripts/embed-wasm.mjs for why it is
 * inlined). The one documented override is `setWasmSource()`: bytes, a compiled
 * `WebAssembly.Module`, or a URL/path of a .wasm file (for a CSP that forbids inline bytes, for
 * workerd, which compiles no WebAssembly at run time and so needs the module its config declares,
 * or to try a debug build). The package ships the builds as files too ('slimprune/kernels.wasm'
 * and its siblings, scripts/wasm-files.mjs).
 *
 * Relaxed SIMD (fused multiply-add) is opt-in through `setRelaxedSimd(true)` and used only where
 * the runtime validates it: Node 20 does not without a flag, and FMA rounds differently from
 * mul+add, so enabling it by default would break "same seed, same result in every runtime".
 *
 * Compile once per process (`WebAssembly.Module` is cached); instantiate once per thread. Workers
 * receive the compiled module by postMessage and call `instantiateKernels(module)`.
 */
import { SIMD_WASM_BASE64, RELAXED_SIMD_WASM_BASE64, THREADS_WASM_BASE64 } from './generated/kernels.ts';
import { detectWasmFeatures } from './features.ts';
import { readBytes } from '../platform/read-bytes.ts';
import { Arena } from './arena.ts';
import type { KernelExports } from './abi.ts';

export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

export interface KernelInstance {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly arena: Arena;
  /**
   * Which build runs: 'simd' (default), 'relaxed-simd' (opt-in, FMA) or 'threads' (the simd
   * build over a shared memory, for intra-op threads: src/wasm/threads.ts).
   */
  readonly flavour: 'simd' | 'relaxed-simd' | 'threads';
}

let sourceOverride: WasmSource | undefined;
let wantRelaxed = false;
let modulePromise: Promise<WebAssembly.Module> | undefined;
let threadsModulePromise: Promise<WebAssembly.Module> | undefined;
let moduleFlavour: KernelInstance['flavour'] = 'simd';
let instance: KernelInstance | undefined;
let instancePromise: Promise<KernelInstance> | undefined;

/** Replaces the embedded module (before the first use, or resets the cache). */
export function setWasmSource(source: WasmSource | undefined): void {
  sourceOverride = source;
  resetKernelCache();
}

/** Opts in to the relaxed-SIMD (FMA) build where the runtime supports it. */
export function setRelaxedSimd(enabled: boolean): void {
  wantRelaxed = enabled;
  resetKernelCache();
}

export function resetKernelCache(): void {
  modulePromise = undefined;
  instance = undefined;
  instancePromise = undefined;
}

function requireSimd(): { relaxed: boolean } {
  const features = detectWasmFeatures();
  if (!features.webassembly) {
    throw new Error(
      'slimprune needs WebAssembly, which this runtime does not provide. Use Node >= 16, Deno, ' +
        'or a current browser, and check that no policy (e.g. a CSP without wasm-unsafe-eval) disables it.',
    );
  }
  if (!features.simd) {
    throw new Error(
      'slimprune needs WebAssembly SIMD (fixed-width 128-bit), which this runtime does not ' +
        'validate. Use Node >= 16.4, Deno >= 1.9, Chrome/Edge >= 91, Firefox >= 89 or Safari >= 16.4.',
    );
  }
  return { relaxed: features.relaxedSimd };
}

/** The bytes of an embedded build (src/wasm/generated/kernels.ts). */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const EMBEDDED: Record<KernelInstance['flavour'], string> = {
  simd: SIMD_WASM_BASE64,
  'relaxed-simd': RELAXED_SIMD_WASM_BASE64,
  threads: THREADS_WASM_BASE64,
};

/**
 * The bytes of one embedded build: the package also ships each as a file (dist/*.wasm, exported
 * as 'slimprune/kernels.wasm' and its siblings), which the suites check against these. The
 * loader itself names each build directly, so that bundles keep only the builds they load.
 */
export function embeddedKernelBytes(build: KernelInstance['flavour']): Uint8Array<ArrayBuffer> {
  return decodeBase64(EMBEDDED[build]);
}

/** The compiled kernels module, compiled once per process. */
export function compileKernels(): Promise<WebAssembly.Module> {
  if (modulePromise) return modulePromise;
  modulePromise = (async () => {
    const { relaxed } = requireSimd();
    const source = sourceOverride;
    if (source instanceof WebAssembly.Module) {
      moduleFlavour = 'simd';
      return source;
    }
    let bytes: BufferSource;
    if (source === undefined) {
      const useRelaxed = wantRelaxed && relaxed;
      moduleFlavour = useRelaxed ? 'relaxed-simd' : 'simd';
      // Each build named directly, not through EMBEDDED: a bundler then drops the builds a page never loads.
      bytes = decodeBase64(useRelaxed ? RELAXED_SIMD_WASM_BASE64 : SIMD_WASM_BASE64);
    } else if (typeof source === 'string' || source instanceof URL) {
      moduleFlavour = 'simd';
      bytes = await readBytes(source);
    } else {
      moduleFlavour = 'simd';
      bytes = source;
    }
    return WebAssembly.compile(bytes);
  })();
  modulePromise.catch(() => {
    modulePromise = undefined;
  });
  return modulePromise;
}

/**
 * The threads build (the simd build over an imported shared memory), compiled once per process.
 * Always the embedded build: `setWasmSource()` replaces the kernels of one thread only.
 */
export function compileThreadKernels(): Promise<WebAssembly.Module> {
  if (threadsModulePromise) return threadsModulePromise;
  threadsModulePromise = (async () => {
    requireSimd();
    return WebAssembly.compile(decodeBase64(THREADS_WASM_BASE64));
  })();
  threadsModulePromise.catch(() => {
    threadsModulePromise = undefined;
  });
  return threadsModulePromise;
}

/** Instantiates a compiled kernels module in this thread (workers call this directly). */
export function instantiateKernels(
  module: WebAssembly.Module,
  flavour: KernelInstance['flavour'] = moduleFlavour,
  shared?: { readonly memory: WebAssembly.Memory; readonly reserved: number; readonly maximumPages: number },
): KernelInstance {
  let memoryRef: WebAssembly.Memory | undefined = shared?.memory;
  const imports = {
    env: {
      ...(shared && { memory: shared.memory }),
      // AssemblyScript's abort(message, fileName, line, column); strings are UTF-16 with the
      // byte length stored 4 bytes before the pointer. Only the debug build asserts.
      abort(msgPtr: number, filePtr: number, line: number, column: number): never {
        const read = (ptr: number): string => {
          if (!memoryRef || ptr === 0) return '?';
          const len = new Uint32Array(memoryRef.buffer, ptr - 4, 1)[0]! >>> 1;
          return String.fromCharCode(...new Uint16Array(memoryRef.buffer, ptr, len));
        };
        throw new Error(`slimprune kernel assertion failed: ${read(msgPtr)} at ${read(filePtr)}:${line}:${column}`);
      },
    },
  };
  const wasm = new WebAssembly.Instance(module, imports);
  const exports = wasm.exports as unknown as KernelExports;
  memoryRef = exports.memory;
  return Object.freeze({
    exports,
    memory: exports.memory,
    // With a shared memory, the first `reserved` bytes after the static data belong to the threads.
    arena: shared
      ? new Arena(exports.memory, exports.heap_base() + shared.reserved, shared.maximumPages * 65536)
      : new Arena(exports.memory, exports.heap_base()),
    flavour,
  });
}

/**
 * Makes `next` this thread's kernels (the threads module installs its shared-memory instance),
 * or, with undefined, drops the current one so that the next `initKernels()` loads the default.
 */
export function installKernelInstance(next: KernelInstance | undefined): void {
  instance = next;
  instancePromise = next ? Promise.resolve(next) : undefined;
}

/** Loads the kernels for this thread: compile (cached) and instantiate (cached). */
export function initKernels(): Promise<KernelInstance> {
  if (instance) return Promise.resolve(instance);
  instancePromise ??= compileKernels().then((module) => {
    instance = instantiateKernels(module);
    return instance;
  });
  instancePromise.catch(() => {
    instancePromise = undefined;
  });
  return instancePromise;
}

/**
 * The kernels of this thread, for synchronous callers such as tfjs kernel functions.
 * Throws if `initKernels()` has not completed yet.
 */
export function kernels(): KernelInstance {
  if (!instance) {
    throw new Error('slimprune kernels are not loaded yet: `await initKernels()` (or `await ready()`) first');
  }
  return instance;
}
