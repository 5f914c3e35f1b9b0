/**
 * createPruner: the pruning parts for people who train their own way, after Torch-Pruning's
 * pruner (a dependency graph, an importance, a pruner with regularizer hooks, a history):
 *
 *   const pruner = createPruner(model, { method: 'polarization', target: { flops: 0.5 } });
 *   await model.fit(x, y, { epochs, callbacks: [pruner.callbacks({ learningRate })] });
 *   const { model: compact, history } = await pruner.apply();
 *
 * The model given is read, never changed, except by callbacks()' sparsity step on its γ while it
 * trains.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { buildGraph, type PruningGraph } from '../model/graph.ts';
import { compactModel } from '../prune/compact.ts';
import { historyFromMasks, type PruningStep } from '../prune/history.ts';
import { resolvePrunerOptions, type PrunerOptions } from './options.ts';
import { planStructure, type PrunePlan } from './plan.ts';
import { sparsityStep } from './sparsity-step.ts';

/** The layers coupled with one: pruned together with one mask. */
export interface CoupledLayers {
  readonly group: number;
  readonly width: number;
  /** conv2d / dense layers whose output channels are the group. */
  readonly producers: readonly string[];
  readonly batchNorms: readonly string[];
  readonly depthwise: readonly string[];
  /** conv2d / dense layers whose input channels shrink with the group. */
  readonly consumers: readonly string[];
}

export interface PrunerCallbackOptions {
  /** The learning rate of the sparsity step (default: the model's optimizer's, when it has one). */
  readonly learningRate?: number;
}

export interface Pruner {
  readonly graph: PruningGraph;
  /** A `model.fit` callback that applies the sparsity term after every batch. */
  callbacks(options?: PrunerCallbackOptions): tfl.CustomCallbackArgs;
  /** λ·R(γ), a scalar tensor to add to the loss of a custom training loop. */
  regularize(): tf.Scalar;
  /** The structure the rule picks now, without changing anything. */
  plan(): PrunePlan;
  /** The compact model of plan() (a new model), its history and the plan. */
  apply(): Promise<{ model: tfl.LayersModel; history: PruningStep[]; plan: PrunePlan }>;
  /** Which layers are pruned with `layerName`'s channels. */
  groupOf(layerName: string): CoupledLayers;
}

function optimizerRate(model: tfl.LayersModel): number | undefined {
  const optimizer = (model as { optimizer?: { learningRate?: unknown } }).optimizer;
  const rate = optimizer?.learningRate;
  return typeof rate === 'number' ? rate : undefined;
}

export function createPruner(model: tfl.LayersModel, options: PrunerOptions = {}): Pruner {
  const resolved = resolvePrunerOptions(options);
  const graph = buildGraph(model, { unsupported: resolved.unsupported, needsBatchNorm: resolved.method !== 'l1-norm' });
  if (graph.groups.length === 0) {
    throw new Error(
      `createPruner: model ${model.name} has no channels slimprune can prune (${graph.fixed.map((f) => `${f.producers.join(', ')}: ${f.reasons.join('; ')}`).join(' · ')})`,
    );
  }
  const step = sparsityStep(model, graph, resolved);
  return {
    graph,
    callbacks(callbackOptions = {}) {
      return {
        onBatchEnd: async () => {
          const rate = callbackOptions.learningRate ?? optimizerRate(model);
          if (rate === undefined) {
            throw new Error("pruner.callbacks(): the model's optimizer has no readable learning rate; pass callbacks({ learningRate })");
          }
          step.afterBatch(rate);
        },
      };
    },
    regularize: () => step.penalty(),
    plan: () => planStructure(model, graph, resolved),
    async apply() {
      const plan = planStructure(model, graph, resolved);
      const { model: compact } = await compactModel(model, [...plan.masks], { graph });
      return { model: compact, history: historyFromMasks(graph, [...plan.masks]), plan };
    },
    groupOf(layerName) {
      if (!graph.layers.some((l) => l.name === layerName)) {
        throw new Error(`groupOf: ${model.name} has no layer '${layerName}'; its layers are ${graph.layers.map((l) => `'${l.name}'`).join(', ')}`);
      }
      const g = graph.groups.find((x) =>
        x.producers.includes(layerName) || [...x.batchNorms, ...x.depthwise].some((s) => s.layer === layerName));
      if (!g) {
        const fixed = graph.fixed.find((f) => f.producers.includes(layerName));
        throw new Error(fixed
          ? `groupOf: the channels of '${layerName}' are not prunable: ${fixed.reasons.join('; ')}`
          : `groupOf: '${layerName}' produces no prunable channels of its own (it carries or reads channels of other layers)`);
      }
      return {
        group: g.index, width: g.width, producers: [...g.producers], batchNorms: g.batchNorms.map((s) => s.layer),
        depthwise: g.depthwise.map((s) => s.layer), consumers: g.consumers.map((s) => s.layer),
      };
    },
  };
}
