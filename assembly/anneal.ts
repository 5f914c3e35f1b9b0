// The simulated-annealing inner loop of METHOD.md §5–§6: energy of a threshold choice θ, the
// T₀ estimate, and the annealing run. The readable specification is
// src/kernels/reference/anneal.ts; the two produce bit-identical results (same state sequence,
// same energies, same trace), which test/suites/anneal.suite.ts checks.
//
// How identity is achieved:
// - every random draw comes from assembly/rng_core.ts, reproduced bit for bit by the reference;
// - contrast is kept as integers: D[l] = Σ_{i<j} dist(i, j, l) (|n_il − n_jl| or a Hamming
//   distance), so an incremental update (only pairs involving the moved network k at group l
//   change) is exact, and the energy is always evaluated from D and the per-network FLOPs terms
//   F[k] by one formula with a fixed order of operations (below): the incremental energy equals
//   a full recomputation bit for bit, and no drift accumulates;
// - the Metropolis test uses metropolisExp(), built from IEEE +, −, ×, ÷ only (correctly rounded
//   in both WebAssembly and JavaScript), not the platform exp, whose last ulp differs between
//   AssemblyScript's NativeMath.exp and the engines' Math.exp.
//
// Energy (fixed order of operations, f64):
//   contrast = Σ_{l=0..L-1} wOverC[l] · D[l]             (wOverC[l] = w_l / C_l, summed in order)
//   flops    = Σ_{k=0..K-1} F[k]                          (in order)
//   E        = contrast / P + α · (flops / K)              (P = K(K−1)/2)
//   F[k]     = (c₀ + Σ_l lin[l] · n_kl + Σ_e coef[e] · n_{k,a_e} · n_{k,b_e}) / total
//   total    = the same sum with every n_kl = C_l (the unpruned network)
//
// Precomputation (anneal_prepare_f32), and why: every candidate's mask (after the minChannels
// guard) and width are built once, as bitsets padded to whole v128s. A (k, l) has ~5–10
// candidates and a mask is at most a few hundred bits, so this costs K·L·|C|·C_l/8 bytes (a few
// KiB) and turns "rebuild the touched mask" into a pointer lookup: the only per-move bit work
// left is the K−1 Hamming distances of the new mask (mask mode), XOR + popcount over vectors.
//
// Layouts (all pointers are byte offsets into this memory; i32/u32/f32 4-byte, f64 8-byte aligned):
//
// Problem struct at `p` (80 bytes), written by src/kernels/wasm/anneal.ts:
//   i32[0] K (>= 2)     i32[1] L (>= 1)     i32[2] mode: 0 width, 1 mask     i32[3] E (FLOPs edges)
//   u32[4]  → i32[L]    group widths C_l (>= 1)
//   u32[5]  → i32[L]    minChannels_l (0..C_l)
//   u32[6]  → f64[L]    contrast weights w_l
//   u32[7]  → f64[L]    FLOPs linear coefficients lin[l]
//   u32[8]  → i32[2E]   FLOPs edges (a_e, b_e), group indices
//   u32[9]  → f64[E]    FLOPs edge coefficients coef[e]
//   u32[10] → i32[K·L]  candidate counts |C(k,l)| (>= 1), cell = k·L + l
//   u32[11] → f64[ΣC]   candidate thresholds, cell-major, strictly ascending within a cell
//   u32[12] → f32[K·ΣC_l] γ, network-major, groups in order (γ of (k,l) at k·ΣC_l + Σ_{l'<l} C_l')
//   i32[13..15] reserved (0)
//   f64 @64 α     f64 @72 c₀ (FLOPs constant)
// Options struct at `o` (48 bytes):
//   f64 @0 t0   f64 @8 cooling c (0 < c < 1)   f64 @16 tMinFactor (0 < f <= 1)   f64 @24 pJump
//   i32 @32 movesPerTemperature N (>= 1)   u32 @36 seed   i32 @40 trace capacity   i32 @44 reserved
// Result struct at `r` (40 bytes), written by anneal_run_f64:
//   f64 @0 best energy   f64 @8 final energy   f64 @16 accepted   f64 @24 moves   f64 @32 steps
// A state is i32[K·L]: state[k·L + l] is the index of θ(k,l) in C(k,l).
//
// Preconditions (checked by the TypeScript wrapper, not here): the sizes and ranges above, no NaN,
// total FLOPs > 0, the workspace of anneal_workspace_bytes(p) bytes, 16-byte aligned, prepared by
// anneal_prepare_f32 for this problem.

