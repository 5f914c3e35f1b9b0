/**
 * Sparsity training of a tfjs LayersModel (METHOD.md §2), one explicit step at a time:
 *
 *   grads = ∂(cross-entropy)/∂w          tf.variableGrads, training-mode forward pass
 *   grads += weightDecay · w             on every trainable weight, or on kernels only
 *   grads[γ] += λ · ∂R/∂γ                the regularizer's hook (L1 or polarization)
 *   optimizer.applyGradients(grads)      tfjs SGD-with-momentum or Adam
 *   γ ← project(γ)                       polarization: clamp to [0, 1]
 *
 * The loop owns no randomness: weights come seeded from the model, the batch order from the
 * batch source. Checkpoints hold every weight, the optimizer state, the epoch and the source's
 * state, so that N epochs straight and k + (N − k) epochs with a checkpoint between give
 * bit-identical weights on the same backend. (Not with Dropout: tfjs draws its masks unseeded.)
 */
import '../tfjs/register-gradients.ts';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BatchTensors, type TrainingBatch, type BatchSource } from './batch.ts';
import { useTrainingBackend, type TrainingBackend } from './backend.ts';
import {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, saveCheckpoint, type NamedArray, type TrainingCheckpoint,
} from './checkpoint.ts';
import { evaluate } from './evaluate.ts';
import { countCorrect, crossEntropy, resolveOutput, type ModelOutput } from './loss.ts';
import { createOptimizer, exportOptimizerState, importOptimizerState, setLearningRate } from './optimizer.ts';
import { polarizationReport, type PolarizationOptions, type PolarizationReport } from './polarization.ts';
import type { EpochSummary, TrainProgress } from './progress.ts';
import { findPrunableLayers, readGammas, setGammas, type PrunableLayer } from './prunable.ts';
import { recipeDifferences, resolveRecipe, type ResolvedRecipe, type TrainRecipe } from './recipe.ts';
import { createRegularizer, type SparsityRegularizer } from './regularizers.ts';
import { learningRateAt } from './schedule.ts';
import { inputConvolutions, withUnfusedConvolutions } from '../tfjs/input-convolutions.ts';
import { fusableBatchNorms, withFusedBatchNorm } from '../tfjs/fused-batch-norm.ts';
import { applyDecayedGradients, withWeightDecay } from '../tfjs/fused-momentum.ts';
import { distillationTerm, resolveDistillation, type DistillationOptions, type ResolvedDistillation } from './distillation.ts';

export interface TrainerOptions {
  /** tfjs backend to train on (default 'wasm', with our kernels registered). */
  readonly backend?: TrainingBackend;
  /**
   * Names of the prunable BatchNormalization layers, whose γ the regularizer acts on and whose
   * mean is γ̄. Default: every BatchNormalization layer with a scale, as the reference code
   * regularizes every BN; `prunableBatchNorms(buildGraph(model))` gives exactly the γ of the
   * prunable groups (the same set for the LeNet and VGG reference networks).
   */
  readonly prunableLayers?: readonly string[];
  /** Whether the model ends in logits or a softmax (default: read from its last layer). */
  readonly output?: ModelOutput;
  /** Also learn from a teacher's softened outputs (distillation.ts), e.g. when fine-tuning a pruned model. */
  readonly distill?: DistillationOptions;
  /**
   * Training-mode BatchNorm as our fused kernels on 'wasm' (fused-batch-norm.ts; default true):
   * the same bits as tfjs's graph, in a fraction of the time. Off: tfjs-layers' own ops.
   */
  readonly fuseBatchNorm?: boolean;
}

