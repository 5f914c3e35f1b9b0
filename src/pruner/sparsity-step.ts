/**
 * The sparsity term inside the user's own training. Two ways in:
 * - `penalty()`: λ·R(γ) as a scalar tensor, to add to the loss of a custom loop
 *   (`optimizer.minimize(() => loss + penalty)`): exactly the regularized objective;
 * - `afterBatch(learningRate)`: for `model.fit`, which takes no extra loss term over weights, a
 *   step γ ← γ − lr·λ·∂R/∂γ after each batch, then polarization's clamp of γ to [0, 1]. This is
 *   our interpretation: the decoupled (proximal-style) form of adding λ·R to the loss. With plain
 *   SGD it equals the coupled step; with momentum or Adam it differs as decoupled weight decay
 *   (AdamW) differs from L2, which is the form the reference code's sign step for Network
 *   Slimming (`updateBN`) already takes outside the optimizer's state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { PruningGraph } from '../model/graph.ts';
import { createRegularizer, type SparsityRegularizer } from '../train/regularizers.ts';
import type { ResolvedPrunerOptions } from './options.ts';

export interface SparsityStep {
  readonly regularizer: SparsityRegularizer;
  penalty(): tf.Scalar;
  afterBatch(learningRate: number): void;
}

/** The γ variables of the BatchNorms that rank the graph's groups, in layer order. */
function gammaVariables(model: tfl.LayersModel, graph: PruningGraph): tf.Variable[] {
  const names = new Set(graph.groups.flatMap((g) => g.batchNorms.map((s) => s.layer)));
  const out: tf.Variable[] = [];
  for (const layer of model.layers) {
    if (!names.has(layer.name)) continue;
    const gamma = layer.weights.find((w) => w.originalName.endsWith('/gamma'));
    if (gamma) out.push(gamma.read() as tf.Variable);
  }
  return out;
}

export function sparsityStep(model: tfl.LayersModel, graph: PruningGraph, options: ResolvedPrunerOptions): SparsityStep {
  const regularizer = createRegularizer(
    options.method === 'polarization' ? { kind: 'polarization', lambda: options.lambda, t: options.t }
    : options.method === 'slimming' ? { kind: 'l1', lambda: options.lambda }
    : { kind: 'none' },
  );
  const gammas = gammaVariables(model, graph);
  return {
    regularizer,
    penalty: () => (regularizer.needsGammas && gammas.length > 0 ? regularizer.penalty(gammas) : tf.scalar(0)),
    afterBatch(learningRate) {
      if (!regularizer.needsGammas || gammas.length === 0) return;
      if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new RangeError(`the pruner's sparsity step needs a learning rate > 0, got ${learningRate}`);
      tf.tidy(() => {
        const steps = regularizer.regularize(gammas, gammas.map((g) => tf.zerosLike(g)));
        gammas.forEach((g, i) => g.assign(tf.sub(g, tf.mul(learningRate, steps[i]!))));
      });
      tf.tidy(() => regularizer.project(gammas));
    },
  };
}
