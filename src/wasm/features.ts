/**
 * WebAssembly feature detection by validating tiny modules, as wasm-feature-detect does.
 * The byte strings are complete modules with one function that uses the feature.
 */

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

// (module (func (result v128) i32.const 0 i8x16.splat v128.const 0 i8x16.relaxed_swizzle))
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15,
  65, 2, 253, 15, 253, 128, 2, 11,
]);

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

export interface WasmFeatures {
  readonly webassembly: boolean;
  readonly simd: boolean;
  readonly relaxedSimd: boolean;
}

let cached: WasmFeatures | undefined;

export function detectWasmFeatures(): WasmFeatures {
  if (cached) return cached;
  const webassembly =
    typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object' &&
    typeof WebAssembly.validate === 'function';
  cached = Object.freeze({
    webassembly,
    simd: webassembly && validates(SIMD_PROBE),
    relaxedSimd: webassembly && validates(RELAXED_SIMD_PROBE),
  });
  return cached;
}

/** Tests delete `globalThis.WebAssembly` to check the error path; they reset the cache here. */
export function resetWasmFeatureCache(): void {
  cached = undefined;
}