export interface FitOptions {
  /** After every batch. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /**
   * After every optimizer step, before onProgress: may change the model's weights (e.g. fade
   * pruned channels out, src/prune/channel-fade.ts); the next step sees the change.
   */
  readonly onStepEnd?: () => void;
  /** After every epoch (and its evaluation and checkpoint). */
  readonly onEpochEnd?: (summary: EpochSummary) => void | Promise<void>;
  /** Evaluated after every epoch, in inference mode (e.g. the test set). */
  readonly evaluation?: BatchSource;
  /** Node and Deno: write a checkpoint here (atomically) every `checkpointEvery` epochs and at the end. */
  readonly checkpointPath?: string;
  /** Default 1. */
  readonly checkpointEvery?: number;
  /** Receives each checkpoint instead of (or as well as) the file, e.g. in a browser. */
  readonly onCheckpoint?: (checkpoint: TrainingCheckpoint) => void | Promise<void>;
  /** Stop after this many epochs in total (default: the recipe's epochs), e.g. to train k of N. */
  readonly untilEpoch?: number;
  /** Checked between batches; an aborted fit throws the signal's reason. */
  readonly signal?: AbortSignal;
  readonly polarization?: PolarizationOptions;
}

export interface TrainResult {
  /** Every epoch completed so far, resumed ones included. */
  readonly history: readonly EpochSummary[];
  /** γ of every prunable layer after training. */
  readonly gammas: readonly { readonly name: string; readonly gamma: Float32Array }[];
  /** The polarization diagnostic (empty when the model has no prunable layer). */
  readonly polarization: PolarizationReport;
}

interface StepOutcome {
  readonly loss: number;
  readonly correct: number;
  readonly sparsityLoss: number;
}

/** Kernel weights that `weightDecayOn: 'kernels'` decays (conv, depthwise, separable, dense). */
const KERNEL_SUFFIXES = ['/kernel', '/depthwise_kernel', '/pointwise_kernel'];

export class SparsityTrainer {
  readonly recipe: ResolvedRecipe;
  readonly prunable: readonly PrunableLayer[];
  readonly regularizer: SparsityRegularizer;
  private readonly optimizer: tf.Optimizer;
  private readonly variables: tf.Variable[];
  private readonly decayed: boolean[];
  private readonly gammaIndex: number[];
  private readonly reader: BatchTensors;
  private readonly inputConvolutions: ReturnType<typeof inputConvolutions>;
  private readonly batchNorms: ReturnType<typeof fusableBatchNorms>;
  private readonly output: 'logits' | 'probabilities';
  private readonly distill: ResolvedDistillation | undefined;
  private readonly history: EpochSummary[] = [];
  private completed = 0;
  private stepped = false;
  private disposed = false;

  private constructor(readonly model: LayersModel, recipe: ResolvedRecipe, options: TrainerOptions) {
    this.recipe = recipe;
    this.regularizer = createRegularizer(recipe.regularizer);
    this.prunable = findPrunableLayers(model, options.prunableLayers);
    if (this.regularizer.needsGammas && this.prunable.length === 0) {
      throw new Error(
        `the recipe asks for the ${recipe.regularizer.kind} regularizer, but the model has no BatchNormalization layer ` +
        "with a scale γ: add BatchNormalization after the conv/dense layers to prune, or use regularizer { kind: 'none' }",
      );
    }
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    if (this.variables.length === 0) throw new Error('the model has no trainable weights');
    this.decayed = model.trainableWeights.map((w) =>
      recipe.weightDecay > 0 && (recipe.weightDecayOn === 'all' || KERNEL_SUFFIXES.some((s) => w.originalName.endsWith(s))),
    );
    this.gammaIndex = this.prunable.map((p) => {
      const index = this.variables.indexOf(p.gamma);
      if (index < 0) throw new Error(`γ of '${p.name}' is not trainable; make the layer trainable to regularize it`);
      return index;
    });
    const inputShape = model.inputs[0]!.shape;
    this.reader = new BatchTensors(inputShape, model.outputs[0]!.shape.at(-1) as number);
    this.inputConvolutions = inputConvolutions(model);
    this.batchNorms = options.fuseBatchNorm ?? true ? fusableBatchNorms(model) : [];
    this.output = resolveOutput(model, options.output);
    this.distill = options.distill && resolveDistillation(model, options.distill);
    this.optimizer = createOptimizer(recipe.optimizer);
  }

