/**
 * Selecting the pruned structure (METHOD.md §5–§7, our reading of the paper): anneal over the
 * candidate thresholds of K networks to minimise the contrast between their pruned structures
 * plus α × their mean kept-FLOPs fraction; keep the network k* whose structure differs least
 * from the others at the best θ*.
 */
import { ANNEAL_DEFAULTS, type AnnealGroup, type AnnealProblem, type AnnealResult, type ContrastMode, type FlopsModel } from '../kernels/spec/anneal.ts';
import { anneal, annealEnergy } from '../kernels/wasm/anneal.ts';
import { thresholdMask, maskPopcount, maskHamming } from '../kernels/wasm/bitset.ts';
import { bitsFromFlags } from '../kernels/channels.ts';
import { searchThreshold, type CandidateSet } from './candidates.ts';
import { initKernels } from '../wasm/loader.ts';

export interface SelectionInput {
  /** gammas[k][l]: BN γ of group l in network k. */
  readonly gammas: readonly (readonly Float32Array[])[];
  readonly groups: readonly AnnealGroup[];
  readonly candidates: readonly (readonly CandidateSet[])[];
  readonly flops: FlopsModel;
  readonly mode?: ContrastMode;
  /** α of the energy (METHOD.md §5, default 0.01). */
  readonly alpha?: number;
}

export interface AnnealSchedule {
  readonly cooling?: number;
  readonly tMinFactor?: number;
  readonly movesPerTemperature?: number;
  readonly pJump?: number;
}

export type RestartRunner = (
  problem: AnnealProblem,
  options: { seed: number; start: Int32Array } & AnnealSchedule,
) => Promise<AnnealResult>;

export interface SelectionOptions extends AnnealSchedule {
  readonly seed: number;
  /** R independent restarts (default 8); the lowest energy wins. */
  readonly restarts?: number;
  /** Runs one restart, e.g. on a worker pool; default: in this thread. */
  readonly runRestart?: RestartRunner;
  /** Called as each restart ends (in the order they end), e.g. to plot the annealing while it runs. */
  readonly onRestart?: (summary: RestartSummary, restart: number, restarts: number) => void;
}

export interface RestartSummary {
  readonly seed: number;
  readonly startEnergy: number;
  readonly startFrom: 'baseline' | 'random';
  readonly energy: number;
  readonly accepted: number;
  readonly moves: number;
  readonly t0: number;
  /** The geometric cooling factor: temperature step i ran at t0 · cooling^i. */
  readonly cooling: number;
  /** Energy at the end of each temperature step (the state then, not the best so far). */
  readonly trace: Float64Array;
}

export interface Selection {
  /** θ*: candidate index per cell k·L + l. */
  readonly theta: Int32Array;
  readonly energy: number;
  readonly thresholds: number[][];
  /** Kept channels per network and group at θ*. */
  readonly widths: number[][];
  /** Σ_j≠k contrast(k, j) at θ*, per network. */
  readonly contrastPerNetwork: number[];
  readonly kStar: number;
  /** Masks of network k* at θ*: one kept-channel bitset per group (src/kernels/channels.ts), as prune() takes them. */
  readonly masks: Uint32Array[];
  readonly restarts: RestartSummary[];
}

