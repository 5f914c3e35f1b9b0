// The annealing inner loop (METHOD.md §5–§6): WASM ≡ the readable reference, bit for bit, on the
// PRNG stream, the Metropolis exp, the masks, the energy, T₀ and whole runs; the reference
// against exhaustive enumeration; and every validation error.
import {
  suite, assert, assertEqual, assertBitEqual, assertDeepEqual, assertThrows, testRng,
} from '../harness.ts';
import {
  initKernels, kernels, Xoshiro128, metropolisExp, thresholdMask, thresholdMaskReference,
  maskPopcount, maskHamming, popcountReference, hammingReference,
  anneal, annealReference, annealEnergy, annealEnergyReference, estimateT0, estimateT0Reference,
  type AnnealProblem, type AnnealOptions, type AnnealResult, type ContrastMode,
} from 'slimprune/internal';

// ---------------------------------------------------------------------------------------------
// Fixtures.

interface Shape {
  networks: number;
  widths: number[];
  /** Candidates per cell: a fixed count, or a random count in [1, max]. */
  candidates: number | { max: number };
  mode: ContrastMode;
}

/** γ polarised (METHOD.md §2), with ties (values rounded to 1/64) and negative signs. */
function randomGammas(width: number, rng: () => number): Float32Array {
  return Float32Array.from({ length: width }, () => {
    const v = rng() < 0.4 ? rng() * 0.1 : 0.3 + rng() * 0.7;
    const tied = rng() < 0.3 ? Math.round(v * 64) / 64 : v;
    return rng() < 0.1 ? -tied : tied;
  });
}

function randomCandidates(count: number, rng: () => number): Float64Array {
  const set = new Set<number>();
  while (set.size < count) set.add(Math.round(rng() * 0.25 * 4096) / 4096);
  return Float64Array.from([...set].sort((a, b) => a - b));
}

function randomProblem(seed: number, shape: Shape): AnnealProblem {
  const rng = testRng(seed);
  const L = shape.widths.length;
  const groups = shape.widths.map((width) => ({
    width,
    minChannels: rng() < 0.2 ? Math.floor(rng() * (width + 1)) : Math.max(1, Math.ceil(0.05 * width)),
    weight: rng(),
  }));
  const gammas: Float32Array[][] = [];
  const candidates: Float64Array[][] = [];
  for (let k = 0; k < shape.networks; k++) {
    gammas.push(shape.widths.map((w) => randomGammas(w, rng)));
    candidates.push(shape.widths.map(() => {
      const c = shape.candidates;
      return randomCandidates(typeof c === 'number' ? c : 1 + Math.floor(rng() * c.max), rng);
    }));
  }
  const edges = [];
  for (let l = 0; l + 1 < L; l++) edges.push({ a: l, b: l + 1, coef: 1 + rng() * 50 });
  if (L > 0) edges.push({ a: 0, b: L - 1, coef: rng() }); // a == b when L = 1
  return {
    networks: shape.networks, groups, gammas, candidates, mode: shape.mode,
    alpha: rng() < 0.5 ? 0.01 : rng() * 0.5,
    flops: { constant: rng() * 100, linear: shape.widths.map(() => rng() * 200), edges },
  };
}

function randomState(problem: AnnealProblem, rng: () => number): Int32Array {
  const L = problem.groups.length;
  const s = new Int32Array(problem.networks * L);
  for (let k = 0; k < problem.networks; k++) {
    for (let l = 0; l < L; l++) s[k * L + l] = Math.floor(rng() * problem.candidates[k]![l]!.length);
  }
  return s;
}

const SHAPES: Shape[] = [
  { networks: 3, widths: [20, 50, 500], candidates: { max: 6 }, mode: 'width' },
  { networks: 3, widths: [20, 50, 500], candidates: { max: 6 }, mode: 'mask' },
  { networks: 2, widths: [7], candidates: 3, mode: 'mask' },
  { networks: 4, widths: [33, 1, 129, 64, 5], candidates: { max: 4 }, mode: 'mask' },
  { networks: 5, widths: [31, 97], candidates: { max: 5 }, mode: 'width' },
];