  /** Validates the recipe against the model, selects the backend and sets γ's initial value. */
  static async create(model: LayersModel, recipe: TrainRecipe, options: TrainerOptions = {}): Promise<SparsityTrainer> {
    const resolved = resolveRecipe(recipe);
    await useTrainingBackend(options.backend ?? 'wasm');
    const trainer = new SparsityTrainer(model, resolved, options);
    if (resolved.gammaInit !== null) setGammas(trainer.prunable, resolved.gammaInit);
    return trainer;
  }

  /** Epochs completed. */
  get epoch(): number {
    return this.completed;
  }

  learningRate(epoch: number): number {
    return learningRateAt(this.recipe.optimizer.learningRate, this.recipe.schedule, epoch, this.recipe.epochs);
  }

  /** Copies of every prunable γ, per layer. */
  gammas(): { name: string; gamma: Float32Array }[] {
    const values = readGammas(this.prunable);
    return this.prunable.map((p, i) => ({ name: p.name, gamma: values[i]! }));
  }

  polarization(options?: PolarizationOptions): PolarizationReport {
    return polarizationReport(this.gammas(), options);
  }

  /** One optimizer step on one batch, at the current learning rate. */
  async step(batch: TrainingBatch): Promise<StepOutcome> {
    this.assertLive();
    const { regularizer, variables, gammaIndex } = this;
    const [loss, correct, sparsity] = tf.tidy(() => {
      const { x, labels } = this.reader.tensors(batch);
      const oneHot = tf.oneHot(labels, this.reader.classes);
      let hits: tf.Scalar | undefined;
      const distill = this.distill;
      // Inference mode: the teacher's BatchNorm uses its running statistics and is not updated.
      const teacher = distill && (distill.teacher.apply(x, { training: false }) as tf.Tensor);
      // Without the unused gradient of the data (input-convolutions.ts), BatchNorm fused (fused-batch-norm.ts).
      const { value, grads } = withFusedBatchNorm(this.batchNorms, () => withUnfusedConvolutions(this.inputConvolutions, () => tf.variableGrads(() => {
        const out = this.model.apply(x, { training: true }) as tf.Tensor;
        // Kept: the forward pass runs in a scope of its own that would dispose it.
        hits = tf.keep(countCorrect(out, labels));
        const hard = crossEntropy(oneHot, out, this.output, 'mean');
        if (!distill || !teacher) return hard;
        const soft = distillationTerm({ output: out, kind: this.output }, { output: teacher, kind: distill.teacherOutput }, distill.temperature);
        return tf.add(tf.mul(hard, 1 - distill.weight), tf.mul(soft, distill.weight)) as tf.Scalar;
      }, variables)));
      const regularized = new Set(regularizer.needsGammas ? gammaIndex : []);
      const decayOf = (i: number) => (this.decayed[i] ? this.recipe.weightDecay : 0);
      // Weight decay is added here only to the γ the regularizer reads; the others' decay goes
      // to the optimizer, which folds it into its update (fused-momentum.ts): the same sums.
      let gradients = variables.map((v, i) => {
        const g = grads[v.name];
        if (!g) throw new Error(`trainable weight ${v.name} got no gradient from the loss`);
        return regularized.has(i) ? withWeightDecay(g, decayOf(i), v) : g;
      });
      const gammas = gammaIndex.map((i) => variables[i]!);
      // λ·R(γ) before the update: the value of the objective this step descends.
      const penalty = regularizer.needsGammas ? regularizer.penalty(gammas) : tf.scalar(0);
      if (regularizer.needsGammas) {
        const regularizedGradients = regularizer.regularize(gammas, gammaIndex.map((i) => gradients[i]!));
        gradients = gradients.slice();
        gammaIndex.forEach((i, k) => (gradients[i] = regularizedGradients[k]!));
      }
      // In trainable-weight order: tfjs keeps optimizer slots by position (see optimizer.ts).
      const decayed = variables.map((v, i) => ({ name: v.name, tensor: gradients[i]!, weightDecay: regularized.has(i) ? 0 : decayOf(i) }));
      applyDecayedGradients(this.optimizer, decayed);
      regularizer.project(gammas);
      return [value, hits!, penalty];
    });
    this.stepped = true;
    try {
      const [l, c, s] = await Promise.all([loss.data(), correct.data(), sparsity.data()]);
      return { loss: l[0]!, correct: c[0]!, sparsityLoss: s[0]! };
    } finally {
      tf.dispose([loss, correct, sparsity]);
    }
  }

