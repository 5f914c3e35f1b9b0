/**
 * Fine-tuning after the cut (METHOD.md §8): the compact model trains on the run's whole training
 * pool without sparsity, at a tenth of sparsity training's first learning rate unless one is
 * given, with the test accuracy after every epoch; or, with `fadeEpochs`, the full-width network
 * trains while its pruned channels fade to 0 and is compacted after (exactly: they are 0 by then).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { PruningGraph } from '../model/index.ts';
import { channelFade, compactModel, fullMasks, maskModel, type CompactResult, type GroupMasks } from '../prune/index.ts';
import type { Stage } from '../report/run.ts';
import { train, trainBatcher, type BatchSource, type TaskData, type TrainProgress, type TrainRecipe } from '../train/index.ts';
import { withKernelThreads } from '../wasm/threads.ts';
import type { ResolvedConfig } from './config.ts';
import { sparsityRecipeFor } from './networks.ts';

/** The fine-tuning recipe: the task's optimizer and schedule, no regularizer, no γ reset. */
export function fineTuneRecipe(config: ResolvedConfig): TrainRecipe {
  const recipe = sparsityRecipeFor(config);
  const sgd = recipe.optimizer;
  return {
    epochs: config.fineTuneEpochs,
    optimizer: { ...sgd, learningRate: config.fineTuneLearningRate ?? sgd.learningRate / 10 },
    schedule: recipe.schedule,
    weightDecay: recipe.weightDecay,
    weightDecayOn: recipe.weightDecayOn,
    regularizer: { kind: 'none' },
    gammaInit: null,
  };
}

export interface FineTuneInput {
  readonly config: ResolvedConfig;
  readonly data: TaskData;
  /** The run's training images. */
  readonly pool: Int32Array;
  readonly graph: PruningGraph;
  /** The trained network before compaction (the distillation teacher, and the fade's start). */
  readonly chosen: tfl.LayersModel;
  /** Its compaction; disposed here when a fade replaces it or fine-tuning fails. */
  readonly cut: CompactResult;
  readonly masks: GroupMasks;
  readonly tests: BatchSource;
  readonly say: (stage: Stage, message: string, extra?: { readonly training?: TrainProgress }) => void;
  /** Cancels the fine-tuning between batches. */
  readonly signal?: AbortSignal;
}

export interface FineTuned {
  readonly compact: CompactResult;
  /** Test accuracy after each fine-tuning epoch. */
  readonly fineTuneAccuracy: number[];
  /** Whether the pruned channels faded out and the network was compacted after the last evaluation. */
  readonly faded: boolean;
}

export async function fineTune(input: FineTuneInput): Promise<FineTuned> {
  const { config: c, data, pool, graph, chosen, cut, masks, tests, say } = input;
  const fineTuneAccuracy: number[] = [];
  if (c.fineTuneEpochs === 0) return { compact: cut, fineTuneAccuracy, faded: false };
  const fade = c.fadeEpochs > 0;
  const batcher = trainBatcher(data, pool, c.batchSize, c.seed + 7);
  const student = fade ? await maskModel(chosen, fullMasks(graph), { graph }) : cut.model;
  const fader = fade ? channelFade(student, masks, { steps: c.fadeEpochs * batcher.batchesPerEpoch, graph }) : undefined;
  try {
    // The pool's workers are idle while the one network fine-tunes: its kernels take their
    // cores instead (kernel threads, the same bits as one thread).
    await withKernelThreads(c.workers, () => train(student, batcher, fineTuneRecipe(c), {
      // The teacher is the trained network before compaction, whatever the method.
      ...(c.distill && { distill: { teacher: chosen, ...c.distill } }),
      ...(fader && { onStepEnd: () => fader.afterStep() }),
      ...(input.signal && { signal: input.signal }),
      onProgress: (p) => say('fine-tune', fade ? 'fine-tuning while the pruned channels fade out' : 'fine-tuning the compact model', { training: p }),
      // Test accuracy after every epoch: the fine-tuning budget is judged by this curve (METHOD.md §8).
      evaluation: tests,
      onEpochEnd: (e) => {
        if (e.evaluation) fineTuneAccuracy.push(e.evaluation.accuracy);
      },
    }));
  } catch (error) {
    if (fade) student.dispose();
    cut.model.dispose();
    throw error;
  } finally {
    fader?.dispose();
  }
  if (!fade) return { compact: cut, fineTuneAccuracy, faded: false };
  cut.model.dispose();
  say('compact', 'removing the faded channels');
  try {
    return { compact: await compactModel(student, masks, { graph }), fineTuneAccuracy, faded: true };
  } finally {
    student.dispose();
  }
}
