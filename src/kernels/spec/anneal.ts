/**
 * The annealing kernel's spec: the problem of METHOD.md §5–§6 as the plain data the kernel takes
 * (src/select/structure.ts builds it from a run's candidates and graph), shared by the reference
 * (reference/anneal.ts) and the WASM wrapper (wasm/anneal.ts): its types, its validation (one set
 * of error messages for both) and the option defaults.
 *
 * A state θ picks, for every network k and prunable group l, one candidate threshold of C(k,l);
 * it is an Int32Array of K·L candidate indices, `state[k·L + l]` (a "cell").
 */

export type ContrastMode = 'width' | 'mask';

export interface AnnealGroup {
  /** C_l: the group's original number of channels (>= 1). */
  readonly width: number;
  /** The guard of METHOD.md §1: a mask keeps at least this many channels (0..width). */
  readonly minChannels: number;
  /** w_l: the group's weight in the contrast (METHOD.md §5: its share of the FLOPs, or uniform). */
  readonly weight: number;
}

/** One FLOPs term coef · n_a · n_b (multiply-adds), e.g. a conv from group a into group b. */
export interface FlopsEdge {
  readonly a: number;
  readonly b: number;
  readonly coef: number;
}

/**
 * Multiply-adds of one network as a function of its kept widths n_l:
 * constant + Σ_l linear[l] · n_l + Σ_e coef_e · n_{a_e} · n_{b_e}. keptFlopsFraction_k(θ) is this
 * at network k's widths divided by the same at the original widths (METHOD.md §5's FLOPs term).
 * Every coefficient is finite and >= 0, and the unpruned total is > 0.
 */
export interface FlopsModel {
  readonly constant: number;
  /** One coefficient per group (length L). */
  readonly linear: ArrayLike<number>;
  readonly edges: readonly FlopsEdge[];
}

export interface AnnealProblem {
  /** K (>= 2): networks trained on different data (METHOD.md §3). */
  readonly networks: number;
  /** The L prunable groups, in a fixed order shared by every network. */
  readonly groups: readonly AnnealGroup[];
  /** gammas[k][l]: the BatchNorm γ of group l in network k (length width_l; |γ| is used). */
  readonly gammas: readonly (readonly Float32Array[])[];
  /** candidates[k][l]: C(k,l), strictly ascending, at least one each (METHOD.md §4). */
  readonly candidates: readonly (readonly (Float64Array | readonly number[])[])[];
  /** Contrast between networks: width differences (default of METHOD.md §5) or mask Hamming distances. */
  readonly mode: ContrastMode;
  /** α of E(θ) = contrast(θ) + α · mean_k keptFlopsFraction_k(θ) (METHOD.md default 0.01). */
  readonly alpha: number;
  readonly flops: FlopsModel;
}

export interface AnnealOptions {
  /** Seed of every random draw (u32 integer). */
  readonly seed: number;
  /** The start state θ (K·L candidate indices); METHOD.md §6 picks it (baseline vs random). */
  readonly start: Int32Array;
  /** Initial temperature; estimated from `t0Samples` moves from the start when omitted. */
  readonly t0?: number;
  /** Geometric cooling factor c, 0 < c < 1 (default 0.995). */
  readonly cooling?: number;
  /** T_min = t0 · tMinFactor, 0 < factor <= 1 (default 1e-4). */
  readonly tMinFactor?: number;
  /** N moves per temperature (default 100 · K · L). */
  readonly movesPerTemperature?: number;
  /** Probability that a move jumps to a random other candidate instead of a neighbour (default 0.1). */
  readonly pJump?: number;
  /** Moves sampled from the start to estimate T₀ (default 256). */
  readonly t0Samples?: number;
}

export interface T0Options {
  readonly seed: number;
  readonly start: Int32Array;
  readonly pJump?: number;
  readonly t0Samples?: number;
}

