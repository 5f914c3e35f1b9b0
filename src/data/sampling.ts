/**
 * Seeded orders and samples of a data set, as index arrays (Int32Array) into it, never copies of
 * the images (METHOD.md §3: the K networks train on K disjoint shards after a seeded shuffle, or
 * on K overlapping samples of a fraction f of the set).
 *
 * Randomness: xoshiro128** seeded by splitmix32 (src/kernels/reference/rng.ts, documented there),
 * integer arithmetic only, so the same seed gives the same indices in every runtime. Each use
 * draws from its own stream, `purpose · 65536 + i`, so e.g. the shuffle and the samples of one
 * seed are unrelated sequences (purposes in RNG_PURPOSE).
 */
import { Xoshiro128 } from '../kernels/reference/rng.ts';

export const RNG_PURPOSE = Object.freeze({
  /** seededPermutation and disjointShards. */
  shuffle: 1,
  /** overlappingSamples: stream 2·65536 + sample number. */
  sample: 2,
  /** bootstrapSamples: stream 3·65536 + sample number. */
  bootstrap: 3,
  /** Batcher's per-epoch order: stream 4·65536 + epoch. */
  epoch: 4,
  /** Batcher's crops and flips: stream 5·65536 + epoch. */
  augment: 5,
});

export function rngFor(seed: number, purpose: number, index = 0): Xoshiro128 {
  if (!Number.isInteger(index) || index < 0 || index > 0xffff) throw new Error(`random stream index ${index} must be an integer in 0..65535`);
  return new Xoshiro128(seed >>> 0, purpose * 65536 + index);
}

/** Xoshiro128.below is exact below 2²⁹. */
const MAX_POPULATION = 2 ** 29;

/** A population: the images 0 .. n − 1, or a given list of image indices. */
export type Population = number | Int32Array;

function populationArray(population: Population, where: string): Int32Array {
  if (typeof population === 'number') {
    if (!Number.isInteger(population) || population < 0 || population >= MAX_POPULATION) {
      throw new Error(`${where}: population size ${population} must be an integer in 0..${MAX_POPULATION - 1}`);
    }
    const all = new Int32Array(population);
    for (let i = 0; i < population; i++) all[i] = i;
    return all;
  }
  if (population.length >= MAX_POPULATION) throw new Error(`${where}: at most ${MAX_POPULATION - 1} indices`);
  return population.slice();
}

/** Fisher–Yates from the end: for i = n−1 … 1, swap a[i] with a[below(i + 1)]. */
export function shuffleInPlace(array: Int32Array, rng: Xoshiro128): Int32Array {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = array[i]!;
    array[i] = array[j]!;
    array[j] = t;
  }
  return array;
}

/** The population in a seeded random order. */
export function seededPermutation(population: Population, seed: number): Int32Array {
  return shuffleInPlace(populationArray(population, 'seededPermutation'), rngFor(seed, RNG_PURPOSE.shuffle));
}

function checkCount(k: number, where: string): void {
  if (!Number.isInteger(k) || k < 1 || k > 0xffff) throw new Error(`${where}: the number of samples k must be an integer in 1..65535, got ${k}`);
}

/**
 * K disjoint shards that together cover the population: the seeded permutation cut into K
 * consecutive runs whose sizes differ by at most one (the first n mod K get the extra one). Each
 * shard is sorted ascending (its order is the batcher's job).
 */
export function disjointShards(population: Population, k: number, seed: number): Int32Array[] {
  checkCount(k, 'disjointShards');
  const order = seededPermutation(population, seed);
  if (order.length < k) throw new Error(`disjointShards: ${order.length} images cannot make ${k} non-empty shards`);
  const base = Math.floor(order.length / k);
  const extra = order.length % k;
  const shards: Int32Array[] = [];
  for (let s = 0, start = 0; s < k; s++) {
    const size = base + (s < extra ? 1 : 0);
    shards.push(order.slice(start, start + size).sort());
    start += size;
  }
  return shards;
}

/** round(fraction · n), the size of each overlapping sample. */
export function sampleSize(n: number, fraction: number): number {
  return Math.round(fraction * n);
}

/**
 * K samples, each of round(f · n) distinct images drawn without replacement (a partial
 * Fisher–Yates on its own stream), independent of one another, so they overlap by about f² · n.
 * Each is sorted ascending.
 */
export function overlappingSamples(population: Population, k: number, fraction: number, seed: number): Int32Array[] {
  checkCount(k, 'overlappingSamples');
  const base = populationArray(population, 'overlappingSamples');
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`overlappingSamples: the fraction f must be in (0, 1], got ${fraction}`);
  const size = sampleSize(base.length, fraction);
  if (size < 1) throw new Error(`overlappingSamples: a fraction ${fraction} of ${base.length} images is an empty sample; raise f`);
  const samples: Int32Array[] = [];
  for (let s = 0; s < k; s++) {
    const rng = rngFor(seed, RNG_PURPOSE.sample, s);
    const a = base.slice();
    for (let i = 0; i < size; i++) {
      const j = i + rng.below(a.length - i);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    samples.push(a.slice(0, size).sort());
  }
  return samples;
}

/**
 * K bootstrap samples: `size` draws with replacement (default n), each sorted ascending; an image
 * may appear several times, and about n/e of them not at all.
 */
export function bootstrapSamples(population: Population, k: number, seed: number, size?: number): Int32Array[] {
  checkCount(k, 'bootstrapSamples');
  const base = populationArray(population, 'bootstrapSamples');
  const draws = size ?? base.length;
  if (!Number.isInteger(draws) || draws < 1) throw new Error(`bootstrapSamples: size must be a positive integer, got ${draws}`);
  if (base.length === 0) throw new Error('bootstrapSamples: the population is empty');
  const samples: Int32Array[] = [];
  for (let s = 0; s < k; s++) {
    const rng = rngFor(seed, RNG_PURPOSE.bootstrap, s);
    const sample = new Int32Array(draws);
    for (let i = 0; i < draws; i++) sample[i] = base[rng.below(base.length)]!;
    samples.push(sample.sort());
  }
  return samples;
}