/** A u32 seed per restart, derived from the run's seed (splitmix32 step). */
export function restartSeed(seed: number, r: number): number {
  let z = (seed + Math.imul(0x9e3779b9, r + 1)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export function annealProblem(input: SelectionInput): AnnealProblem {
  return {
    networks: input.gammas.length,
    groups: input.groups,
    gammas: input.gammas,
    candidates: input.candidates.map((row) => row.map((c) => c.thresholds)),
    mode: input.mode ?? 'width',
    alpha: input.alpha ?? 0.01,
    flops: input.flops,
  };
}

/** Start (a) of METHOD.md §6: every cell at the candidate nearest Polarization's own valley. */
export function baselineStart(input: SelectionInput): Int32Array {
  const L = input.groups.length;
  const start = new Int32Array(input.gammas.length * L);
  input.gammas.forEach((row, k) =>
    row.forEach((g, l) => {
      const t = searchThreshold(g).threshold ?? 0;
      const c = input.candidates[k]![l]!.thresholds;
      let best = 0;
      for (let i = 1; i < c.length; i++) if (Math.abs(c[i]! - t) < Math.abs(c[best]! - t)) best = i;
      start[k * L + l] = best;
    }),
  );
  return start;
}

/** Start (b): a seeded random candidate per cell (xorshift32 on the restart seed). */
export function randomStart(input: SelectionInput, seed: number): Int32Array {
  const L = input.groups.length;
  let s = seed >>> 0 || 0x6d2b79f5;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  const start = new Int32Array(input.gammas.length * L);
  for (let k = 0; k < input.gammas.length; k++) {
    for (let l = 0; l < L; l++) start[k * L + l] = Math.floor(next() * input.candidates[k]![l]!.thresholds.length);
  }
  return start;
}

function masksAt(input: SelectionInput, theta: Int32Array): Uint8Array[][] {
  const L = input.groups.length;
  return input.gammas.map((row, k) =>
    row.map((g, l) => thresholdMask(g as Float32Array, input.candidates[k]![l]!.thresholds[theta[k * L + l]!]!, input.groups[l]!.minChannels)),
  );
}

export async function selectStructure(input: SelectionInput, options: SelectionOptions): Promise<Selection> {
  const K = input.gammas.length;
  const L = input.groups.length;
  if (K < 2) throw new RangeError(`selectStructure: the contrast needs K >= 2 networks, got ${K}`);
  const restarts = options.restarts ?? 8;
  if (!Number.isInteger(restarts) || restarts < 1) throw new RangeError(`restarts must be a positive integer, got ${restarts}`);
  const problem = annealProblem(input);
  // The kernels below are synchronous and need the module loaded; a caller that starts here (a
  // service that only selects, such as examples/workerd) has not loaded it yet.
  await initKernels();
  const schedule: AnnealSchedule = {
    cooling: options.cooling, tMinFactor: options.tMinFactor,
    movesPerTemperature: options.movesPerTemperature, pJump: options.pJump,
  };
  const runRestart: RestartRunner = options.runRestart ?? (async (p, o) => anneal(p, o));
  const baseline = baselineStart(input);
  const baselineEnergy = annealEnergy(problem, baseline);
  const jobs = Array.from({ length: restarts }, (_, r) => {
    const seed = restartSeed(options.seed, r);
    const random = randomStart(input, seed);
    const randomEnergy = annealEnergy(problem, random);
    const fromBaseline = baselineEnergy <= randomEnergy;
    const start = fromBaseline ? baseline : random;
    return runRestart(problem, { seed, start, ...schedule }).then((result): [RestartSummary, AnnealResult] => {
      const summary: RestartSummary = {
        seed, startEnergy: fromBaseline ? baselineEnergy : randomEnergy, startFrom: fromBaseline ? 'baseline' : 'random',
        energy: result.energy, accepted: result.accepted, moves: result.moves, t0: result.t0,
        cooling: options.cooling ?? ANNEAL_DEFAULTS.cooling, trace: result.trace,
      };
      options.onRestart?.(summary, r, restarts);
      return [summary, result];
    });
  });
  const done = await Promise.all(jobs);
  let best = done[0]!;
  for (const d of done) if (d[1].energy < best[1].energy) best = d;
  const theta = best[1].best;
  const masks = masksAt(input, theta);
  const widths = masks.map((row) => row.map(maskPopcount));
  const mode = problem.mode;
  const contrastPerNetwork = Array.from({ length: K }, (_, k) => {
    let sum = 0;
    for (let j = 0; j < K; j++) {
      if (j === k) continue;
      for (let l = 0; l < L; l++) {
        const g = input.groups[l]!;
        const d = mode === 'mask' ? maskHamming(masks[k]![l]!, masks[j]![l]!) : Math.abs(widths[k]![l]! - widths[j]![l]!);
        sum += (g.weight * d) / g.width;
      }
    }
    return sum;
  });
  let kStar = 0;
  for (let k = 1; k < K; k++) if (contrastPerNetwork[k]! < contrastPerNetwork[kStar]!) kStar = k;
  return {
    theta,
    energy: best[1].energy,
    thresholds: input.gammas.map((_, k) => input.groups.map((__, l) => input.candidates[k]![l]!.thresholds[theta[k * L + l]!]!)),
    widths,
    contrastPerNetwork,
    kStar,
    masks: masks[kStar]!.map(bitsFromFlags),
    restarts: done.map((d) => d[0]),
  };
}