import { rngSeed, rngUniform, rngBelow } from "./rng_core";
import { wordsPadded, maskThreshold, hammingWords } from "./bitset_core";

const MODE_MASK: i32 = 1;

/** −ln(0.8): T₀ = median uphill ΔE / −ln(0.8) accepts that move with probability 0.8. */
const NEG_LN_0_8: f64 = 0.2231435513142097;
/** T₀ when the sample holds no uphill move (nothing to scale by; a flat or downhill start). */
const T0_FALLBACK: f64 = 1e-9;

// Problem struct fields (i32 index).
const P_K = 0, P_L = 1, P_MODE = 2, P_E = 3, P_WIDTH = 4, P_MIN = 5, P_WEIGHT = 6, P_LINEAR = 7;
const P_EDGES = 8, P_COEF = 9, P_CAND_COUNT = 10, P_CANDIDATES = 11, P_GAMMAS = 12;
const P_ALPHA: usize = 64, P_FLOPS_CONST: usize = 72;

// Workspace header (i32 index; pointers are absolute): built by anneal_prepare_f32.
const W_CAND_BASE = 0;  // i32[K·L]   first candidate of each cell in the flat candidate arrays
const W_CAND_WIDTH = 1; // i32[ΣC]    kept width of each candidate
const W_MASK_WORDS = 2; // i32[L]     u32 words per mask of group l (multiple of 4)
const W_MASK_BASE = 3;  // u32[K·L]   address of the mask of candidate 0 of each cell
const W_MOVABLE = 4;    // i32[K·L]   cells with >= 2 candidates, ascending
const W_MOVABLE_N = 5;  // (value)    how many
const W_CUR = 6;        // i32[K·L]   current state
const W_N = 7;          // i32[K·L]   current widths n_kl
const W_HAM = 8;        // i32[L·K·K] current pair distances dist(i, j, l) at (l·K + i)·K + j
const W_D = 9;          // i32[L]     D[l] = Σ_{i<j} dist(i, j, l)
const W_F = 10;         // f64[K]     F[k], network k's kept-FLOPs fraction
const W_W_OVER_C = 11;  // f64[L]     w_l / C_l
const W_NEW_HAM = 12;   // i32[K]     a proposed move's distances to the other networks
const W_FLOPS_TOTAL: usize = 56; // f64, unpruned FLOPs
const WS_HEADER: usize = 64;

