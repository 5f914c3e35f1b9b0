/**
 * Fading pruned channels out during fine-tuning, instead of cutting them before it (our
 * addition; not in the paper). The `full` structure of METHOD.md §7 cuts channels whose γ is not
 * near zero, and the network loses points at compaction that fine-tuning must win back. A fade
 * lets the network adapt while those channels shrink: the network keeps its full width, and after
 * each training step the pruned channels' BN γ and β (and a depthwise conv's bias on them, as in
 * maskModel) are scaled so that, without the gradient's pull, they fall linearly to 0 over
 * `steps` steps. After the last fade step they are exactly 0, and stay 0: each later step sets
 * them to 0 again. The model is then the masked model of METHOD.md §8, and compaction of it is
 * exact (compact ≡ masked).
 *
 * Scaling by (n − i)/(n − i + 1) after step i multiplies to (n − i)/n: linear in the step, and
 * exactly 0 at i = n, whatever the gradient added in between.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildGraph, type PruningGraph } from '../model/graph.ts';
import { weightRole } from '../model/weights.ts';
import { channelWeights } from './mask-model.ts';
import { flagsFromBits } from '../kernels/channels.ts';
import { checkMasks, type GroupMasks } from './masks.ts';

export interface ChannelFadeOptions {
  /** Training steps over which the pruned channels fall to 0 (≥ 1). */
  readonly steps: number;
  /** The model's graph, if already built (default: built from the model). */
  readonly graph?: PruningGraph;
}

export interface ChannelFade {
  /** Call after every training step: scales the pruned channels one step further down. */
  afterStep(): void;
  /** Steps taken so far. */
  readonly step: number;
  /** Frees the kept-channel masks (the model's weights stay as they are). */
  dispose(): void;
}

interface FadedWeight {
  readonly variable: tfl.LayerVariable;
  /** 1 on kept channels, 0 on pruned ones, the weight's shape (a channel vector). */
  readonly kept: tf.Tensor;
}

/** Fades the channels that `masks` prunes out of `model` (modified in place: pass a copy). */
export function channelFade(model: tfl.LayersModel, masks: GroupMasks, options: ChannelFadeOptions): ChannelFade {
  const op = 'channelFade';
  if (!Number.isInteger(options.steps) || options.steps < 1) {
    throw new RangeError(`${op}: steps must be a whole number >= 1 (got ${String(options.steps)})`);
  }
  const graph = options.graph ?? buildGraph(model);
  const keptFlags = checkMasks(op, graph, masks, 0);
  const faded: FadedWeight[] = [];
  // The same weights maskModel zeroes: the fade ends at the masked model.
  for (const c of channelWeights(graph, keptFlags)) {
    const variable = model.getLayer(c.layer).weights.find((w) => weightRole(w.originalName) === c.role);
    if (variable) faded.push({ variable, kept: tf.tensor1d(Float32Array.from(flagsFromBits(c.keep, variable.shape.at(-1)!))) });
  }
  let step = 0;
  return {
    get step() {
      return step;
    },
    afterStep() {
      step++;
      const n = options.steps;
      const factor = step >= n ? 0 : (n - step) / (n - step + 1);
      tf.tidy(() => {
        for (const w of faded) {
          // kept + (1 − kept)·factor: 1 on kept channels, `factor` on pruned ones.
          const scale = tf.add(w.kept, tf.mul(tf.sub(1, w.kept), factor));
          // + 0 turns the −0 of a negative weight times 0 into +0: the masked model's bits.
          w.variable.write(tf.add(tf.mul(w.variable.read(), scale), 0));
        }
      });
    },
    dispose() {
      for (const w of faded) w.kept.dispose();
    },
  };
}
