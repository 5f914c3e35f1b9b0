/**
 * Sparsity regularizers on the BatchNorm scales γ (METHOD.md §2), as hooks that fit any training
 * loop (Torch-Pruning's `regularize()`): between the gradient and the update, `regularize` adds
 * λ·∂R/∂γ to γ's gradients; after the update, `project` puts γ back where the method keeps it.
 *
 * The readable float64 references below are the spec; the tensor versions used in training are
 * tested against them, and they against finite differences of R.
 *
 * L1 (Network Slimming, Liu et al. 2017):
 *   R(γ) = Σᵢ |γᵢ|,  ∂R/∂γⱼ = sign(γⱼ). No projection (the reference code does not clamp).
 * Polarization (Zhuang et al. 2020), γ̄ = (1/n) Σᵢ γᵢ over ALL n prunable γ of the network:
 *   R(γ) = Σᵢ ( t·|γᵢ| − |γᵢ − γ̄| )
 *   ∂R/∂γⱼ = t·sign(γⱼ) − sign(γⱼ − γ̄) + (1/n) Σᵢ sign(γᵢ − γ̄)
 * The last term is γ̄'s dependence on γⱼ (the reference code gets it from autograd, because its
 * mean is computed from the live weights). sign(0) = 0, as PyTorch's and tfjs's abs gradients.
 * Projection: γ clamped to [0, 1] after every step (`clamp_bn` in the reference code).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RegularizerSpec } from './recipe.ts';

type Layers = readonly ArrayLike<number>[];

function count(gammas: Layers): number {
  return gammas.reduce((n, g) => n + g.length, 0);
}

/** The global mean γ̄ of all prunable γ, in float64. */
export function globalGammaMean(gammas: Layers): number {
  const n = count(gammas);
  if (n === 0) throw new Error('no prunable γ: the model has no BatchNormalization scale to regularize');
  let sum = 0;
  for (const g of gammas) for (let i = 0; i < g.length; i++) sum += g[i]!;
  return sum / n;
}

/** R(γ) = Σ|γᵢ| (without λ). */
export function l1Penalty(gammas: Layers): number {
  let sum = 0;
  for (const g of gammas) for (let i = 0; i < g.length; i++) sum += Math.abs(g[i]!);
  return sum;
}

/** ∂R/∂γ = sign(γ), per layer. */
export function l1Subgradient(gammas: Layers): Float64Array[] {
  return gammas.map((g) => Float64Array.from({ length: g.length }, (_, i) => Math.sign(g[i]!)));
}

/** R(γ) = Σᵢ (t·|γᵢ| − |γᵢ − γ̄|) over all layers, γ̄ global (without λ). */
export function polarizationPenalty(gammas: Layers, t: number): number {
  const mean = globalGammaMean(gammas);
  let sum = 0;
  for (const g of gammas) for (let i = 0; i < g.length; i++) sum += t * Math.abs(g[i]!) - Math.abs(g[i]! - mean);
  return sum;
}

/** ∂R/∂γⱼ = t·sign(γⱼ) − sign(γⱼ − γ̄) + (1/n)·Σᵢ sign(γᵢ − γ̄), per layer. */
export function polarizationSubgradient(gammas: Layers, t: number): Float64Array[] {
  const n = count(gammas);
  const mean = globalGammaMean(gammas);
  let signSum = 0;
  for (const g of gammas) for (let i = 0; i < g.length; i++) signSum += Math.sign(g[i]! - mean);
  const meanTerm = signSum / n;
  return gammas.map((g) =>
    Float64Array.from({ length: g.length }, (_, i) => t * Math.sign(g[i]!) - Math.sign(g[i]! - mean) + meanTerm),
  );
}

/** A sparsity regularizer as hooks around the optimizer step. Call inside `tf.tidy`. */
export interface SparsityRegularizer {
  readonly spec: RegularizerSpec;
  /** Whether it needs prunable γ at all (false only for 'none'). */
  readonly needsGammas: boolean;
  /** λ·R(γ) as a scalar tensor, for reporting (and for checking `regularize` by autodiff). */
  penalty(gammas: readonly tf.Tensor[]): tf.Scalar;
  /** γ's gradients plus λ·∂R/∂γ, per layer, in the order given. */
  regularize(gammas: readonly tf.Tensor[], grads: readonly tf.Tensor[]): tf.Tensor[];
  /** After the optimizer's update: put γ back on the method's feasible set. */
  project(gammas: readonly tf.Variable[]): void;
}

function sumAll(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.addN(tensors.map((x) => tf.sum(x))) as tf.Scalar;
}

function totalSize(tensors: readonly tf.Tensor[]): number {
  return tensors.reduce((n, x) => n + x.size, 0);
}

const none: SparsityRegularizer = {
  spec: { kind: 'none' },
  needsGammas: false,
  penalty: () => tf.scalar(0),
  regularize: (_gammas, grads) => [...grads],
  project: () => undefined,
};

function l1(lambda: number): SparsityRegularizer {
  return {
    spec: { kind: 'l1', lambda },
    needsGammas: true,
    penalty: (gammas) => tf.mul(lambda, sumAll(gammas.map((g) => tf.abs(g)))),
    regularize: (gammas, grads) => grads.map((grad, i) => tf.add(grad, tf.mul(lambda, tf.sign(gammas[i]!)))),
    project: () => undefined,
  };
}

function polarization(lambda: number, t: number): SparsityRegularizer {
  return {
    spec: { kind: 'polarization', lambda, t },
    needsGammas: true,
    penalty(gammas) {
      const mean = tf.div(sumAll(gammas), totalSize(gammas));
      const terms = gammas.map((g) => tf.sub(tf.mul(t, tf.abs(g)), tf.abs(tf.sub(g, mean))));
      return tf.mul(lambda, sumAll(terms));
    },
    regularize(gammas, grads) {
      const n = totalSize(gammas);
      const mean = tf.div(sumAll(gammas), n);
      const deviationSigns = gammas.map((g) => tf.sign(tf.sub(g, mean)));
      const meanTerm = tf.div(sumAll(deviationSigns), n);
      return grads.map((grad, i) => {
        const sub = tf.add(tf.sub(tf.mul(t, tf.sign(gammas[i]!)), deviationSigns[i]!), meanTerm);
        return tf.add(grad, tf.mul(lambda, sub));
      });
    },
    project(gammas) {
      for (const g of gammas) g.assign(tf.clipByValue(g, 0, 1));
    },
  };
}

/** The regularizer a recipe names (validated by `resolveRecipe`). */
export function createRegularizer(spec: RegularizerSpec): SparsityRegularizer {
  switch (spec.kind) {
    case 'none':
      return none;
    case 'l1':
      return l1(spec.lambda);
    case 'polarization':
      return polarization(spec.lambda, spec.t);
  }
}