  /**
   * Trains from the current epoch to `untilEpoch` (default: the recipe's epochs), evaluating,
   * checkpointing and reporting as asked, and returns the history and the polarization report.
   */
  async fit(source: BatchSource, options: FitOptions = {}): Promise<TrainResult> {
    this.assertLive();
    const until = options.untilEpoch ?? this.recipe.epochs;
    if (!Number.isInteger(until) || until < this.completed || until > this.recipe.epochs) {
      throw new Error(`untilEpoch must be a whole number from ${this.completed} (epochs done) to ${this.recipe.epochs} (got ${until})`);
    }
    const every = options.checkpointEvery ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new Error(`checkpointEvery must be a whole number >= 1 (got ${every})`);
    const batches = source.batchesPerEpoch;
    const totalBatches = (until - this.completed) * batches;
    const started = now();
    let batchesDone = 0;
    let imagesDone = 0;
    let lastYield = started;

    while (this.completed < until) {
      const epoch = this.completed;
      const learningRate = this.learningRate(epoch);
      setLearningRate(this.optimizer, this.recipe.optimizer, learningRate);
      const epochStarted = now();
      let lossSum = 0;
      let sparsitySum = 0;
      let correct = 0;
      let images = 0;
      let batch = 0;
      for await (const b of source.epoch(epoch)) {
        // A batch's awaits settle as microtasks, so a fit would never let the event loop run:
        // no abort (a worker's message, a timer, a click) could arrive, and no timer of the
        // caller's could fire (the heartbeat of a sweep's network claim, which other runners
        // would then take for a dead holder's). So hand the loop a turn every YIELD_EVERY_MS.
        // Timing only; the bits are the same.
        if (now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = now();
        }
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('training aborted');
        const outcome = await this.step(b);
        options.onStepEnd?.();
        batch++;
        batchesDone++;
        images += b.size;
        imagesDone += b.size;
        lossSum += outcome.loss;
        sparsitySum += outcome.sparsityLoss;
        correct += outcome.correct;
        if (options.onProgress) {
          const elapsed = (now() - started) / 1000;
          options.onProgress({
            epoch, epochs: this.recipe.epochs, batch, batches,
            loss: lossSum / batch, accuracy: correct / images, sparsityLoss: outcome.sparsityLoss, learningRate,
            imagesPerSecond: imagesDone / Math.max(elapsed, 1e-9),
            etaSeconds: (elapsed / batchesDone) * Math.max(0, totalBatches - batchesDone),
          });
        }
      }
      if (batch === 0) throw new Error(`the batch source yielded no batches for epoch ${epoch}`);
      const seconds = (now() - epochStarted) / 1000;
      let summary: EpochSummary = {
        epoch, learningRate, loss: lossSum / batch, accuracy: correct / images, sparsityLoss: sparsitySum / batch,
        images, seconds, imagesPerSecond: images / Math.max(seconds, 1e-9),
      };
      if (options.evaluation) {
        const { loss, accuracy, images: evaluated } = await evaluate(this.model, options.evaluation, { output: this.output });
        summary = { ...summary, evaluation: { loss, accuracy, images: evaluated } };
      }
      this.completed++;
      this.history.push(summary);
      const last = this.completed === until;
      if ((options.checkpointPath !== undefined || options.onCheckpoint) && (this.completed % every === 0 || last)) {
        const checkpoint = await this.checkpoint(source);
        if (options.checkpointPath !== undefined) await saveCheckpoint(options.checkpointPath, checkpoint);
        await options.onCheckpoint?.(checkpoint);
      }
      await options.onEpochEnd?.(summary);
    }
    const gammas = this.gammas();
    return { history: [...this.history], gammas, polarization: polarizationReport(gammas, options.polarization) };
  }

