/**
 * SGD with momentum whose update, weight decay included, is one kernel call per weight on 'wasm'.
 *
 * tfjs's MomentumOptimizer updates a weight with four tensor ops, and our trainer's weight decay
 * (g + wd·w) adds two: six passes over each weight and about 80 kernel calls per LeNet-5 step.
 * This subclass keeps tfjs's state (its accumulations, iterations, learning rate, and so its
 * getWeights/setWeights and our checkpoints) and replaces only the arithmetic, with the same f32
 * operations in the same order (assembly/momentum.ts): the same bits (a test checks it against
 * tfjs's own optimizer). Off 'wasm', or with Nesterov momentum, it is tfjs's optimizer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MOMENTUM_UPDATE } from './kernels/MomentumUpdate.ts';

/** One weight's gradient, and the weight decay to add to it (0: none). */
export interface DecayedGradient {
  readonly name: string;
  readonly tensor: tf.Tensor;
  readonly weightDecay: number;
}

/** The fields of tfjs's MomentumOptimizer this reads (private in its typings). */
interface MomentumInternals {
  accumulations: { originalName: string; variable: tf.Variable }[];
  learningRate: number;
  momentum: number;
  useNesterov: boolean;
  incrementIterations(): void;
}

/** g + wd·w, as tensor ops (the trainer's weight decay wherever the update is not fused). */
export function withWeightDecay(gradient: tf.Tensor, weightDecay: number, weight: tf.Tensor): tf.Tensor {
  return weightDecay !== 0 ? tf.add(gradient, tf.mul(weightDecay, weight)) : gradient;
}

/**
 * One optimizer step on gradients with their weight decay: in one kernel per weight where the
 * optimizer is ours and fused, else tfjs's `applyGradients` on g + wd·w (the same sums).
 */
export function applyDecayedGradients(optimizer: tf.Optimizer, gradients: readonly DecayedGradient[]): void {
  if (isFusedMomentumOptimizer(optimizer) && optimizer.fused) {
    optimizer.applyDecayedGradients(gradients);
    return;
  }
  tf.tidy(() => optimizer.applyGradients(gradients.map(({ name, tensor, weightDecay }) => ({
    name, tensor: withWeightDecay(tensor, weightDecay, tf.engine().registeredVariables[name]!),
  }))));
}

/**
 * Whether `optimizer` is ours. Not `instanceof`: tfjs's optimizers answer it by duck typing
 * (Symbol.hasInstance), so every tfjs optimizer is an `instanceof` any optimizer class.
 */
export function isFusedMomentumOptimizer(optimizer: tf.Optimizer): optimizer is FusedMomentumOptimizer {
  return typeof (optimizer as Partial<FusedMomentumOptimizer>).applyDecayedGradients === 'function';
}

export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  /** Whether this update runs as our kernel here: 'wasm', the kernel registered, no Nesterov. */
  get fused(): boolean {
    const self = this as unknown as MomentumInternals;
    return !self.useNesterov && tf.getBackend() === 'wasm' && tf.getKernel(MOMENTUM_UPDATE, 'wasm') !== undefined;
  }

  /**
   * Adds each weight's decay to its gradient and takes one momentum step, as
   * `applyGradients(g + wd·w)` would, in one kernel per weight when `fused`.
   */
  applyDecayedGradients(gradients: readonly DecayedGradient[]): void {
    if (!this.fused) {
      // tfjs's own update (the free function takes that path when `fused` is false).
      applyDecayedGradients(this, gradients);
      return;
    }
    const self = this as unknown as MomentumInternals;
    gradients.forEach(({ name, tensor, weightDecay }, i) => {
      const value = tf.engine().registeredVariables[name]!;
      // Created as tfjs's applyGradients creates them, so its state functions read them.
      self.accumulations[i] ??= {
        originalName: `${name}/momentum`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      const accumulation = self.accumulations[i]!.variable;
      tf.tidy(() => {
        const [newValue, newAccumulation] = tf.engine().runKernel(
          MOMENTUM_UPDATE, { value, accumulation, gradient: tensor },
          { momentum: self.momentum, learningRate: self.learningRate, weightDecay } as unknown as Parameters<ReturnType<typeof tf.engine>["runKernel"]>[2],
        ) as [tf.Tensor, tf.Tensor];
        accumulation.assign(newAccumulation);
        value.assign(newValue);
      });
    });
    self.incrementIterations();
  }
}
