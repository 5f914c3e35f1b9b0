import { suite, assert, assertEqual, assertDeepEqual, assertThrows, testRng } from '../harness.ts';
import {
  initKernels, searchThreshold, candidateThresholds, valleys, selectStructure, annealEnergy, annealProblem, keepIndicesFromBitset,
  type SelectionInput,
} from 'slimprune/internal';

/** γ values that put `counts[i]` values into histogram bin i (centre of the bin). */
function gammasWithCounts(counts: number[]): Float32Array {
  const out: number[] = [];
  counts.forEach((n, i) => {
    for (let j = 0; j < n; j++) out.push((i + 0.5) / 100);
  });
  return Float32Array.from(out);
}

export const selectSuite = suite('select', (test) => {
  test('searchThreshold matches hand-computed histograms', () => {
    // counts 5, 0, 3: d = [-5, 3] → i = 0 → left edge of bin 1.
    assertEqual(searchThreshold(gammasWithCounts([5, 0, 3])).threshold, 0.01, 'simple valley');
    // A flat run of empty bins is one valley, at its first bin.
    assertEqual(searchThreshold(gammasWithCounts([4, 0, 0, 0, 2])).threshold, 0.01, 'flat run');
    // Decreasing, then a valley at bin 3.
    assertEqual(searchThreshold(gammasWithCounts([9, 7, 4, 1, 6, 8])).threshold, 0.03, 'valley at bin 3');
    // All γ near 1: the empty low bins form a flat run at once (d[0] = 0 <= 0 <= d[1] = 0).
    assertEqual(searchThreshold(Float32Array.from([0.9, 0.95, 0.97])).threshold, 0.01, 'no γ near zero');
    // Strictly increasing counts in every bin: no such i.
    assertEqual(searchThreshold(gammasWithCounts(Array.from({ length: 100 }, (_, i) => i + 1))).threshold, undefined, 'no minimum');
    // A valley above 0.2 comes with Polarization's warning.
    const high = searchThreshold(gammasWithCounts([...Array.from({ length: 30 }, (_, i) => 40 - i), 5, 20]));
    assertEqual(high.threshold, 0.3, 'high valley');
    assert(high.warning?.includes('too large'), 'warning above 0.2');
  });

  test('histogram candidates start at Polarization’s valley; flat runs count once', () => {
    const rng = testRng(31);
    for (let trial = 0; trial < 20; trial++) {
      const g = Float32Array.from({ length: 50 }, () => (rng() < 0.4 ? rng() * 0.08 : 0.5 + rng() * 0.5));
      const base = searchThreshold(g).threshold;
      const c = candidateThresholds(g, { source: 'histogram', cap: 1 });
      if (base !== undefined) assertEqual(c.thresholds[0], base, `first candidate, trial ${trial}`);
      for (let i = 1; i < c.thresholds.length; i++) assert(c.thresholds[i]! > c.thresholds[i - 1]!, 'strictly ascending');
    }
    assertDeepEqual(valleys([3, 0, 0, 0, 2, 1, 4]).map((v) => v.index), [1, 5], 'valley indices');
    assertDeepEqual(valleys([5, 3, 3, 1, 1, 4]).map((v) => v.index), [1, 3], 'a flat step counts, as in Polarization');
  });

  test('KDE candidates find the gap of a polarized layer; fallbacks', () => {
    const rng = testRng(32);
    const g = Float32Array.from({ length: 50 }, (_, i) => (i < 20 ? rng() * 0.02 : 0.6 + rng() * 0.3));
    const c = candidateThresholds(g, { source: 'kde', cap: 0.5 });
    assertEqual(c.origin, 'valleys', 'origin');
    assert(c.thresholds.some((t) => t > 0.02 && t < 0.5), `a candidate between the modes: ${c.thresholds}`);
    const gap = candidateThresholds(Float32Array.from([0.001, 0.003, 0.9]), { source: 'histogram', cap: 0.005 });
    assertEqual(gap.origin, 'widest-gap', 'widest-gap origin');
    assert(gap.thresholds.length === 1 && Math.abs(gap.thresholds[0]! - 0.002) < 1e-7, `widest gap: ${gap.thresholds}`);
    assertDeepEqual(candidateThresholds(Float32Array.from([0.001, 0.9]), { source: 'histogram', cap: 0.005 }),
      { thresholds: [0], origin: 'zero' }, 'zero');
    assertThrows(() => candidateThresholds(Float32Array.from([0.1, NaN])), /γ\[1\] is NaN/);
    assertThrows(() => candidateThresholds(new Float32Array(0)), /no channels/);
    assertThrows(() => candidateThresholds(Float32Array.from([0.1]), { cap: 0 }), /cap must be in \(0, 1\]/);
  });

  test('selectStructure: deterministic, lowest energy over restarts, k* has the least contrast', async () => {
    await initKernels();
    const rng = testRng(33);
    const K = 3;
    const widths = [12, 20];
    const gammas = Array.from({ length: K }, () => widths.map((w) => Float32Array.from({ length: w }, () => (rng() < 0.4 ? rng() * 0.05 : 0.5 + rng() * 0.5))));
    const candidates = gammas.map((row) => row.map((g) => candidateThresholds(g, { source: 'histogram', cap: 0.2 })));
    const input: SelectionInput = {
      gammas,
      groups: widths.map((w) => ({ width: w, minChannels: 1, weight: 0.5 })),
      candidates,
      flops: { constant: 10, linear: [5, 0], edges: [{ a: 0, b: 1, coef: 9 }] },
    };
    const opts = { seed: 7, restarts: 3, cooling: 0.9, movesPerTemperature: 30 };
    const a = await selectStructure(input, opts);
    const b = await selectStructure(input, opts);
    assertDeepEqual(Array.from(a.theta), Array.from(b.theta), 'same seed, same θ*');
    assertEqual(a.restarts.length, 3, 'restarts');
    assertEqual(a.energy, Math.min(...a.restarts.map((r) => r.energy)), 'best restart wins');
    assertEqual(annealEnergy(annealProblem(input), a.theta), a.energy, 'energy of θ*');
    const min = Math.min(...a.contrastPerNetwork);
    assertEqual(a.contrastPerNetwork[a.kStar], min, 'k* has the smallest summed contrast');
    assertDeepEqual(a.masks.map((m, l) => keepIndicesFromBitset(input.groups[l]!.width, m).length), a.widths[a.kStar], 'masks of k*');
    await assertRejectsK1(input);
  });
});

async function assertRejectsK1(input: SelectionInput): Promise<void> {
  try {
    await selectStructure({ ...input, gammas: input.gammas.slice(0, 1), candidates: input.candidates.slice(0, 1) }, { seed: 1 });
  } catch (e) {
    assert(/K >= 2/.test((e as Error).message), `message: ${(e as Error).message}`);
    return;
  }
  throw new Error('selectStructure with K = 1 did not reject');
}
