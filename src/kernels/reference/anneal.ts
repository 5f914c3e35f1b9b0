/**
 * The readable specification of the annealing inner loop (METHOD.md §5–§6): the energy of a
 * threshold choice θ, the T₀ estimate and the annealing run. assembly/anneal.ts (over bitsets,
 * with per-candidate masks precomputed) must reproduce these results bit for bit: the same state
 * sequence, energies, accepted count and trace.
 *
 * Energy, with this fixed order of floating-point operations (METHOD.md §5, our reading):
 *   D[l]     = Σ_{i<j} dist(i, j, l)   an integer: |n_il − n_jl| (width mode) or
 *                                      Hamming(m_il, m_jl) (mask mode)
 *   contrast = Σ_l (w_l / C_l) · D[l]   (l ascending)
 *   F[k]     = flopsAt(n_k) / flopsAt(C)   (keptFlopsFraction_k, see flopsAt)
 *   E        = contrast / P + α · ((Σ_k F[k]) / K),   P = K(K−1)/2 pairs
 * Keeping the contrast as integers D[l] makes the incremental update (only pairs involving the
 * moved network at the moved group change) exact: the energy after any sequence of moves equals
 * the energy recomputed from scratch, bit for bit.
 *
 * Moves and draws (rng: reference/rng.ts, stream 0 of the seed):
 *   cell = movable[below(M)]              movable: cells k·L + l with >= 2 candidates, ascending
 *   u = uniform(); if u < pJump: j = below(n − 1), new index = j < i ? j : j + 1
 *   else at an end the only neighbour (no draw), inside below(2) == 0 ? i − 1 : i + 1
 *   accept iff ΔE <= 0, or else uniform() < metropolisExp(−ΔE / T)
 * Schedule: T = t0, tMin = t0 · tMinFactor; while T >= tMin: N moves, trace.push(E), T = c · T.
 */
import {
  type AnnealProblem, type AnnealOptions, type AnnealResult, type T0Options, type ResolvedAnnealOptions,
  validateAnnealProblem, resolveAnnealOptions, resolveT0Options, validateState, flopsAt, unprunedFlops,
  temperatureSteps,
} from '../spec/anneal.ts';
import { Xoshiro128 } from './rng.ts';
import { thresholdMaskReference, popcountReference, hammingReference } from './bitset.ts';

/** −ln(0.8): at T₀ = m / −ln(0.8) a move with ΔE = m is accepted with probability 0.8. */
const NEG_LN_0_8 = 0.2231435513142097;
/** T₀ when the sample holds no uphill move. */
const T0_FALLBACK = 1e-9;

/** 1/10!, 1/9!, …, 1/2!, 1/1!, 1/0!: the Taylor coefficients of exp, highest first. */
const EXP_TAYLOR = [
  2.755731922398589e-7, 0.0000027557319223985893, 0.0000248015873015873, 0.0001984126984126984,
  0.001388888888888889, 0.008333333333333333, 0.041666666666666664, 0.16666666666666666, 0.5, 1, 1,
];

/**
 * exp(x) for x <= 0 from +, −, ×, ÷ only, which IEEE 754 rounds identically in JavaScript and
 * WebAssembly (Math.exp and AssemblyScript's exp may differ in the last ulp, which would flip a
 * rare acceptance and fork the run): exp(x) = exp(x/256)^256, with exp(y) on [−0.157, 0] by its
 * Taylor polynomial of degree 10 in Horner form, then eight squarings. Relative error < 1e-13,
 * far below the 2⁻²⁴ resolution of the uniform it is compared with; 0 below −40
 * (exp(−40) < 2⁻²⁴).
 */
export function metropolisExp(x: number): number {
  if (!(x >= -40)) return 0;
  const y = x * 0.00390625; // x / 256, exact
  let s = EXP_TAYLOR[0]!;
  for (let i = 1; i < EXP_TAYLOR.length; i++) s = s * y + EXP_TAYLOR[i]!;
  for (let i = 0; i < 8; i++) s *= s;
  return s;
}

/** The contrast of METHOD.md §5 between two networks' structures at one group, as an integer. */
function pairDistance(problem: AnnealProblem, maskI: Uint8Array, maskJ: Uint8Array): number {
  return problem.mode === 'mask'
    ? hammingReference(maskI, maskJ)
    : Math.abs(popcountReference(maskI) - popcountReference(maskJ));
}

