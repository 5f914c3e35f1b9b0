/**
 * The held-out split of a folder without a test folder: from each class, a `fraction` of its
 * images (rounded, and never all of them: every class keeps a training image), chosen by one
 * seeded permutation of the whole folder (sampling.ts), so the split is stratified — each class
 * keeps its share in both parts — and the same for the same seed in every runtime.
 */
import { seededPermutation } from '../sampling.ts';

export interface Split {
  /** Ascending, i.e. in the folder's order. */
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export function stratifiedSplit(labels: Uint8Array, classes: number, fraction: number, seed: number): Split {
  const counts = new Int32Array(classes);
  for (const label of labels) counts[label]!++;
  const wanted = Int32Array.from(counts, (n) => Math.min(Math.round(fraction * n), Math.max(0, n - 1)));
  const isTest = new Uint8Array(labels.length);
  for (const image of seededPermutation(labels.length, seed)) {
    const label = labels[image]!;
    if (wanted[label]! > 0) {
      wanted[label]!--;
      isTest[image] = 1;
    }
  }
  const train: number[] = [];
  const test: number[] = [];
  isTest.forEach((t, image) => (t ? test : train).push(image));
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
