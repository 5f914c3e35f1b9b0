/**
 * The figures of METHOD.md §9 for one model: accuracy (measured by the caller), parameters,
 * FLOPs, bytes of the saved weights (raw and gzip'd), and latency at batch 1 and 64 (one forward
 * pass, `latencyMs`), of the model as it is and of its deployed form (BatchNorm folded, ReLU fused).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildGraph, graphFlops, graphParams, type PruningGraph } from '../model/index.ts';
import { fuseBatchNorm, modelStorage } from '../prune/index.ts';
import { evaluate, testBatcher, type TaskData } from '../train/index.ts';
import { latencyMs } from './latency.ts';
import { assertUsableModel } from '../model/checks.ts';

export interface ModelFigures {
  readonly accuracy: number;
  readonly params: number;
  /** Multiply-adds of one image, of the conv2d, depthwise conv2d and dense layers. */
  readonly flops: number;
  /**
   * Layers with weights whose multiply-adds `flops` leaves out, because slimprune has no formula
   * for them (e.g. Conv2DTranspose, LSTM); their weights are in `params`. Empty for the models
   * slimprune prunes without { unsupported: 'keep' }.
   */
  readonly uncountedLayers: readonly { readonly name: string; readonly className: string }[];
  readonly weightBytes: number;
  readonly gzipBytes: number;
  readonly latencyBatch1Ms: number;
  readonly latencyBatch64Ms: number;
  /** The same, for the deployed form: BatchNorm folded into the layer before it, ReLU fused (fuseBatchNorm). */
  readonly fusedLatencyBatch1Ms: number;
  readonly fusedLatencyBatch64Ms: number;
}

/**
 * `graph` is the model's pruning graph, or that of the model it was compacted from with the
 * kept `widths` per group (the FLOPs and parameters of the compact model either way).
 */
export async function modelFigures(
  model: tfl.LayersModel, accuracy: number, graph: PruningGraph, widths?: readonly number[],
): Promise<ModelFigures> {
  const storage = await modelStorage(model);
  // The layers slimprune does not trace keep their weights unchanged; the graph has no formula
  // for them, so their parameters come from the model and their FLOPs are listed as left out.
  const opaque = graph.layers.filter((l) => l.role === 'opaque').map((l) => model.getLayer(l.name)).filter((l) => l.countParams() > 0);
  const fused = (await fuseBatchNorm(model)).model;
  const fusedLatencyBatch1Ms = await latencyMs(fused, 1);
  const fusedLatencyBatch64Ms = await latencyMs(fused, 64, { reps: 7 });
  fused.dispose();
  return {
    accuracy,
    params: graphParams(graph, widths) + opaque.reduce((n, l) => n + l.countParams(), 0),
    flops: graphFlops(graph, widths),
    uncountedLayers: opaque.filter((l) => l.getClassName() !== 'BatchNormalization').map((l) => ({ name: l.name, className: l.getClassName() })),
    weightBytes: storage.weightBytes,
    gzipBytes: storage.gzipBytes,
    latencyBatch1Ms: await latencyMs(model, 1),
    latencyBatch64Ms: await latencyMs(model, 64, { reps: 7 }),
    fusedLatencyBatch1Ms,
    fusedLatencyBatch64Ms,
  };
}

/**
 * `slimprune eval`: the figures of any model on a task's test set, after the checks prune makes
 * (assertUsableModel). The model need not be prunable: a deployed model (BatchNorm folded) or one
 * with layers slimprune does not trace is measured as it is.
 */
export async function evaluateModel(model: tfl.LayersModel, data: TaskData): Promise<ModelFigures> {
  assertUsableModel(model, data.test);
  const { accuracy } = await evaluate(model, testBatcher(data));
  return modelFigures(model, accuracy, buildGraph(model, { unsupported: 'keep', requireBatchNorm: false }));
}