/** E from the integer contrast sums D[l] and the FLOPs fractions F[k], in the fixed order above. */
function energyFrom(problem: AnnealProblem, D: ArrayLike<number>, F: ArrayLike<number>): number {
  const K = problem.networks;
  let contrast = 0;
  problem.groups.forEach((g, l) => (contrast += (g.weight / g.width) * D[l]!));
  let flops = 0;
  for (let k = 0; k < K; k++) flops += F[k]!;
  return contrast / ((K * (K - 1)) / 2) + problem.alpha * (flops / K);
}

/** The current state of a run, with everything the energy needs, kept up to date move by move. */
class AnnealState {
  readonly theta: Int32Array;
  /** masks[k·L + l]: the 0/1 mask of network k, group l, under θ(k,l) (after the guard). */
  readonly masks: Uint8Array[];
  /** dist[(l·K + i)·K + j]: the pair distance of networks i and j at group l. */
  readonly dist: Int32Array;
  readonly D: Int32Array;
  readonly F: Float64Array;
  energy: number;
  private readonly total: number;

  constructor(private readonly problem: AnnealProblem, start: Int32Array) {
    const K = problem.networks, L = problem.groups.length;
    this.total = unprunedFlops(problem);
    this.theta = start.slice();
    this.masks = [];
    for (let k = 0; k < K; k++) for (let l = 0; l < L; l++) this.masks.push(this.maskAt(k, l, start[k * L + l]!));
    this.dist = new Int32Array(L * K * K);
    this.D = new Int32Array(L);
    for (let l = 0; l < L; l++) {
      for (let i = 0; i < K; i++) {
        for (let j = i + 1; j < K; j++) {
          const d = pairDistance(problem, this.masks[i * L + l]!, this.masks[j * L + l]!);
          this.dist[(l * K + i) * K + j] = d;
          this.dist[(l * K + j) * K + i] = d;
          this.D[l]! += d;
        }
      }
    }
    this.F = new Float64Array(K);
    for (let k = 0; k < K; k++) this.F[k] = this.flopsFraction(k, -1, 0);
    this.energy = energyFrom(problem, this.D, this.F);
  }

  /** The mask of network k, group l under candidate c: rebuilt from γ (the spec; the kernel precomputes). */
  maskAt(k: number, l: number, c: number): Uint8Array {
    const p = this.problem;
    return thresholdMaskReference(p.gammas[k]![l]!, p.candidates[k]![l]![c]!, p.groups[l]!.minChannels);
  }

  /** keptFlopsFraction of network k, with group `l`'s width replaced by `width` (l = −1: none). */
  flopsFraction(k: number, l: number, width: number): number {
    const L = this.problem.groups.length;
    const n = (g: number): number => (g === l ? width : popcountReference(this.masks[k * L + g]!));
    return flopsAt(this.problem.flops, n) / this.total;
  }

  /** What moving θ(k,l) to candidate c would give: only pairs (k, ·) at group l and F[k] change. */
  propose(k: number, l: number, c: number): Proposal {
    const K = this.problem.networks, L = this.problem.groups.length;
    const mask = this.maskAt(k, l, c);
    const dist = new Int32Array(K);
    let Dl = this.D[l]!;
    for (let j = 0; j < K; j++) {
      if (j === k) continue;
      dist[j] = pairDistance(this.problem, mask, this.masks[j * L + l]!);
      Dl += dist[j]! - this.dist[(l * K + k) * K + j]!;
    }
    const Fk = this.flopsFraction(k, l, popcountReference(mask));
    const D = this.D.slice();
    D[l] = Dl;
    const F = this.F.slice();
    F[k] = Fk;
    return { k, l, c, mask, dist, Dl, Fk, energy: energyFrom(this.problem, D, F) };
  }

  apply(m: Proposal): void {
    const K = this.problem.networks, L = this.problem.groups.length;
    this.theta[m.k * L + m.l] = m.c;
    this.masks[m.k * L + m.l] = m.mask;
    for (let j = 0; j < K; j++) {
      if (j === m.k) continue;
      this.dist[(m.l * K + m.k) * K + j] = m.dist[j]!;
      this.dist[(m.l * K + j) * K + m.k] = m.dist[j]!;
    }
    this.D[m.l] = m.Dl;
    this.F[m.k] = m.Fk;
    this.energy = m.energy;
  }
}

interface Proposal {
  readonly k: number;
  readonly l: number;
  readonly c: number;
  readonly mask: Uint8Array;
  readonly dist: Int32Array;
  readonly Dl: number;
  readonly Fk: number;
  readonly energy: number;
}