@inline function geti(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
@inline function seti(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}
@inline function getf(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function setf(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
@inline function ptr(base: usize, i: i32): usize {
  return <usize>load<u32>(base + (<usize>i << 2));
}
@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

// ---------------------------------------------------------------------------------------------
// Workspace.

/** Lays the workspace out at ws (writing the header when write is true); returns its size. */
function layout(p: usize, ws: usize, write: bool): usize {
  const K = geti(p, P_K), L = geti(p, P_L);
  const cells = K * L;
  const width = ptr(p, P_WIDTH), candCount = ptr(p, P_CAND_COUNT);
  let nc = 0;
  let maskBytes: usize = 0;
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < L; l++) {
      const c = geti(candCount, k * L + l);
      nc += c;
      maskBytes += <usize>c * (<usize>wordsPadded(geti(width, l)) << 2);
    }
  }
  const cellBytes = <usize>cells << 2;
  let at = ws + WS_HEADER;
  // Order of the arrays (each 16-byte aligned): masks first so they are v128-aligned.
  const masks = at; at = align16(at + maskBytes);
  const candBase = at; at = align16(at + cellBytes);
  const candWidth = at; at = align16(at + (<usize>nc << 2));
  const maskWords = at; at = align16(at + (<usize>L << 2));
  const maskBase = at; at = align16(at + cellBytes);
  const movable = at; at = align16(at + cellBytes);
  const cur = at; at = align16(at + cellBytes);
  const n = at; at = align16(at + cellBytes);
  const ham = at; at = align16(at + (<usize>L * K * K << 2));
  const D = at; at = align16(at + (<usize>L << 2));
  const F = at; at = align16(at + (<usize>K << 3));
  const wOverC = at; at = align16(at + (<usize>L << 3));
  const newHam = at; at = align16(at + (<usize>K << 2));
  if (write) {
    seti(ws, W_CAND_BASE, <i32>candBase);
    seti(ws, W_CAND_WIDTH, <i32>candWidth);
    seti(ws, W_MASK_WORDS, <i32>maskWords);
    seti(ws, W_MASK_BASE, <i32>maskBase);
    seti(ws, W_MOVABLE, <i32>movable);
    seti(ws, W_CUR, <i32>cur);
    seti(ws, W_N, <i32>n);
    seti(ws, W_HAM, <i32>ham);
    seti(ws, W_D, <i32>D);
    seti(ws, W_F, <i32>F);
    seti(ws, W_W_OVER_C, <i32>wOverC);
    seti(ws, W_NEW_HAM, <i32>newHam);
    // Candidate masks of each cell, consecutive, cell-major.
    let m = masks;
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < L; l++) {
        const cell = k * L + l;
        store<u32>(maskBase + (<usize>cell << 2), <u32>m);
        m += <usize>geti(candCount, cell) * (<usize>wordsPadded(geti(width, l)) << 2);
      }
    }
  }
  return at - ws;
}

/** Bytes of workspace that the problem at p needs (16-byte aligned start). */
export function anneal_workspace_bytes(p: usize): usize {
  return layout(p, 0, false);
}

/** The unpruned-or-pruned FLOPs sum of one network: widths n (i32[L]) with group lRep's width replaced by wRep (lRep = −1: none). */
@inline function flopsSum(
  n: usize, L: i32, lRep: i32, wRep: i32, c0: f64, linear: usize, E: i32, edges: usize, coef: usize,
): f64 {
  let acc = c0;
  for (let l = 0; l < L; l++) {
    const w = l == lRep ? wRep : geti(n, l);
    acc += getf(linear, l) * <f64>w;
  }
  for (let e = 0; e < E; e++) {
    const a = geti(edges, 2 * e), b = geti(edges, 2 * e + 1);
    const wa = a == lRep ? wRep : geti(n, a);
    const wb = b == lRep ? wRep : geti(n, b);
    acc += getf(coef, e) * <f64>wa * <f64>wb;
  }
  return acc;
}

/**
 * Prepares the workspace for the problem at p: every candidate's mask (threshold + minChannels
 * guard, assembly/bitset_core.ts) and width, w_l / C_l, the unpruned FLOPs total, and the list of
 * movable cells (those with at least two candidates).
 */
export function anneal_prepare_f32(p: usize, ws: usize): void {
  layout(p, ws, true);
  const K = geti(p, P_K), L = geti(p, P_L);
  const width = ptr(p, P_WIDTH), minCh = ptr(p, P_MIN), weight = ptr(p, P_WEIGHT);
  const candCount = ptr(p, P_CAND_COUNT), candidates = ptr(p, P_CANDIDATES), gammas = ptr(p, P_GAMMAS);
  const candBase = ptr(ws, W_CAND_BASE), candWidth = ptr(ws, W_CAND_WIDTH);
  const maskWords = ptr(ws, W_MASK_WORDS), maskBase = ptr(ws, W_MASK_BASE), movable = ptr(ws, W_MOVABLE);
  const wOverC = ptr(ws, W_W_OVER_C);
  let sumC = 0;
  for (let l = 0; l < L; l++) {
    const C = geti(width, l);
    seti(maskWords, l, wordsPadded(C));
    setf(wOverC, l, getf(weight, l) / <f64>C);
    sumC += C;
  }
  let base = 0;
  let movableCount = 0;
  for (let k = 0; k < K; k++) {
    let gOff = <usize>k * sumC;
    for (let l = 0; l < L; l++) {
      const cell = k * L + l;
      const C = geti(width, l), words = geti(maskWords, l);
      const count = geti(candCount, cell);
      seti(candBase, cell, base);
      if (count >= 2) seti(movable, movableCount++, cell);
      const g = gammas + (gOff << 2);
      for (let c = 0; c < count; c++) {
        const mask = ptr(maskBase, cell) + (<usize>c * words << 2);
        const theta = getf(candidates, base + c);
        seti(candWidth, base + c, maskThreshold(g, C, theta, geti(minCh, l), mask, words));
      }
      base += count;
      gOff += C;
    }
  }
  seti(ws, W_MOVABLE_N, movableCount);
  const total = flopsSum(width, L, -1, 0, load<f64>(p + P_FLOPS_CONST), ptr(p, P_LINEAR), geti(p, P_E), ptr(p, P_EDGES), ptr(p, P_COEF));
  store<f64>(ws + W_FLOPS_TOTAL, total);
}

