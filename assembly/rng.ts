// The seeded PRNG's ABI (the generator and its exact definition: assembly/rng_core.ts), for tests
// that compare the stream with the TypeScript reference (src/kernels/reference/rng.ts).

import { rngSeed, rngNext, rngUniform, rngBelow } from "./rng_core";

/** Seeds stream `stream` of `seed` (see rngSeed). */
export function rng_seed(seed: u32, stream: u32): void {
  rngSeed(seed, stream);
}

/** The next 32 random bits. JavaScript sees an i32: take `>>> 0` for the u32. */
export function rng_next_u32(): u32 {
  return rngNext();
}

export function rng_uniform_f64(): f64 {
  return rngUniform();
}

export function rng_below_i32(n: i32): i32 {
  return rngBelow(n);
}

/** Fills out[0..count) (u32) with the next `count` outputs: for stream tests and bulk use. */
export function rng_fill_u32(out: usize, count: i32): void {
  for (let i = 0; i < count; i++) store<u32>(out + (<usize>i << 2), rngNext());
}