function assertSameRun(a: AnnealResult, b: AnnealResult, what: string): void {
  assertEqual(a.t0, b.t0, `${what}: t0`);
  assertBitEqual(a.best, b.best, `${what}: best state`);
  assertEqual(a.energy, b.energy, `${what}: best energy`);
  assertBitEqual(a.final, b.final, `${what}: final state`);
  assertEqual(a.finalEnergy, b.finalEnergy, `${what}: final energy`);
  assertEqual(a.accepted, b.accepted, `${what}: accepted moves`);
  assertEqual(a.moves, b.moves, `${what}: moves`);
  assertEqual(a.steps, b.steps, `${what}: steps`);
  assertBitEqual(a.trace, b.trace, `${what}: trace`);
}

/** The recorded run of the known-answer case (Node, Deno and Chromium must all reproduce it). */
const GOLDEN_RUN = {
  best: [4, 0, 2, 2, 0, 5, 2, 0, 0], energy: 0.09595773129579192, accepted: 1936, t0: 0.12234325124246195,
  steps: 43, trace10: 0.09595773129579192,
};

/** A short schedule for runs of the (slow, readable) reference. */
const SHORT = { cooling: 0.85, movesPerTemperature: 60, tMinFactor: 1e-3 } as const;

// ---------------------------------------------------------------------------------------------