// ---------------------------------------------------------------------------------------------
// Energy.

/** E from integer contrast sums D (group lRep's replaced by dRep) and FLOPs fractions F (network kRep's replaced by fRep). */
@inline function energyWith(
  D: usize, wOverC: usize, L: i32, lRep: i32, dRep: i32,
  F: usize, K: i32, kRep: i32, fRep: f64, pairs: f64, alpha: f64,
): f64 {
  let contrast = 0.0;
  for (let l = 0; l < L; l++) {
    const d = l == lRep ? dRep : geti(D, l);
    contrast += getf(wOverC, l) * <f64>d;
  }
  let flops = 0.0;
  for (let k = 0; k < K; k++) flops += k == kRep ? fRep : getf(F, k);
  return contrast / pairs + alpha * (flops / <f64>K);
}

@inline function maskOf(maskBase: usize, cell: i32, c: i32, words: i32): usize {
  return ptr(maskBase, cell) + (<usize>c * words << 2);
}

/** Sets the workspace's current state to `state` and computes n, the pair distances, D and F from scratch. */
function loadState(p: usize, ws: usize, state: usize): void {
  const K = geti(p, P_K), L = geti(p, P_L), mode = geti(p, P_MODE);
  const candBase = ptr(ws, W_CAND_BASE), candWidth = ptr(ws, W_CAND_WIDTH);
  const maskWords = ptr(ws, W_MASK_WORDS), maskBase = ptr(ws, W_MASK_BASE);
  const cur = ptr(ws, W_CUR), n = ptr(ws, W_N), ham = ptr(ws, W_HAM), D = ptr(ws, W_D), F = ptr(ws, W_F);
  const cells = K * L;
  for (let cell = 0; cell < cells; cell++) {
    const c = geti(state, cell);
    seti(cur, cell, c);
    seti(n, cell, geti(candWidth, geti(candBase, cell) + c));
  }
  for (let l = 0; l < L; l++) {
    const words = geti(maskWords, l);
    let d = 0;
    for (let i = 0; i < K; i++) {
      seti(ham, (l * K + i) * K + i, 0);
      for (let j = i + 1; j < K; j++) {
        const ci = i * L + l, cj = j * L + l;
        const h = mode == MODE_MASK
          ? hammingWords(maskOf(maskBase, ci, geti(cur, ci), words), maskOf(maskBase, cj, geti(cur, cj), words), words)
          : abs<i32>(geti(n, ci) - geti(n, cj));
        seti(ham, (l * K + i) * K + j, h);
        seti(ham, (l * K + j) * K + i, h);
        d += h;
      }
    }
    seti(D, l, d);
  }
  const c0 = load<f64>(p + P_FLOPS_CONST), total = load<f64>(ws + W_FLOPS_TOTAL);
  const linear = ptr(p, P_LINEAR), E = geti(p, P_E), edges = ptr(p, P_EDGES), coef = ptr(p, P_COEF);
  for (let k = 0; k < K; k++) {
    setf(F, k, flopsSum(n + (<usize>(k * L) << 2), L, -1, 0, c0, linear, E, edges, coef) / total);
  }
}

