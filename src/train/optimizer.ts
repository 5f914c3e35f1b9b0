/**
 * tfjs optimizers behind one small interface: create one from a recipe, change its learning rate
 * per epoch, and save and restore its state as plain data for checkpoints.
 *
 * tfjs keeps optimizer slots by POSITION in the gradient list (`accumulations[i]`), not by
 * variable name, and so do we: gradients are always applied in the model's trainable-weight
 * order, so a checkpoint restores into a fresh instance of the same architecture even though
 * tfjs gives its variables new names.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedAdam, ResolvedSgd } from './recipe.ts';
import { FusedMomentumOptimizer } from '../tfjs/fused-momentum.ts';

/** A weight or optimizer slot as plain data, by the name tfjs gave it (what a checkpoint stores). */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface OptimizerState {
  readonly kind: 'sgd' | 'adam';
  /** Steps taken. */
  readonly iterations: number;
  /** Slot variables in tfjs's order: momentum per weight (SGD), or all m then all v (Adam). */
  readonly slots: readonly NamedArray[];
  /**
   * Adam's running products β₁ᵗ and β₂ᵗ (float32). tfjs's `setWeights` recomputes them with pow,
   * which differs in the last bit from the product it accumulates while training; restoring
   * them keeps a resumed run bit-identical to a straight one.
   */
  readonly accBeta1?: number;
  readonly accBeta2?: number;
}

/** The fields of tfjs's AdamOptimizer that `setWeights` does not restore exactly. */
interface AdamInternals {
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

export function createOptimizer(spec: ResolvedSgd | ResolvedAdam): tf.Optimizer {
  if (spec.kind === 'sgd') {
    // Momentum 0 is plain SGD; tfjs's MomentumOptimizer with m = 0 computes the same update.
    // Ours is tfjs's with the update fused into one kernel per weight on 'wasm' (fused-momentum.ts).
    return new FusedMomentumOptimizer(spec.learningRate, spec.momentum, spec.nesterov);
  }
  return tf.train.adam(spec.learningRate, spec.beta1, spec.beta2, spec.epsilon ?? undefined);
}

export function setLearningRate(optimizer: tf.Optimizer, spec: ResolvedSgd | ResolvedAdam, learningRate: number): void {
  if (spec.kind === 'sgd') {
    (optimizer as tf.MomentumOptimizer).setLearningRate(learningRate);
  } else {
    // AdamOptimizer reads `learningRate` at every step and has no setter.
    (optimizer as unknown as AdamInternals).learningRate = learningRate;
  }
}

/** The optimizer's state as plain data (copies). */
export async function exportOptimizerState(optimizer: tf.Optimizer, spec: ResolvedSgd | ResolvedAdam): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const [iter, ...slots] = weights;
  const iterations = (await iter!.tensor.data())[0]!;
  iter!.tensor.dispose(); // saveIterations() made a fresh scalar
  const arrays: NamedArray[] = [];
  for (const slot of slots) {
    arrays.push({ name: slot.name, shape: [...slot.tensor.shape], data: Float32Array.from(await slot.tensor.data() as Float32Array) });
  }
  if (spec.kind === 'adam') {
    const internals = optimizer as unknown as AdamInternals;
    return {
      kind: 'adam',
      iterations,
      slots: arrays,
      accBeta1: (await internals.accBeta1.data())[0]!,
      accBeta2: (await internals.accBeta2.data())[0]!,
    };
  }
  return { kind: 'sgd', iterations, slots: arrays };
}

/** Restores what `exportOptimizerState` returned into an optimizer made from the same spec. */
export async function importOptimizerState(
  optimizer: tf.Optimizer, spec: ResolvedSgd | ResolvedAdam, state: OptimizerState, expectedShapes: readonly (readonly number[])[],
): Promise<void> {
  if (state.kind !== spec.kind) {
    throw new Error(`the checkpoint holds ${state.kind} optimizer state but the recipe asks for ${spec.kind}`);
  }
  const perWeight = spec.kind === 'adam' ? 2 : 1;
  if (state.slots.length !== 0 && state.slots.length !== perWeight * expectedShapes.length) {
    throw new Error(
      `the checkpoint's optimizer has ${state.slots.length} slots, but ${perWeight} per trainable weight ` +
      `(${expectedShapes.length} weights) were expected: it was made for a different model`,
    );
  }
  state.slots.forEach((slot, i) => {
    const expected = expectedShapes[i % expectedShapes.length]!;
    if (slot.shape.join(',') !== expected.join(',')) {
      throw new Error(`optimizer slot ${i} (${slot.name}) has shape [${slot.shape}], expected [${expected}]: the checkpoint is for a different model`);
    }
  });
  const tensors = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...state.slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.data, [...s.shape]) })),
  ];
  try {
    await optimizer.setWeights(tensors);
  } finally {
    // setWeights wraps each tensor in a variable that shares its data; ours can go.
    tf.dispose(tensors.map((t) => t.tensor));
  }
  if (spec.kind === 'adam' && state.accBeta1 !== undefined && state.accBeta2 !== undefined) {
    const internals = optimizer as unknown as AdamInternals;
    tf.tidy(() => {
      internals.accBeta1.assign(tf.scalar(state.accBeta1!));
      internals.accBeta2.assign(tf.scalar(state.accBeta2!));
    });
  }
}