export interface AnnealResult {
  /** The lowest-energy state visited (the first one reached, if several tie). */
  readonly best: Int32Array;
  /** E(best). */
  readonly energy: number;
  /** The state at the end of the run. */
  readonly final: Int32Array;
  /** E(final), as maintained incrementally (equals a full recomputation bit for bit). */
  readonly finalEnergy: number;
  /** Accepted moves. */
  readonly accepted: number;
  /** Proposed moves (temperature steps · N; 0 when no cell has two candidates). */
  readonly moves: number;
  /** Temperature steps. */
  readonly steps: number;
  /** Energy at the end of each temperature step (length `steps`): the annealing curve. */
  readonly trace: Float64Array;
  /** The initial temperature used (given or estimated). */
  readonly t0: number;
}

/** Options with their defaults applied. */
export interface ResolvedAnnealOptions {
  readonly seed: number;
  readonly start: Int32Array;
  readonly t0: number | undefined;
  readonly cooling: number;
  readonly tMinFactor: number;
  readonly movesPerTemperature: number;
  readonly pJump: number;
  readonly t0Samples: number;
}

export const ANNEAL_DEFAULTS = Object.freeze({
  cooling: 0.995,
  tMinFactor: 1e-4,
  pJump: 0.1,
  t0Samples: 256,
  /** N = movesPerTemperatureFactor · K · L (METHOD.md §6: 100·K·L). */
  movesPerTemperatureFactor: 100,
});

/** A run longer than this many temperature steps is almost certainly a mistaken schedule. */
export const MAX_TEMPERATURE_STEPS = 10_000_000;

// The uniform draws are exact for counts below 2^29 (see assembly/rng_core.ts).
const MAX_COUNT = 2 ** 24;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}

function fail(kernel: string, message: string): never {
  throw new RangeError(`${kernel}: ${message}`);
}

function checkInt(kernel: string, name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(kernel, `${name} must be an integer in [${min}, ${max}], got ${describe(v)}`);
  }
  return v;
}

function checkReal(kernel: string, name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    fail(kernel, `${name} must be a finite number in [${min}, ${max}], got ${describe(v)}`);
  }
  return v;
}

function checkArray(kernel: string, name: string, v: unknown, length: number, what: string): void {
  if (!Array.isArray(v)) fail(kernel, `${name} must be an array of ${length} ${what}, got ${describe(v)}`);
  if (v.length !== length) fail(kernel, `${name} has ${v.length} entries, expected ${length} ${what}`);
}

