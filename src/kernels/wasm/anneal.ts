/**
 * Typed wrappers over assembly/anneal.ts: validate (the same checks and messages as the
 * reference, src/kernels/spec/anneal.ts), lay the problem out in the kernels' memory, call,
 * copy the results out. The kernels must be loaded first (`await initKernels()`).
 */
import type { KernelInstance } from '../../wasm/loader.ts';
import { withKernels } from './call.ts';
import {
  type AnnealProblem, type AnnealOptions, type AnnealResult, type T0Options, type ResolvedAnnealOptions,
  validateAnnealProblem, resolveAnnealOptions, resolveT0Options, validateState, temperatureSteps,
} from '../spec/anneal.ts';

const PROBLEM_BYTES = 80;
const OPTIONS_BYTES = 48;
const RESULT_BYTES = 40;

function f64View(k: KernelInstance, ptr: number, length: number): Float64Array {
  return new Float64Array(k.memory.buffer, ptr, length);
}

interface Placed {
  /** The problem struct. */
  readonly p: number;
  /** The prepared workspace. */
  readonly ws: number;
}

/** Writes the problem (layout: assembly/anneal.ts) into the arena and prepares the workspace. */
function place(k: KernelInstance, problem: AnnealProblem): Placed {
  const K = problem.networks, L = problem.groups.length;
  const sumC = problem.groups.reduce((s, g) => s + g.width, 0);
  const widths = Int32Array.from(problem.groups, (g) => g.width);
  const minChannels = Int32Array.from(problem.groups, (g) => g.minChannels);
  const weights = Float64Array.from(problem.groups, (g) => g.weight);
  const linear = Float64Array.from(problem.flops.linear);
  const edges = new Int32Array(2 * problem.flops.edges.length);
  problem.flops.edges.forEach((e, i) => {
    edges[2 * i] = e.a;
    edges[2 * i + 1] = e.b;
  });
  const coef = Float64Array.from(problem.flops.edges, (e) => e.coef);
  const candCount = new Int32Array(K * L);
  let nc = 0;
  for (let kk = 0; kk < K; kk++) {
    for (let l = 0; l < L; l++) nc += candCount[kk * L + l] = problem.candidates[kk]![l]!.length;
  }
  const candidates = new Float64Array(nc);
  const gammas = new Float32Array(K * sumC);
  let at = 0, gAt = 0;
  for (let kk = 0; kk < K; kk++) {
    for (let l = 0; l < L; l++) {
      candidates.set(problem.candidates[kk]![l]!, at);
      at += candCount[kk * L + l]!;
      gammas.set(problem.gammas[kk]![l]!, gAt);
      gAt += problem.groups[l]!.width;
    }
  }
  const a = k.arena;
  const ptrs = [widths, minChannels, weights, linear, edges, coef, candCount, candidates, gammas].map((x) => a.put(x));
  const p = a.alloc(PROBLEM_BYTES, 16, 0);
  const header = a.i32(p, 16);
  header.set([K, L, problem.mode === 'mask' ? 1 : 0, problem.flops.edges.length, ...ptrs, 0, 0, 0]);
  const scalars = f64View(k, p + 64, 2);
  scalars[0] = problem.alpha;
  scalars[1] = problem.flops.constant;
  const ws = a.alloc(k.exports.anneal_workspace_bytes(p));
  k.exports.anneal_prepare_f32(p, ws);
  return { p, ws };
}

function placeOptions(k: KernelInstance, o: ResolvedAnnealOptions, t0: number, traceCapacity: number): number {
  const ptr = k.arena.alloc(OPTIONS_BYTES, 16, 0);
  f64View(k, ptr, 4).set([t0, o.cooling, o.tMinFactor, o.pJump]);
  const ints = k.arena.i32(ptr + 32, 4);
  ints.set([o.movesPerTemperature, o.seed | 0, traceCapacity, 0]);
  return ptr;
}

function t0Kernel(k: KernelInstance, at: Placed, o: ResolvedAnnealOptions): number {
  const start = k.arena.put(o.start);
  const scratch = k.arena.alloc(8 * o.t0Samples, 16, 0);
  const opts = placeOptions(k, o, 0, 0);
  return k.exports.anneal_t0_f64(at.p, at.ws, start, opts, o.t0Samples, scratch);
}

/** E(θ) of METHOD.md §5 for a state (Int32Array of K·L candidate indices), in WebAssembly. */
export function annealEnergy(problem: AnnealProblem, state: Int32Array): number {
  validateAnnealProblem('annealEnergy', problem);
  const s = validateState('annealEnergy', problem, state);
  return withKernels((k) => {
    const at = place(k, problem);
    return k.exports.anneal_energy_f64(at.p, at.ws, k.arena.put(s));
  });
}

/** T₀ of METHOD.md §6 (the median uphill move from the start accepted with probability 0.8). */
export function estimateT0(problem: AnnealProblem, options: T0Options): number {
  validateAnnealProblem('estimateT0', problem);
  const o = resolveT0Options('estimateT0', problem, options);
  return withKernels((k) => t0Kernel(k, place(k, problem), o));
}

/**
 * Simulated annealing over θ (METHOD.md §6) in WebAssembly: bit-identical to
 * `annealReference` (src/kernels/reference/anneal.ts) for the same problem and options.
 */
export function anneal(problem: AnnealProblem, options: AnnealOptions): AnnealResult {
  validateAnnealProblem('anneal', problem);
  const o = resolveAnnealOptions('anneal', problem, options);
  return withKernels((k) => {
    const at = place(k, problem);
    const t0 = o.t0 ?? t0Kernel(k, at, o);
    const steps = temperatureSteps('anneal', t0, o.cooling, o.tMinFactor);
    const cells = o.start.length;
    const a = k.arena;
    const start = a.put(o.start);
    const best = a.alloc(4 * cells);
    const last = a.alloc(4 * cells);
    const trace = a.alloc(8 * steps);
    const result = a.alloc(RESULT_BYTES, 16, 0);
    const opts = placeOptions(k, o, t0, steps);
    k.exports.anneal_run_f64(at.p, at.ws, opts, start, best, last, trace, result);
    const r = f64View(k, result, 5);
    return {
      best: a.copyI32(best, cells),
      energy: r[0]!,
      final: a.copyI32(last, cells),
      finalEnergy: r[1]!,
      accepted: r[2]!,
      moves: r[3]!,
      steps: r[4]!,
      trace: f64View(k, trace, steps).slice(),
      t0,
    };
  });
}
