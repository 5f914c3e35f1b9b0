// The seeded PRNG of every random choice the kernels make: xoshiro128** (Blackman & Vigna,
// https://prng.di.unimi.it/xoshiro128starstar.c), seeded by splitmix32. Only u32 additions,
// xors, shifts, rotations and wrapping multiplications: JavaScript reproduces the stream bit for
// bit with Math.imul and >>> (src/kernels/reference/rng.ts), which is why this generator and not
// PCG32 (whose 64-bit multiply would need BigInt in the reference).
//
// Derived draws, defined exactly so that the reference matches:
//   uniform = (next >>> 8) · 2⁻²⁴             a multiple of 2⁻²⁴ in [0, 1), exact in f64
//   below(n) = floor(uniform · n)              in [0, n); exact in f64 for n < 2²⁹
//
// The state is four module globals: one stream per instance (one instance per worker), and the
// stub runtime allocates nothing. This module holds the generator for the other kernels; the
// ABI (snake_case exports) is assembly/rng.ts.

let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

const TWO_POW_M24: f64 = 5.9604644775390625e-8; // 2^-24

@inline function splitmix32(x: u32): u32 {
  let z = x;
  z = (z ^ (z >>> 16)) * 0x85ebca6b;
  z = (z ^ (z >>> 13)) * 0xc2b2ae35;
  return z ^ (z >>> 16);
}

/**
 * Seeds the generator. `stream` selects an independent sequence for the same seed (the annealer
 * uses stream 0 for its moves and stream 1 for the T₀ sample). The four state words are
 * splitmix32 of x + i·0x9e3779b9 (i = 1..4) with x = seed ^ (stream · 0x632be5ab); the finaliser
 * is a bijection on u32, so at most one word is zero and the state is never all zero.
 */
@inline export function rngSeed(seed: u32, stream: u32): void {
  let x: u32 = seed ^ (stream * 0x632be5ab);
  x += 0x9e3779b9; s0 = splitmix32(x);
  x += 0x9e3779b9; s1 = splitmix32(x);
  x += 0x9e3779b9; s2 = splitmix32(x);
  x += 0x9e3779b9; s3 = splitmix32(x);
}

/** The next 32 random bits (xoshiro128**). JavaScript sees the i32; take `>>> 0` for the u32. */
@inline export function rngNext(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** A uniform double in [0, 1): (next >>> 8) · 2⁻²⁴. */
@inline export function rngUniform(): f64 {
  return <f64>(rngNext() >>> 8) * TWO_POW_M24;
}

/** A uniform integer in [0, n), n >= 1: floor(uniform · n). */
@inline export function rngBelow(n: i32): i32 {
  return <i32>Math.floor(rngUniform() * <f64>n);
}

