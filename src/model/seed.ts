/**
 * Seeds of a model's initializers, all derived from one model seed, so that the same seed builds
 * the same weights in every runtime (tfjs's seeded initializers draw from seedrandom's alea,
 * which is pure JavaScript).
 */

/** Checks that a seed is a u32 integer; returns it. */
export function checkSeed(op: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${op}: seed must be an integer in [0, 2^32 − 1], got ${String(seed)}`);
  }
  return seed;
}

/**
 * The seed of initializer `index` of a model seeded with `seed`: a murmur3-style finaliser of
 * (seed, index), so that neighbouring seeds and indices give unrelated streams.
 */
export function deriveSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Successive initializer seeds of one model: next() gives deriveSeed(seed, 0), (seed, 1), … */
export class SeedSequence {
  private index = 0;
  constructor(private readonly seed: number) {}
  next(): number {
    return deriveSeed(this.seed, this.index++);
  }
}