  /** Everything a resumed run needs, as plain data (copies). Take it between epochs. */
  async checkpoint(source?: BatchSource): Promise<TrainingCheckpoint> {
    this.assertLive();
    const weights: NamedArray[] = [];
    for (const w of this.model.weights) {
      weights.push({ name: w.name, shape: [...w.shape] as number[], data: Float32Array.from(await w.read().data() as Float32Array) });
    }
    const sourceState = source?.getState?.();
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      epoch: this.completed,
      recipe: this.recipe,
      weights,
      optimizer: await exportOptimizerState(this.optimizer, this.recipe.optimizer),
      ...(sourceState === undefined ? {} : { sourceState }),
      history: [...this.history],
    };
  }

  /**
   * Continues from a checkpoint: its weights, optimizer state, epoch and history, and the source's
   * state. The trainer must be fresh (no step taken) and made from the same recipe.
   */
  async restore(checkpoint: TrainingCheckpoint, source?: BatchSource): Promise<void> {
    this.assertLive();
    if (checkpoint.format !== CHECKPOINT_FORMAT) throw new Error('not a slimprune training checkpoint');
    if (this.stepped) throw new Error('restore a checkpoint into a fresh trainer, before its first step');
    const differences = recipeDifferences(checkpoint.recipe, this.recipe);
    if (differences.length > 0) {
      throw new Error(`the checkpoint was made with a different recipe (${differences.join(', ')}); resume with the checkpoint's recipe`);
    }
    const modelWeights = this.model.weights;
    if (checkpoint.weights.length !== modelWeights.length) {
      throw new Error(`the checkpoint holds ${checkpoint.weights.length} weights, the model has ${modelWeights.length}: it is for a different model`);
    }
    checkpoint.weights.forEach((w, i) => {
      const expected = modelWeights[i]!.shape;
      if (w.shape.join(',') !== expected.join(',')) {
        throw new Error(`checkpoint weight ${i} (${w.name}) has shape [${w.shape}], the model's ${modelWeights[i]!.name} has [${expected}]`);
      }
    });
    if (checkpoint.sourceState !== undefined) {
      if (!source?.setState) throw new Error('the checkpoint holds batch-source state: pass a source with setState() to restore it');
    }
    const tensors = checkpoint.weights.map((w) => tf.tensor(w.data, [...w.shape]));
    try {
      this.model.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
    await importOptimizerState(this.optimizer, this.recipe.optimizer, checkpoint.optimizer, this.variables.map((v) => v.shape));
    if (checkpoint.sourceState !== undefined) source!.setState!(checkpoint.sourceState);
    this.completed = checkpoint.epoch;
    this.history.splice(0, this.history.length, ...checkpoint.history);
  }

  /** Frees the optimizer's state. The model stays the caller's. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    // tfjs's MomentumOptimizer.dispose() forgets its parent SGDOptimizer's learning-rate scalar.
    if (this.recipe.optimizer.kind === 'sgd') (this.optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('this trainer has been disposed');
  }
}

export interface TrainOptions extends TrainerOptions, FitOptions {
  /** Continue from this checkpoint (its recipe must equal `recipe`). */
  readonly resume?: TrainingCheckpoint;
}

/** Sparsity-trains `model` in place on `source` by `recipe`: create a trainer, resume, fit, dispose. */
export async function train(model: LayersModel, source: BatchSource, recipe: TrainRecipe, options: TrainOptions = {}): Promise<TrainResult> {
  const trainer = await SparsityTrainer.create(model, recipe, options);
  try {
    if (options.resume) await trainer.restore(options.resume, source);
    return await trainer.fit(source, options);
  } finally {
    trainer.dispose();
  }
}

function now(): number {
  return performance.now();
}

/** How often a fit lets other tasks run (a turn costs well under 1 ms: under 1% of the time). */
const YIELD_EVERY_MS = 100;

/** One turn of the event loop: its timers and I/O run (setImmediate where there is one, without setTimeout's clamp). */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
