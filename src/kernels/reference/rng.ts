/**
 * xoshiro128** seeded by splitmix32: the readable twin of assembly/rng_core.ts, bit for bit.
 * u32 arithmetic in JavaScript: Math.imul for wrapping multiplication, `>>> 0` to read the u32.
 *
 *   seed:    x = seed ^ (stream · 0x632be5ab); state word i (i = 0..3) = splitmix32(x + (i+1)·0x9e3779b9)
 *   next:    xoshiro128** (https://prng.di.unimi.it/xoshiro128starstar.c)
 *   uniform: (next >>> 8) · 2⁻²⁴, a multiple of 2⁻²⁴ in [0, 1), exact in f64
 *   below n: floor(uniform · n), exact for n < 2²⁹
 */

const TWO_POW_M24 = 2 ** -24;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function splitmix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** seed: a u32; stream: selects an independent sequence (the annealer: 0 moves, 1 the T₀ sample). */
  constructor(seed: number, stream = 0) {
    let x = (seed ^ Math.imul(stream, 0x632be5ab)) | 0;
    x = (x + 0x9e3779b9) | 0; this.s0 = splitmix32(x);
    x = (x + 0x9e3779b9) | 0; this.s1 = splitmix32(x);
    x = (x + 0x9e3779b9) | 0; this.s2 = splitmix32(x);
    x = (x + 0x9e3779b9) | 0; this.s3 = splitmix32(x);
  }

  /** The next 32 random bits, as a u32 in [0, 2³²). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1). */
  uniform(): number {
    return (this.nextU32() >>> 8) * TWO_POW_M24;
  }

  /** A uniform integer in [0, n), n >= 1. */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}