/** Throws a RangeError naming the first thing wrong with the problem; returns it typed otherwise. */
export function validateAnnealProblem(kernel: string, problem: AnnealProblem): AnnealProblem {
  if (problem === null || typeof problem !== 'object') fail(kernel, `problem must be an object, got ${describe(problem)}`);
  const K = problem.networks;
  if (typeof K !== 'number' || !Number.isInteger(K) || K < 2) {
    fail(kernel, `networks (K) must be an integer >= 2 (the contrast compares pairs of networks), got ${describe(K)}`);
  }
  if (!Array.isArray(problem.groups) || problem.groups.length < 1) {
    fail(kernel, `groups must be a non-empty array of {width, minChannels, weight}, got ${describe(problem.groups)}`);
  }
  const L = problem.groups.length;
  if (K * L > MAX_COUNT) fail(kernel, `K·L = ${K * L} cells is more than the ${MAX_COUNT} supported`);
  problem.groups.forEach((g, l) => {
    if (g === null || typeof g !== 'object') fail(kernel, `groups[${l}] must be {width, minChannels, weight}, got ${describe(g)}`);
    checkInt(kernel, `groups[${l}].width`, g.width, 1, MAX_COUNT);
    checkInt(kernel, `groups[${l}].minChannels`, g.minChannels, 0, g.width);
    checkReal(kernel, `groups[${l}].weight`, g.weight, 0);
  });
  if (problem.mode !== 'width' && problem.mode !== 'mask') {
    fail(kernel, `mode must be 'width' or 'mask', got ${describe(problem.mode)}`);
  }
  checkReal(kernel, 'alpha', problem.alpha, 0);

  checkArray(kernel, 'gammas', problem.gammas, K, 'networks');
  checkArray(kernel, 'candidates', problem.candidates, K, 'networks');
  for (let k = 0; k < K; k++) {
    checkArray(kernel, `gammas[${k}]`, problem.gammas[k], L, 'groups');
    checkArray(kernel, `candidates[${k}]`, problem.candidates[k], L, 'groups');
    for (let l = 0; l < L; l++) {
      const width = problem.groups[l]!.width;
      const g = problem.gammas[k]![l];
      if (!(g instanceof Float32Array)) fail(kernel, `gammas[${k}][${l}] must be a Float32Array, got ${describe(g)}`);
      if (g.length !== width) fail(kernel, `gammas[${k}][${l}] has ${g.length} values, expected groups[${l}].width = ${width}`);
      for (let i = 0; i < g.length; i++) {
        if (!Number.isFinite(g[i]!)) fail(kernel, `gammas[${k}][${l}][${i}] is ${g[i]}; every γ must be finite`);
      }
      const c = problem.candidates[k]![l];
      if (!(c instanceof Float64Array) && !Array.isArray(c)) {
        fail(kernel, `candidates[${k}][${l}] must be a Float64Array or an array of numbers, got ${describe(c)}`);
      }
      if (c.length < 1) {
        fail(kernel, `candidates[${k}][${l}] is empty; every (network, group) needs at least one threshold (METHOD.md §4 falls back to { 0 })`);
      }
      if (c.length > MAX_COUNT) fail(kernel, `candidates[${k}][${l}] has ${c.length} thresholds, more than the ${MAX_COUNT} supported`);
      for (let i = 0; i < c.length; i++) {
        const v = c[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          fail(kernel, `candidates[${k}][${l}][${i}] is ${describe(v)}; thresholds must be finite numbers`);
        }
        if (i > 0 && !(v > c[i - 1]!)) {
          fail(kernel, `candidates[${k}][${l}] must be strictly ascending, but [${i - 1}] = ${c[i - 1]} and [${i}] = ${v}; sort and deduplicate them`);
        }
      }
    }
  }

  const f = problem.flops;
  if (f === null || typeof f !== 'object') fail(kernel, `flops must be {constant, linear, edges}, got ${describe(f)}`);
  checkReal(kernel, 'flops.constant', f.constant, 0);
  if (f.linear === null || typeof f.linear !== 'object' || typeof f.linear.length !== 'number') {
    fail(kernel, `flops.linear must be an array of ${L} coefficients, got ${describe(f.linear)}`);
  }
  if (f.linear.length !== L) fail(kernel, `flops.linear has ${f.linear.length} coefficients, expected one per group (${L})`);
  for (let l = 0; l < L; l++) checkReal(kernel, `flops.linear[${l}]`, f.linear[l], 0);
  if (!Array.isArray(f.edges)) fail(kernel, `flops.edges must be an array of {a, b, coef}, got ${describe(f.edges)}`);
  f.edges.forEach((e, i) => {
    if (e === null || typeof e !== 'object') fail(kernel, `flops.edges[${i}] must be {a, b, coef}, got ${describe(e)}`);
    checkInt(kernel, `flops.edges[${i}].a`, e.a, 0, L - 1);
    checkInt(kernel, `flops.edges[${i}].b`, e.b, 0, L - 1);
    checkReal(kernel, `flops.edges[${i}].coef`, e.coef, 0);
  });
  const total = unprunedFlops(problem);
  if (!(total > 0) || !Number.isFinite(total)) {
    fail(kernel, `the FLOPs model gives ${total} multiply-adds for the unpruned network; it must be positive and finite`);
  }
  return problem;
}

/**
 * The FLOPs model at widths `width(l)`, in the fixed order of assembly/anneal.ts:
 * acc = constant; acc += linear[l] · n_l for l ascending; acc += coef_e · n_a · n_b for e ascending.
 */
export function flopsAt(flops: FlopsModel, width: (l: number) => number): number {
  let acc = flops.constant;
  for (let l = 0; l < flops.linear.length; l++) acc += flops.linear[l]! * width(l);
  for (const e of flops.edges) acc += e.coef * width(e.a) * width(e.b);
  return acc;
}

