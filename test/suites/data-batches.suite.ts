// Seeded orders, shards and samples (METHOD.md §3) and the batcher: invariants (permutation,
// disjointness, coverage, sizes, determinism), golden values that must be the same in every
// runtime, exact batch contents, the reused buffers, and the crop-and-flip augmentation checked
// pixel by pixel against an independent computation.
import { suite, assert, assertEqual, assertBitEqual, assertDeepEqual, assertThrows, assertAllClose, testRng } from '../harness.ts';
import {
  seededPermutation, disjointShards, overlappingSamples, bootstrapSamples, sampleSize,
  channelStats, normalizationTable, Batcher, imageSet, type ImageSet, type Normalization, type BatchSource,
} from 'slimprune/internal';

function isPermutationOf(actual: Int32Array, n: number): boolean {
  const seen = new Uint8Array(n);
  for (const i of actual) {
    if (i < 0 || i >= n || seen[i]) return false;
    seen[i] = 1;
  }
  return actual.length === n;
}

function isSortedDistinct(a: Int32Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i]! <= a[i - 1]!) return false;
  return true;
}

/** A small random set: count images of h×w×c bytes, labels in 0..classes−1. */
function tinySet(count: number, height: number, width: number, channels: number, seed: number, classes = 10): ImageSet {
  const rng = testRng(seed);
  return imageSet({
    name: 'tiny', count, height, width, channels, classes,
    pixels: Uint8Array.from({ length: count * height * width * channels }, () => Math.floor(rng() * 256)),
    labels: Uint8Array.from({ length: count }, () => Math.floor(rng() * classes)),
  });
}

const normalise = (v: number, c: number, n: Normalization): number => Math.fround((v / 255 - n.mean[c]!) / n.std[c]!);

