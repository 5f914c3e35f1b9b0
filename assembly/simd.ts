// Shared SIMD helpers.

/**
 * c + a*b. The relaxed-SIMD build (asconfig target "relaxed") fuses it into one FMA; the default
 * build keeps mul then add, which rounds identically in every runtime.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