function currentEnergy(p: usize, ws: usize): f64 {
  const K = geti(p, P_K), L = geti(p, P_L);
  return energyWith(
    ptr(ws, W_D), ptr(ws, W_W_OVER_C), L, -1, 0, ptr(ws, W_F), K, -1, 0,
    <f64>(K * (K - 1) / 2), load<f64>(p + P_ALPHA),
  );
}

/** E(state), computed from scratch (state: i32[K·L]). Overwrites the workspace's current state. */
export function anneal_energy_f64(p: usize, ws: usize, state: usize): f64 {
  loadState(p, ws, state);
  return currentEnergy(p, ws);
}

// ---------------------------------------------------------------------------------------------
// Moves.

/**
 * exp(x) for x <= 0 from IEEE +, −, ×, ÷ alone, so that WebAssembly and JavaScript agree bit for
 * bit (AssemblyScript's NativeMath.exp and the engines' Math.exp may differ in the last ulp, which
 * would flip a rare acceptance and fork the run): exp(x) = exp(x/256)^256, exp(y) on
 * [−0.157, 0] by its Taylor polynomial of degree 10 (Horner; coefficients 1/n! as literals that
 * parse to the same doubles in both languages), then eight squarings. Relative error < 1e-13, far
 * below the 2⁻²⁴ resolution of the uniform it is compared with; no division, so the dependency
 * chain is 18 multiply/adds. Returns 0 below −40 (exp(−40) ≈ 4e-18 < 2⁻²⁴).
 */
@inline function metropolisExp(x: f64): f64 {
  if (!(x >= -40.0)) return 0;
  const y = x * 0.00390625; // x / 256, exact
  let s = 2.755731922398589e-7;
  s = s * y + 0.0000027557319223985893;
  s = s * y + 0.0000248015873015873;
  s = s * y + 0.0001984126984126984;
  s = s * y + 0.001388888888888889;
  s = s * y + 0.008333333333333333;
  s = s * y + 0.041666666666666664;
  s = s * y + 0.16666666666666666;
  s = s * y + 0.5;
  s = s * y + 1.0;
  s = s * y + 1.0;
  s *= s; s *= s; s *= s; s *= s; s *= s; s *= s; s *= s; s *= s;
  return s;
}

/** metropolisExp for tests of the reference's copy. */
export function metropolis_exp_f64(x: f64): f64 {
  return metropolisExp(x);
}

/**
 * The move rule (METHOD.md §6), given the current index i of a cell with nc >= 2 candidates.
 * Draws, in order: u = uniform(); if u < pJump, j = below(nc − 1) and the new index is j, skipping
 * i (j < i ? j : j + 1); otherwise a neighbour: at an end the only one (no draw), inside
 * below(2) == 0 ? i − 1 : i + 1. (The cell itself was drawn before: below(movable count).)
 */
@inline function proposeIndex(i: i32, nc: i32, pJump: f64): i32 {
  if (rngUniform() < pJump) {
    const j = rngBelow(nc - 1);
    return j < i ? j : j + 1;
  }
  if (i == 0) return 1;
  if (i == nc - 1) return nc - 2;
  return rngBelow(2) == 0 ? i - 1 : i + 1;
}

// ---------------------------------------------------------------------------------------------
// T₀.

/**
 * T₀ (METHOD.md §6): `samples` moves are proposed from `start` (none is applied) with rng stream 1
 * of opts.seed and opts.pJump; the positive ΔE among them are sorted, their median m taken
 * ((a + b) · 0.5 for an even count) and T₀ = m / −ln(0.8), so that the median uphill move is
 * accepted with probability 0.8 at T₀. No uphill move in the sample: T₀ = 1e-9.
 * scratch: f64[samples]. Overwrites the workspace's current state.
 */