export const annealSuite = suite('anneal', (test) => {
  test('the PRNG stream is bit-identical to the reference (u32, uniform, below)', async () => {
    const k = await initKernels();
    const first = new Xoshiro128(0, 0);
    // Known answers: a change to either implementation's seeding or step shows up here.
    assertDeepEqual([0, 1, 2, 3].map(() => first.nextU32()), [3809008728, 1133695204, 53579671, 2891528803], 'seed 0 stream 0');
    for (const [seed, stream] of [[0, 0], [1, 0], [1, 1], [0xdeadbeef, 1], [0xffffffff, 7]] as const) {
      const ref = new Xoshiro128(seed, stream);
      k.exports.rng_seed(seed, stream);
      const mark = k.arena.mark();
      const out = k.arena.alloc(4 * 1000);
      k.exports.rng_fill_u32(out, 1000);
      const got = k.arena.u32(out, 1000).slice();
      k.arena.release(mark);
      assertBitEqual(got, Array.from({ length: 1000 }, () => ref.nextU32()), `u32 stream (seed ${seed}, stream ${stream})`);
      for (let i = 0; i < 200; i++) {
        assertEqual(k.exports.rng_uniform_f64(), ref.uniform(), `uniform #${i}`);
        const n = 1 + (i * 7919) % 1000;
        assertEqual(k.exports.rng_below_i32(n), ref.below(n), `below(${n}) #${i}`);
      }
    }
  });

  test('metropolisExp is bit-identical in WASM and close to exp', async () => {
    const k = await initKernels();
    const rng = testRng(3);
    for (let i = 0; i < 2000; i++) {
      const x = i < 10 ? [-0, -1e-300, -1e-9, -0.5, -1, -17, -39.999, -40, -40.001, -1e6][i]! : -45 * rng();
      const ref = metropolisExp(x);
      assertEqual(k.exports.metropolis_exp_f64(x), ref, `metropolisExp(${x})`);
      const exact = x >= -40 ? Math.exp(x) : 0;
      assert(Math.abs(ref - exact) <= 1e-12 * exact, `metropolisExp(${x}) = ${ref}, exp = ${exact}`);
    }
  });

  test('threshold masks: strict >, |γ|, and the minChannels guard (ties by lower index)', async () => {
    await initKernels();
    const g = Float32Array.from([0.1, -0.5, 0.5, 0.2, 0]);
    for (const impl of [thresholdMask, thresholdMaskReference]) {
      assertDeepEqual([...impl(g, 0.15, 0)], [0, 1, 1, 1, 0], 'θ = 0.15 keeps |γ| > θ');
      assertDeepEqual([...impl(g, 0.5, 0)], [0, 0, 0, 0, 0], 'strict: |γ| = θ is pruned');
      assertDeepEqual([...impl(g, 0.5, 1)], [0, 1, 0, 0, 0], 'guard, tie between [1] and [2]: lower index');
      assertDeepEqual([...impl(g, 0.5, 3)], [0, 1, 1, 1, 0], 'guard keeps the 3 largest');
      assertDeepEqual([...impl(g, 0.15, 2)], [0, 1, 1, 1, 0], 'guard inactive when enough survive');
      assertDeepEqual([...impl(g, 1, 5)], [1, 1, 1, 1, 1], 'guard = width keeps everything');
      assertDeepEqual([...impl(Float32Array.from([0, 0, 0]), 0, 2)], [1, 1, 0], 'all zero: the first ones');
    }
    const rng = testRng(11);
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(rng() * 300);
      const gamma = randomGammas(n, rng);
      const theta = rng() * 0.8;
      const minChannels = Math.floor(rng() * (n + 1));
      assertBitEqual(thresholdMask(gamma, theta, minChannels), thresholdMaskReference(gamma, theta, minChannels),
        `mask (n ${n}, θ ${theta}, minChannels ${minChannels})`);
    }
  });

  test('popcount and Hamming distance over bitsets (vector chunks and scalar tails)', async () => {
    const k = await initKernels();
    const rng = testRng(5);
    for (const n of [1, 31, 32, 33, 127, 128, 129, 500, 3968, 3969, 5000]) {
      const a = Uint8Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0));
      const b = Uint8Array.from({ length: n }, () => (rng() < 0.3 ? 1 : 0));
      assertEqual(maskPopcount(a), popcountReference(a), `popcount (${n} channels)`);
      assertEqual(maskHamming(a, b), hammingReference(a, b), `Hamming (${n} channels)`);
    }
    // Unpadded word counts: the export's scalar tail.
    for (const words of [1, 2, 3, 5, 7, 125, 127]) {
      const mark = k.arena.mark();
      const pa = k.arena.alloc(4 * words), pb = k.arena.alloc(4 * words);
      const a = k.arena.u32(pa, words), b = k.arena.u32(pb, words);
      let pop = 0, ham = 0;
      for (let w = 0; w < words; w++) {
        a[w] = Math.floor(rng() * 2 ** 32);
        b[w] = Math.floor(rng() * 2 ** 32);
        for (let i = 0; i < 32; i++) {
          pop += (a[w]! >>> i) & 1;
          ham += ((a[w]! ^ b[w]!) >>> i) & 1;
        }
      }
      assertEqual(k.exports.bitset_popcount_u32(pa, words), pop, `popcount (${words} words)`);
      assertEqual(k.exports.bitset_hamming_u32(pa, pb, words), ham, `Hamming (${words} words)`);
      k.arena.release(mark);
    }
  });

  test('energy: WASM ≡ reference on random states', async () => {
    await initKernels();
    SHAPES.forEach((shape, s) => {
      const problem = randomProblem(100 + s, shape);
      const rng = testRng(200 + s);
      for (let t = 0; t < 20; t++) {
        const state = randomState(problem, rng);
        const ref = annealEnergyReference(problem, state);
        assert(Number.isFinite(ref) && ref >= 0, `energy ${ref} is finite and >= 0`);
        assertEqual(annealEnergy(problem, state), ref, `energy (shape ${s}, state ${state.join(',')})`);
      }
    });
  });

  test('T₀: WASM ≡ reference, and the median uphill move is accepted with probability 0.8', async () => {
    await initKernels();
    SHAPES.forEach((shape, s) => {
      const problem = randomProblem(300 + s, shape);
      const start = randomState(problem, testRng(400 + s));
      for (const seed of [1, 2, 3]) {
        const options = { seed, start, pJump: 0.1, t0Samples: 101 };
        const t0 = estimateT0Reference(problem, options);
        assertEqual(estimateT0(problem, options), t0, `t0 (shape ${s}, seed ${seed})`);
        assert(t0 > 0 && Number.isFinite(t0), `t0 ${t0} is positive`);
      }
    });
    // One uphill move only: the median is that ΔE, and exp(−ΔE / T₀) = 0.8.
    const p = randomProblem(9, { networks: 2, widths: [10], candidates: 2, mode: 'width' });
    const problem = { ...p, candidates: [[Float64Array.of(0, 0.99)], [Float64Array.of(0.05)]], alpha: 0 };
    const g = Float32Array.from({ length: 10 }, (_, i) => (i + 1) / 10);
    const one = { ...problem, gammas: [[g], [g]], groups: [{ width: 10, minChannels: 0, weight: 1 }] };
    const start = Int32Array.of(0, 0);
    const t0 = estimateT0Reference(one, { seed: 1, start, t0Samples: 5 });
    const dE = annealEnergyReference(one, Int32Array.of(1, 0)) - annealEnergyReference(one, start);
    assert(dE > 0, 'the only move is uphill');
    assert(Math.abs(Math.exp(-dE / t0) - 0.8) < 1e-12, `exp(−ΔE/T₀) = ${Math.exp(-dE / t0)}, expected 0.8`);
  });

  test('annealing: WASM ≡ reference (state sequence, energies, accepted, trace)', async () => {
    await initKernels();
    SHAPES.forEach((shape, s) => {
      const problem = randomProblem(500 + s, shape);
      const start = randomState(problem, testRng(600 + s));
      for (const [seed, pJump] of [[1, 0.1], [42, 0], [7, 1]] as const) {
        const options: AnnealOptions = { seed, start, pJump, ...SHORT };
        const ref = annealReference(problem, options);
        assert(ref.moves > 0 && ref.accepted > 0, 'the run moves');
        assertSameRun(anneal(problem, options), ref, `shape ${s}, seed ${seed}, pJump ${pJump}`);
      }
    });
  }, 30_000);

  test('same seed, same result; different seeds explore differently', async () => {
    await initKernels();
    const problem = randomProblem(700, SHAPES[3]!);
    const start = randomState(problem, testRng(701));
    const schedule = { cooling: 0.98, movesPerTemperature: 500 };
    const a = anneal(problem, { seed: 5, start, ...schedule });
    assertSameRun(anneal(problem, { seed: 5, start, ...schedule }), a, 'repeat');
    const others = [6, 7, 8].map((seed) => anneal(problem, { seed, start, ...schedule }));
    assert(others.some((o) => o.accepted !== a.accepted || o.trace.some((e, i) => e !== a.trace[i])),
      'different seeds give different runs');
    // An explicit t0 equal to the estimate reproduces the run (T₀'s sample has its own stream).
    assertSameRun(anneal(problem, { seed: 5, start, ...schedule, t0: a.t0 }), a, 'explicit t0');
  });

  test('known answer: the same seed gives the same run in every runtime', async () => {
    await initKernels();
    const problem = { ...randomProblem(1300, SHAPES[0]!), alpha: 0.01 };
    const start = randomState(problem, testRng(1301));
    const r = anneal(problem, { seed: 2024, start, ...SHORT });
    // Recorded from this implementation; a deliberate change of the algorithm updates it.
    const got = { best: [...r.best], energy: r.energy, accepted: r.accepted, t0: r.t0, steps: r.steps, trace10: r.trace[10] };
    assertDeepEqual(got, GOLDEN_RUN, 'run of the recorded problem');
    assertSameRun(annealReference(problem, { seed: 2024, start, ...SHORT }), r, 'reference');
  });

  test('incremental energy equals a full recomputation at the end of a run', async () => {
    await initKernels();
    SHAPES.forEach((shape, s) => {
      const problem = randomProblem(800 + s, shape);
      const start = randomState(problem, testRng(900 + s));
      const r = anneal(problem, { seed: 3, start, cooling: 0.97 });
      assertEqual(r.finalEnergy, annealEnergyReference(problem, r.final), `final energy (shape ${s})`);
      assertEqual(r.finalEnergy, annealEnergy(problem, r.final), `final energy, WASM (shape ${s})`);
      assertEqual(r.energy, annealEnergyReference(problem, r.best), `best energy (shape ${s})`);
      assertEqual(r.trace[r.trace.length - 1], r.finalEnergy, 'the trace ends at the final energy');
      assert(r.trace.every((e) => e >= r.energy), 'no traced energy below the best');
    });
  });

  test('small instances: annealing finds the exhaustive optimum', async () => {
    await initKernels();
    for (const [seed, mode] of [[1, 'width'], [2, 'mask'], [3, 'mask'], [4, 'width']] as const) {
      const problem = randomProblem(1000 + seed, { networks: 3, widths: [6, 11, 17], candidates: { max: 3 }, mode });
      const counts = problem.candidates.flatMap((c) => c.map((x) => x.length));
      let optimum = Infinity;
      const state = new Int32Array(counts.length);
      for (;;) {
        optimum = Math.min(optimum, annealEnergyReference(problem, state));
        let i = 0;
        while (i < state.length && ++state[i]! === counts[i]) state[i++] = 0;
        if (i === state.length) break;
      }
      const r = anneal(problem, { seed, start: new Int32Array(counts.length), cooling: 0.95 });
      assertEqual(r.energy, optimum, `best energy vs exhaustive optimum (seed ${seed}, ${mode})`);
    }
  }, 30_000);

  test('no movable cell: no moves, the start is the answer', async () => {
    await initKernels();
    const p = randomProblem(1100, { networks: 3, widths: [9, 4], candidates: 1, mode: 'mask' });
    const start = new Int32Array(6);
    const options = { seed: 1, start, ...SHORT };
    const r = anneal(p, options);
    assertSameRun(r, annealReference(p, options), 'WASM ≡ reference');
    assertEqual(r.moves, 0, 'moves');
    assertEqual(r.t0, 1e-9, 't0 fallback');
    assertBitEqual(r.best, start, 'best');
    assert(r.trace.length === r.steps && r.trace.every((e) => e === r.energy), 'flat trace');
  });

  test('every validation error says what is wrong', async () => {
    await initKernels();
    const base = randomProblem(1200, { networks: 3, widths: [8, 5], candidates: 3, mode: 'width' });
    const start = new Int32Array(6);
    type Mut = (p: AnnealProblem) => unknown;
    const with_ = (over: Partial<Record<keyof AnnealProblem, unknown>>): Mut => (p) => ({ ...p, ...over });
    const problemCases: [string, Mut, RegExp][] = [
      ['not an object', () => null, /problem must be an object/],
      ['K < 2', with_({ networks: 1 }), /networks \(K\) must be an integer >= 2/],
      ['K not an integer', with_({ networks: 2.5 }), /networks \(K\) must be an integer >= 2/],
      ['no groups', with_({ groups: [] }), /groups must be a non-empty array/],
      ['negative width', (p) => ({ ...p, groups: [{ ...p.groups[0]!, width: -8 }, p.groups[1]] }), /groups\[0\]\.width must be an integer in \[1,/],
      ['minChannels > width', (p) => ({ ...p, groups: [p.groups[0], { ...p.groups[1]!, minChannels: 6 }] }), /groups\[1\]\.minChannels must be an integer in \[0, 5\]/],
      ['negative weight', (p) => ({ ...p, groups: [{ ...p.groups[0]!, weight: -1 }, p.groups[1]] }), /groups\[0\]\.weight must be a finite number/],
      ['bad mode', with_({ mode: 'hamming' }), /mode must be 'width' or 'mask'/],
      ['NaN alpha', with_({ alpha: NaN }), /alpha must be a finite number/],
      ['gammas for too few networks', (p) => ({ ...p, gammas: p.gammas.slice(1) }), /gammas has 2 entries, expected 3 networks/],
      ['gammas for too few groups', (p) => ({ ...p, gammas: p.gammas.map((g) => g.slice(1)) }), /gammas\[0\] has 1 entries, expected 2 groups/],
      ['γ of the wrong length', (p) => ({ ...p, gammas: [[new Float32Array(7), p.gammas[0]![1]], ...p.gammas.slice(1)] }), /gammas\[0\]\[0\] has 7 values, expected groups\[0\]\.width = 8/],
      ['γ not Float32Array', (p) => ({ ...p, gammas: [[Array.from(p.gammas[0]![0]!), p.gammas[0]![1]], ...p.gammas.slice(1)] }), /gammas\[0\]\[0\] must be a Float32Array/],
      ['NaN γ', (p) => { const g = p.gammas[1]![1]!.slice(); g[3] = NaN; return { ...p, gammas: [p.gammas[0], [p.gammas[1]![0], g], p.gammas[2]] }; }, /gammas\[1\]\[1\]\[3\] is NaN; every γ must be finite/],
      ['empty candidate list', (p) => ({ ...p, candidates: [[[], p.candidates[0]![1]], ...p.candidates.slice(1)] }), /candidates\[0\]\[0\] is empty/],
      ['unsorted candidates', (p) => ({ ...p, candidates: [[[0.1, 0.05], p.candidates[0]![1]], ...p.candidates.slice(1)] }), /candidates\[0\]\[0\] must be strictly ascending/],
      ['duplicate candidates', (p) => ({ ...p, candidates: [[[0.1, 0.1], p.candidates[0]![1]], ...p.candidates.slice(1)] }), /must be strictly ascending/],
      ['NaN candidate', (p) => ({ ...p, candidates: [[[NaN], p.candidates[0]![1]], ...p.candidates.slice(1)] }), /candidates\[0\]\[0\]\[0\] is number NaN; thresholds must be finite/],
      ['flops missing', with_({ flops: undefined }), /flops must be \{constant, linear, edges\}/],
      ['flops.linear wrong length', (p) => ({ ...p, flops: { ...p.flops, linear: [1] } }), /flops\.linear has 1 coefficients, expected one per group \(2\)/],
      ['negative coefficient', (p) => ({ ...p, flops: { ...p.flops, linear: [1, -1] } }), /flops\.linear\[1\] must be a finite number/],
      ['edge out of range', (p) => ({ ...p, flops: { ...p.flops, edges: [{ a: 0, b: 2, coef: 1 }] } }), /flops\.edges\[0\]\.b must be an integer in \[0, 1\]/],
      ['zero FLOPs', (p) => ({ ...p, flops: { constant: 0, linear: [0, 0], edges: [] } }), /gives 0 multiply-adds for the unpruned network/],
    ];
    for (const [what, mutate, pattern] of problemCases) {
      const bad = mutate(base) as AnnealProblem;
      assertThrows(() => anneal(bad, { seed: 1, start }), pattern, `anneal: ${what}`);
      assertThrows(() => annealReference(bad, { seed: 1, start }), pattern, `annealReference: ${what}`);
      assertThrows(() => annealEnergy(bad, start), pattern, `annealEnergy: ${what}`);
    }
    const optionCases: [string, Partial<AnnealOptions> & Record<string, unknown>, RegExp][] = [
      ['negative seed', { seed: -1 }, /options\.seed must be an integer in \[0, 4294967295\]/],
      ['fractional seed', { seed: 1.5 }, /options\.seed must be an integer/],
      ['start not Int32Array', { start: [0, 0, 0, 0, 0, 0] as unknown as Int32Array }, /start must be an Int32Array of K·L = 6/],
      ['start wrong length', { start: new Int32Array(5) }, /start has 5 entries, expected K·L = 6/],
      ['start out of range', { start: Int32Array.of(0, 0, 0, 3, 0, 0) }, /start\[3\] \(network 1, group 1\) is 3, outside the 3 candidates/],
      ['t0 <= 0', { t0: 0 }, /options\.t0 must be a finite number/],
      ['cooling 1', { cooling: 1 }, /options\.cooling must lie strictly between 0 and 1/],
      ['cooling NaN', { cooling: NaN }, /options\.cooling must be a finite number/],
      ['tMinFactor 0', { tMinFactor: 0 }, /options\.tMinFactor must be > 0/],
      ['movesPerTemperature 0', { movesPerTemperature: 0 }, /options\.movesPerTemperature must be an integer in \[1,/],
      ['pJump > 1', { pJump: 1.5 }, /options\.pJump must be a finite number in \[0, 1\]/],
      ['t0Samples 0', { t0Samples: 0 }, /options\.t0Samples must be an integer in \[1,/],
      ['endless schedule', { t0: 1, cooling: 1 - 1e-12 }, /more than 10000000 temperature steps/],
    ];
    for (const [what, over, pattern] of optionCases) {
      const options = { seed: 1, start, ...over } as AnnealOptions;
      assertThrows(() => anneal(base, options), pattern, `anneal: ${what}`);
      assertThrows(() => annealReference(base, options), pattern, `annealReference: ${what}`);
    }
    assertThrows(() => estimateT0(base, { seed: 1, start: new Int32Array(2) }), /start has 2 entries/, 'estimateT0');
    assertThrows(() => thresholdMask(Float32Array.of(NaN), 0, 0), /gamma\[0\] is NaN/, 'thresholdMask NaN');
    assertThrows(() => thresholdMask(Float32Array.of(1), 0, 2), /minChannels must be an integer in \[0, 1\]/, 'thresholdMask guard');
    // A failed call leaves the arena as it was.
    const k = kernels();
    const mark = k.arena.mark();
    assertThrows(() => anneal(base, { seed: 1, start, cooling: 2 }), /cooling/, 'bad cooling');
    assertEqual(k.arena.mark(), mark, 'arena top after a rejected call');
  });
});