export const dataBatchesSuite = suite('data samples and batches', (test) => {
  test('seeded permutation: a permutation, deterministic, the same in every runtime', () => {
    const p = seededPermutation(1000, 42);
    assert(isPermutationOf(p, 1000), 'is a permutation of 0..999');
    assertBitEqual(seededPermutation(1000, 42), p, 'same seed, same order');
    assert(seededPermutation(1000, 43).some((v, i) => v !== p[i]), 'another seed, another order');
    // Golden values: xoshiro128** streams, identical in Node, Deno and Chromium.
    assertDeepEqual(Array.from(seededPermutation(10, 42)), [6, 9, 7, 8, 2, 5, 0, 1, 4, 3], 'seed 42, n = 10');
    const subset = Int32Array.of(10, 20, 30, 40);
    assertDeepEqual(Array.from(seededPermutation(subset, 1)).sort((a, b) => a - b), [10, 20, 30, 40], 'permutes a given index list');
  });

  test('disjoint shards: disjoint, covering, balanced, sorted, deterministic', () => {
    const n = 10_007;
    const shards = disjointShards(n, 3, 7);
    assertDeepEqual(shards.map((s) => s.length), [3336, 3336, 3335], 'sizes differ by at most one');
    const all = new Int32Array(n);
    let at = 0;
    for (const s of shards) {
      assert(isSortedDistinct(s), 'each shard sorted and without repeats');
      all.set(s, at);
      at += s.length;
    }
    assert(isPermutationOf(all, n), 'shards are disjoint and cover the set');
    const again = disjointShards(n, 3, 7);
    shards.forEach((s, k) => assertBitEqual(again[k]!, s, `shard ${k} reproduced`));
    assert(disjointShards(n, 3, 8)[0]!.some((v, i) => v !== shards[0]![i]), 'another seed, other shards');
    assertDeepEqual(disjointShards(10, 3, 42).map((s) => Array.from(s)), [[6, 7, 8, 9], [0, 2, 5], [1, 3, 4]], 'golden shards');
    assertThrows(() => disjointShards(2, 3, 0), /2 images cannot make 3 non-empty shards/, 'too few images');
    assertThrows(() => disjointShards(10, 0, 0), /k must be an integer in 1\.\.65535/, 'k = 0');
  });

  test('overlapping samples: fraction size, no repeats within, overlap near f²·n', () => {
    const n = 4000;
    const f = 0.7;
    const samples = overlappingSamples(n, 3, f, 11);
    for (const s of samples) {
      assertEqual(s.length, sampleSize(n, f), 'sample size round(f·n)');
      assert(isSortedDistinct(s), 'sorted, without replacement');
      assert(s[0]! >= 0 && s[s.length - 1]! < n, 'in range');
    }
    const inBoth = samples[0]!.filter((i) => samples[1]!.includes(i)).length;
    assert(Math.abs(inBoth - f * f * n) < 120, `overlap of two samples ${inBoth} is near f²·n = ${f * f * n}`);
    const again = overlappingSamples(n, 3, f, 11);
    samples.forEach((s, k) => assertBitEqual(again[k]!, s, `sample ${k} reproduced`));
    assert(samples[0]!.some((v, i) => v !== samples[1]![i]), 'the samples differ');
    assertEqual(overlappingSamples(n, 1, 1, 3)[0]!.length, n, 'f = 1 is the whole set');
    assertDeepEqual(Array.from(overlappingSamples(10, 2, 0.5, 42)[1]!), [0, 2, 4, 7, 8], 'golden sample');
    assertThrows(() => overlappingSamples(n, 3, 0, 1), /fraction f must be in \(0, 1\]/, 'f = 0');
    assertThrows(() => overlappingSamples(n, 3, 1.5, 1), /fraction f must be in \(0, 1\]/, 'f > 1');
    assertThrows(() => overlappingSamples(10, 3, 0.01, 1), /empty sample/, 'f·n rounds to 0');
  });

  test('bootstrap samples: with replacement, about 63% distinct', () => {
    const n = 5000;
    const samples = bootstrapSamples(n, 2, 5);
    for (const s of samples) {
      assertEqual(s.length, n, 'n draws');
      const distinct = new Set(s).size;
      assert(Math.abs(distinct / n - (1 - Math.exp(-1))) < 0.02, `distinct fraction ${distinct / n} is near 1 − 1/e`);
      assert(s.every((v, i) => i === 0 || v >= s[i - 1]!), 'sorted');
    }
    assertBitEqual(bootstrapSamples(n, 2, 5)[1]!, samples[1]!, 'reproduced');
    assertEqual(bootstrapSamples(n, 1, 5, 100)[0]!.length, 100, 'given size');
  });

  test('channel statistics and the normalisation table', () => {
    const set = tinySet(7, 3, 2, 3, 12);
    const stats = channelStats(set);
    for (let c = 0; c < 3; c++) {
      const values: number[] = [];
      for (let o = c; o < set.pixels.length; o += 3) values.push(set.pixels[o]! / 255);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      assertAllClose([stats.mean[c]!, stats.std[c]!], [mean, std], { rtol: 1e-12, atol: 1e-12 }, `channel ${c}`);
    }
    const some = channelStats(set, Int32Array.of(2, 4));
    const only = channelStats(imageSet({ ...set, count: 2, pixels: Uint8Array.from([...set.pixels.subarray(2 * 18, 3 * 18), ...set.pixels.subarray(4 * 18, 5 * 18)]), labels: Uint8Array.of(set.labels[2]!, set.labels[4]!) }));
    assertDeepEqual(some, only, 'statistics of chosen images');
    const table = normalizationTable({ mean: [0.5], std: [0.25] }, 1);
    assertBitEqual([table[0]!, table[255]!, table[51]!], [-2, 2, Math.fround((51 / 255 - 0.5) / 0.25)], 'table values');
    assertThrows(() => normalizationTable({ mean: [0.5], std: [0] }, 1), /std\[0\] is 0; it must be finite and positive/, 'zero std');
    assertThrows(() => normalizationTable({ mean: [0.5, 0.5], std: [1, 1] }, 3), /2 means and 2 stds for 3 channels/, 'wrong channel count');
  });

  test('batcher without shuffle: exact batches, the last one partial or dropped', () => {
    const set = tinySet(10, 2, 3, 2, 13);
    const normalization = { mean: [0.4, 0.6], std: [0.2, 0.3] };
    const batcher = new Batcher(set, undefined, { batchSize: 4, shuffle: false, normalization });
    assertEqual(batcher.batchesPerEpoch, 3, 'batches per epoch');
    const seen: number[][] = [];
    for (const batch of batcher.epoch(0)) {
      seen.push(Array.from(batch.indices));
      assertEqual(batch.x.length, batch.size * 12, 'x holds size images');
      for (let i = 0; i < batch.size; i++) {
        const image = batch.indices[i]!;
        assertEqual(batch.labels[i], set.labels[image], `label of image ${image}`);
        const expected = Array.from({ length: 12 }, (_, k) => normalise(set.pixels[image * 12 + k]!, k % 2, normalization));
        assertBitEqual(batch.x.subarray(i * 12, (i + 1) * 12), expected, `pixels of image ${image}`);
      }
    }
    assertDeepEqual(seen, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], 'batches in order, last one partial');
    const dropping = new Batcher(set, undefined, { batchSize: 4, shuffle: false, dropLast: true });
    assertDeepEqual([...dropping.epoch(0)].map((b) => b.size), [4, 4], 'last partial batch dropped');
    assertEqual(dropping.samplesPerEpoch, 8, 'samples per epoch when dropping');
    const subset = new Batcher(set, Int32Array.of(9, 2, 5), { batchSize: 2, shuffle: false });
    assertDeepEqual([...subset.epoch(0)].map((b) => Array.from(b.indices)), [[9, 2], [5]], 'batches of an index list');
    assertThrows(() => new Batcher(set, Int32Array.of(3, 10), { batchSize: 2 }), /indices\[1\] = 10 is not an image of tiny/, 'index out of range');
    assertThrows(() => new Batcher(set, undefined, { batchSize: 0 }), /batchSize must be a positive integer/, 'batch size 0');
  });

  test('batcher: buffers reused (no copy of the set), seeded epochs', () => {
    const set = tinySet(50, 4, 4, 3, 14);
    const batcher = new Batcher(set, undefined, { batchSize: 16, seed: 3 });
    // Compile-time: a Batcher is what the training loop takes.
    const source: BatchSource = batcher;
    assertEqual(source.batchesPerEpoch, 4, 'batches per epoch');
    const buffers = new Set<ArrayBufferLike>();
    const visited: number[] = [];
    for (const batch of batcher.epoch(0)) {
      buffers.add(batch.x.buffer);
      visited.push(...batch.indices);
    }
    assertEqual(buffers.size, 1, 'one x buffer for every batch');
    assertEqual([...buffers][0]!.byteLength, 16 * 48 * 4, 'the buffer holds one batch, not the set');
    assert(isPermutationOf(Int32Array.from(visited), 50), 'an epoch visits every image once');
    assertBitEqual(batcher.epochOrder(0), visited, 'epochOrder matches the batches');
    assertBitEqual(new Batcher(set, undefined, { batchSize: 16, seed: 3 }).epochOrder(0), visited, 'same seed, same epoch');
    assert(batcher.epochOrder(1).some((v, i) => v !== visited[i]), 'the next epoch has another order');
    assertDeepEqual(Array.from(new Batcher(set, undefined, { batchSize: 4, seed: 42 }).epochOrder(0).subarray(0, 8)),
      [6, 38, 47, 3, 49, 29, 41, 8], 'golden epoch order');
  });

  test('augmentation: every pixel from its crop and flip, padding black or the mean', () => {
    const set = tinySet(40, 5, 6, 2, 15);
    const normalization = { mean: [0.3, 0.7], std: [0.5, 0.25] };
    const pad = 2;
    for (const padValue of ['black', 'mean'] as const) {
      const batcher = new Batcher(set, undefined, { batchSize: 8, seed: 9, normalization, augment: { pad, padValue } });
      const offsets = new Set<string>();
      let flips = 0;
      for (const batch of batcher.epoch(0)) {
        const crops = batch.crops!;
        assertEqual(crops.length, 3 * batch.size, 'three numbers per image');
        for (let i = 0; i < batch.size; i++) {
          const image = batch.indices[i]!;
          const [dy, dx, flip] = [crops[3 * i]!, crops[3 * i + 1]!, crops[3 * i + 2]!];
          assert(Math.abs(dy) <= pad && Math.abs(dx) <= pad && (flip === 0 || flip === 1), 'crop in range');
          offsets.add(`${dy},${dx}`);
          flips += flip;
          // Independently: pad the image, crop at (dy + pad, dx + pad), then mirror the crop.
          for (let y = 0; y < 5; y++) {
            for (let x = 0; x < 6; x++) {
              for (let c = 0; c < 2; c++) {
                const sy = y + dy;
                const sx = (flip ? 5 - x : x) + dx;
                const inside = sy >= 0 && sy < 5 && sx >= 0 && sx < 6;
                const expected = inside
                  ? normalise(set.pixels[((image * 5 + sy) * 6 + sx) * 2 + c]!, c, normalization)
                  : padValue === 'black' ? normalise(0, c, normalization) : 0;
                const actual = batch.x[((i * 5 + y) * 6 + x) * 2 + c]!;
                if (actual !== expected) {
                  throw new Error(`image ${image} crop (${dy}, ${dx}, flip ${flip}) pixel (${y}, ${x}, ${c}): ${actual}, expected ${expected}`);
                }
              }
            }
          }
        }
      }
      assert(offsets.size >= 15, `crops cover the offsets (${offsets.size} of 25 seen)`);
      assert(flips > 8 && flips < 32, `about half the images flipped (${flips} of 40)`);
    }
    const crops = (seed: number) => {
      const b = new Batcher(set, undefined, { batchSize: 40, seed, augment: true });
      const first = b.epoch(0).next().value!;
      return Array.from(first.crops!);
    };
    assertDeepEqual(crops(9), crops(9), 'same seed, same crops');
    assert(crops(9).join() !== crops(10).join(), 'another seed, other crops');
    assertDeepEqual(crops(42).slice(0, 9), [0, 0, 0, 4, -1, 0, 0, -2, 1], 'golden crops (pad 4)');
  });
});