export function anneal_t0_f64(p: usize, ws: usize, start: usize, o: usize, samples: i32, scratch: usize): f64 {
  loadState(p, ws, start);
  const K = geti(p, P_K), L = geti(p, P_L), mode = geti(p, P_MODE);
  const alpha = load<f64>(p + P_ALPHA), pairs = <f64>(K * (K - 1) / 2);
  const c0 = load<f64>(p + P_FLOPS_CONST), total = load<f64>(ws + W_FLOPS_TOTAL);
  const linear = ptr(p, P_LINEAR), E = geti(p, P_E), edges = ptr(p, P_EDGES), coef = ptr(p, P_COEF);
  const candCount = ptr(p, P_CAND_COUNT);
  const candBase = ptr(ws, W_CAND_BASE), candWidth = ptr(ws, W_CAND_WIDTH);
  const maskWords = ptr(ws, W_MASK_WORDS), maskBase = ptr(ws, W_MASK_BASE);
  const movable = ptr(ws, W_MOVABLE), M = geti(ws, W_MOVABLE_N);
  const cur = ptr(ws, W_CUR), n = ptr(ws, W_N), ham = ptr(ws, W_HAM), D = ptr(ws, W_D), F = ptr(ws, W_F);
  const wOverC = ptr(ws, W_W_OVER_C);
  const pJump = load<f64>(o, 24);
  const e0 = currentEnergy(p, ws);
  if (M == 0) return T0_FALLBACK;
  rngSeed(load<u32>(o, 36), 1);
  let count = 0;
  for (let s = 0; s < samples; s++) {
    const cell = geti(movable, rngBelow(M));
    const k = cell / L, l = cell - k * L;
    const i = geti(cur, cell);
    const c = proposeIndex(i, geti(candCount, cell), pJump);
    const wNew = geti(candWidth, geti(candBase, cell) + c);
    let d = geti(D, l);
    if (mode == MODE_MASK) {
      const words = geti(maskWords, l);
      const m = maskOf(maskBase, cell, c, words);
      for (let j = 0; j < K; j++) {
        if (j == k) continue;
        const cj = j * L + l;
        d += hammingWords(m, maskOf(maskBase, cj, geti(cur, cj), words), words) - geti(ham, (l * K + k) * K + j);
      }
    } else {
      const wOld = geti(n, cell);
      for (let j = 0; j < K; j++) {
        if (j == k) continue;
        const wj = geti(n, j * L + l);
        d += abs<i32>(wNew - wj) - abs<i32>(wOld - wj);
      }
    }
    const f = flopsSum(n + (<usize>(k * L) << 2), L, l, wNew, c0, linear, E, edges, coef) / total;
    const dE = energyWith(D, wOverC, L, l, d, F, K, k, f, pairs, alpha) - e0;
    if (dE > 0) setf(scratch, count++, dE);
  }
  if (count == 0) return T0_FALLBACK;
  // Insertion sort: the sample is a few hundred values, sorted once.
  for (let a = 1; a < count; a++) {
    const v = getf(scratch, a);
    let b = a - 1;
    while (b >= 0 && getf(scratch, b) > v) {
      setf(scratch, b + 1, getf(scratch, b));
      b--;
    }
    setf(scratch, b + 1, v);
  }
  const mid = count >> 1;
  const median = (count & 1) ? getf(scratch, mid) : (getf(scratch, mid - 1) + getf(scratch, mid)) * 0.5;
  return median / NEG_LN_0_8;
}

// ---------------------------------------------------------------------------------------------
// The run.

/**
 * Simulated annealing over θ (METHOD.md §6) from `start`, with rng stream 0 of the seed:
 *   T = t0, tMin = t0 · tMinFactor; while T >= tMin: N moves at T, trace[step] = E, T = c · T.
 * A move draws a movable cell (below(movable count)), then its new index (proposeIndex), and
 * evaluates E' incrementally; it is accepted iff ΔE <= 0 or uniform() < metropolisExp(−ΔE / T)
 * (one draw, only when ΔE > 0). The best state (first reached lowest E) goes to `best`, the
 * last state to `last` (both i32[K·L]); trace (f64[capacity]) receives the first
 * min(steps, capacity) energies; results go to the struct at r. With no movable cell no move is
 * proposed (moves = 0) and the trace holds E(start).
 */