export function unprunedFlops(problem: AnnealProblem): number {
  return flopsAt(problem.flops, (l) => problem.groups[l]!.width);
}

function checkStart(kernel: string, problem: AnnealProblem, start: unknown): Int32Array {
  const K = problem.networks, L = problem.groups.length;
  if (!(start instanceof Int32Array)) fail(kernel, `start must be an Int32Array of K·L = ${K * L} candidate indices, got ${describe(start)}`);
  if (start.length !== K * L) fail(kernel, `start has ${start.length} entries, expected K·L = ${K * L} (index k·L + l)`);
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < L; l++) {
      const n = problem.candidates[k]![l]!.length;
      const v = start[k * L + l]!;
      if (v < 0 || v >= n) {
        fail(kernel, `start[${k * L + l}] (network ${k}, group ${l}) is ${v}, outside the ${n} candidates [0, ${n - 1}]`);
      }
    }
  }
  return start;
}

/** Validates a state (as `start` is validated) for energy evaluation. */
export function validateState(kernel: string, problem: AnnealProblem, state: Int32Array): Int32Array {
  return checkStart(kernel, problem, state).slice();
}

export function resolveT0Options(kernel: string, problem: AnnealProblem, options: T0Options): ResolvedAnnealOptions {
  return resolveAnnealOptions(kernel, problem, { ...options, cooling: undefined, t0: undefined });
}

export function resolveAnnealOptions(kernel: string, problem: AnnealProblem, options: AnnealOptions): ResolvedAnnealOptions {
  if (options === null || typeof options !== 'object') fail(kernel, `options must be an object, got ${describe(options)}`);
  const K = problem.networks, L = problem.groups.length;
  const seed = checkInt(kernel, 'options.seed', options.seed, 0, 0xffffffff);
  const start = checkStart(kernel, problem, options.start).slice();
  const t0 = options.t0 === undefined ? undefined : checkReal(kernel, 'options.t0', options.t0, Number.MIN_VALUE);
  const cooling = checkReal(kernel, 'options.cooling', options.cooling ?? ANNEAL_DEFAULTS.cooling, 0, 1);
  if (cooling <= 0 || cooling >= 1) fail(kernel, `options.cooling must lie strictly between 0 and 1, got ${cooling}`);
  const tMinFactor = checkReal(kernel, 'options.tMinFactor', options.tMinFactor ?? ANNEAL_DEFAULTS.tMinFactor, 0, 1);
  if (tMinFactor <= 0) fail(kernel, `options.tMinFactor must be > 0 (T_min = t0 · tMinFactor), got ${tMinFactor}`);
  const movesPerTemperature = checkInt(
    kernel, 'options.movesPerTemperature',
    options.movesPerTemperature ?? ANNEAL_DEFAULTS.movesPerTemperatureFactor * K * L, 1, 2 ** 31 - 1,
  );
  const pJump = checkReal(kernel, 'options.pJump', options.pJump ?? ANNEAL_DEFAULTS.pJump, 0, 1);
  const t0Samples = checkInt(kernel, 'options.t0Samples', options.t0Samples ?? ANNEAL_DEFAULTS.t0Samples, 1, MAX_COUNT);
  return { seed, start, t0, cooling, tMinFactor, movesPerTemperature, pJump, t0Samples };
}

/**
 * Temperature steps of the schedule: T = t0, tMin = t0 · tMinFactor; count while T >= tMin,
 * T = cooling · T (the loop of assembly/anneal.ts, evaluated the same way).
 */
export function temperatureSteps(kernel: string, t0: number, cooling: number, tMinFactor: number): number {
  const tMin = t0 * tMinFactor;
  let steps = 0;
  for (let T = t0; T >= tMin; T *= cooling) {
    if (++steps > MAX_TEMPERATURE_STEPS) {
      fail(
        kernel,
        `the schedule has more than ${MAX_TEMPERATURE_STEPS} temperature steps (cooling ${cooling}, tMinFactor ${tMinFactor}); ` +
          'cool faster or raise tMinFactor',
      );
    }
  }
  return steps;
}