/** Cells k·L + l whose candidate list offers a move (two or more candidates), ascending. */
function movableCells(problem: AnnealProblem): number[] {
  const L = problem.groups.length;
  const cells: number[] = [];
  for (let k = 0; k < problem.networks; k++) {
    for (let l = 0; l < L; l++) if (problem.candidates[k]![l]!.length >= 2) cells.push(k * L + l);
  }
  return cells;
}

/** Draws one move from the state (see the header for the draws and their order). */
function drawMove(problem: AnnealProblem, theta: Int32Array, movable: number[], rng: Xoshiro128, pJump: number) {
  const L = problem.groups.length;
  const cell = movable[rng.below(movable.length)]!;
  const k = Math.floor(cell / L), l = cell % L;
  const n = problem.candidates[k]![l]!.length;
  const i = theta[cell]!;
  let c: number;
  if (rng.uniform() < pJump) {
    const j = rng.below(n - 1);
    c = j < i ? j : j + 1;
  } else if (i === 0) {
    c = 1;
  } else if (i === n - 1) {
    c = n - 2;
  } else {
    c = rng.below(2) === 0 ? i - 1 : i + 1;
  }
  return { k, l, c };
}

/** E(θ) of METHOD.md §5, computed from scratch. */
export function annealEnergyReference(problem: AnnealProblem, state: Int32Array): number {
  validateAnnealProblem('annealEnergyReference', problem);
  return new AnnealState(problem, validateState('annealEnergyReference', problem, state)).energy;
}

function t0Of(problem: AnnealProblem, o: ResolvedAnnealOptions): number {
  const state = new AnnealState(problem, o.start);
  const movable = movableCells(problem);
  if (movable.length === 0) return T0_FALLBACK;
  const rng = new Xoshiro128(o.seed, 1);
  const uphill: number[] = [];
  for (let s = 0; s < o.t0Samples; s++) {
    const { k, l, c } = drawMove(problem, state.theta, movable, rng, o.pJump);
    const dE = state.propose(k, l, c).energy - state.energy;
    if (dE > 0) uphill.push(dE);
  }
  if (uphill.length === 0) return T0_FALLBACK;
  uphill.sort((a, b) => a - b);
  const mid = uphill.length >> 1;
  const median = uphill.length % 2 === 1 ? uphill[mid]! : (uphill[mid - 1]! + uphill[mid]!) * 0.5;
  return median / NEG_LN_0_8;
}

/**
 * T₀ of METHOD.md §6: t0Samples moves are drawn from the start (rng stream 1 of the seed; none
 * is applied); T₀ = median of the positive ΔE / −ln(0.8), so that the median uphill move is
 * accepted with probability 0.8. No uphill move sampled: 1e-9.
 */
export function estimateT0Reference(problem: AnnealProblem, options: T0Options): number {
  validateAnnealProblem('estimateT0Reference', problem);
  return t0Of(problem, resolveT0Options('estimateT0Reference', problem, options));
}

/** Simulated annealing over θ (METHOD.md §6), readably. */
export function annealReference(problem: AnnealProblem, options: AnnealOptions): AnnealResult {
  validateAnnealProblem('annealReference', problem);
  const o = resolveAnnealOptions('annealReference', problem, options);
  const t0 = o.t0 ?? t0Of(problem, o);
  const steps = temperatureSteps('annealReference', t0, o.cooling, o.tMinFactor);
  const state = new AnnealState(problem, o.start);
  const movable = movableCells(problem);
  const rng = new Xoshiro128(o.seed, 0);
  let best = state.theta.slice();
  let bestEnergy = state.energy;
  let accepted = 0;
  let moves = 0;
  const trace = new Float64Array(steps);
  const tMin = t0 * o.tMinFactor;
  let step = 0;
  for (let T = t0; T >= tMin; T *= o.cooling) {
    if (movable.length > 0) {
      for (let m = 0; m < o.movesPerTemperature; m++) {
        const { k, l, c } = drawMove(problem, state.theta, movable, rng, o.pJump);
        const proposal = state.propose(k, l, c);
        const dE = proposal.energy - state.energy;
        if (dE <= 0 || rng.uniform() < metropolisExp(-dE / T)) {
          state.apply(proposal);
          accepted++;
          if (state.energy < bestEnergy) {
            bestEnergy = state.energy;
            best = state.theta.slice();
          }
        }
      }
      moves += o.movesPerTemperature;
    }
    trace[step++] = state.energy;
  }
  return {
    best, energy: bestEnergy, final: state.theta.slice(), finalEnergy: state.energy,
    accepted, moves, steps, trace, t0,
  };
}