export function anneal_run_f64(
  p: usize, ws: usize, o: usize, start: usize, best: usize, last: usize, trace: usize, r: usize,
): void {
  loadState(p, ws, start);
  const K = geti(p, P_K), L = geti(p, P_L), mode = geti(p, P_MODE);
  const alpha = load<f64>(p + P_ALPHA), pairs = <f64>(K * (K - 1) / 2);
  const c0 = load<f64>(p + P_FLOPS_CONST), total = load<f64>(ws + W_FLOPS_TOTAL);
  const linear = ptr(p, P_LINEAR), E = geti(p, P_E), edges = ptr(p, P_EDGES), coef = ptr(p, P_COEF);
  const candCount = ptr(p, P_CAND_COUNT);
  const candBase = ptr(ws, W_CAND_BASE), candWidth = ptr(ws, W_CAND_WIDTH);
  const maskWords = ptr(ws, W_MASK_WORDS), maskBase = ptr(ws, W_MASK_BASE);
  const movable = ptr(ws, W_MOVABLE), M = geti(ws, W_MOVABLE_N);
  const cur = ptr(ws, W_CUR), n = ptr(ws, W_N), ham = ptr(ws, W_HAM), D = ptr(ws, W_D), F = ptr(ws, W_F);
  const wOverC = ptr(ws, W_W_OVER_C), newHam = ptr(ws, W_NEW_HAM);
  const t0 = load<f64>(o, 0), cooling = load<f64>(o, 8), tMin = t0 * load<f64>(o, 16), pJump = load<f64>(o, 24);
  const N = load<i32>(o, 32), capacity = load<i32>(o, 40);
  const cellBytes = <usize>(K * L) << 2;

  rngSeed(load<u32>(o, 36), 0);
  let e = currentEnergy(p, ws);
  let bestE = e;
  memory.copy(best, cur, cellBytes);
  let accepted: i64 = 0, moves: i64 = 0;
  let steps = 0;
  let T = t0;
  while (T >= tMin) {
    if (M > 0) {
      for (let step = 0; step < N; step++) {
        const cell = geti(movable, rngBelow(M));
        const k = cell / L, l = cell - k * L;
        const c = proposeIndex(geti(cur, cell), geti(candCount, cell), pJump);
        const wNew = geti(candWidth, geti(candBase, cell) + c);
        let d = geti(D, l);
        const hamRow = ham + (<usize>((l * K + k) * K) << 2);
        if (mode == MODE_MASK) {
          const words = geti(maskWords, l);
          const m = maskOf(maskBase, cell, c, words);
          for (let j = 0; j < K; j++) {
            if (j == k) continue;
            const cj = j * L + l;
            const h = hammingWords(m, maskOf(maskBase, cj, geti(cur, cj), words), words);
            seti(newHam, j, h);
            d += h - geti(hamRow, j);
          }
        } else {
          const wOld = geti(n, cell);
          for (let j = 0; j < K; j++) {
            if (j == k) continue;
            const wj = geti(n, j * L + l);
            d += abs<i32>(wNew - wj) - abs<i32>(wOld - wj);
          }
        }
        const f = flopsSum(n + (<usize>(k * L) << 2), L, l, wNew, c0, linear, E, edges, coef) / total;
        const eNew = energyWith(D, wOverC, L, l, d, F, K, k, f, pairs, alpha);
        const dE = eNew - e;
        if (dE <= 0 || rngUniform() < metropolisExp(-dE / T)) {
          seti(cur, cell, c);
          seti(n, cell, wNew);
          seti(D, l, d);
          setf(F, k, f);
          if (mode == MODE_MASK) {
            for (let j = 0; j < K; j++) {
              if (j == k) continue;
              const h = geti(newHam, j);
              seti(hamRow, j, h);
              seti(ham, (l * K + j) * K + k, h);
            }
          }
          e = eNew;
          accepted++;
          if (e < bestE) {
            bestE = e;
            memory.copy(best, cur, cellBytes);
          }
        }
      }
      moves += N;
    }
    if (steps < capacity) setf(trace, steps, e);
    steps++;
    T *= cooling;
  }
  memory.copy(last, cur, cellBytes);
  store<f64>(r, bestE, 0);
  store<f64>(r, e, 8);
  store<f64>(r, <f64>accepted, 16);
  store<f64>(r, <f64>moves, 24);
  store<f64>(r, <f64>steps, 32);
}
