/**
 * The 'train' job of the worker pool (ARCHITECTURE.md: one job per network): build the run's
 * initial network (initial-model.ts), sparsity-train it on the given sample of the task's training
 * set, and return its weights as plain data. The parent rebuilds the model from the same seed
 * and sets the weights, so no tfjs object crosses the worker boundary.
 */
import { initialModel } from './initial-model.ts';
import { train, useTrainingBackend, type TrainRecipe, type TrainProgress, type PolarizationReport } from '../train/index.ts';
import type { ResolvedConfig } from './config.ts';
import { loadTaskData, type TaskData } from './data.ts';
import { batcherFor, plainWeights } from './networks.ts';
import type { PlainWeights } from './network-cache.ts';

export interface TrainJob {
  readonly type: 'train';
  readonly config: ResolvedConfig;
  /** Which network of the run (for progress). */
  readonly network: number;
  /** The seed of its batch order (batchSeed in networks.ts). */
  readonly batchSeed: number;
  readonly indices: Int32Array;
  readonly recipe: TrainRecipe;
}

export interface TrainJobResult {
  readonly type: 'train';
  readonly network: number;
  readonly weights: PlainWeights;
  readonly polarization: PolarizationReport;
  readonly seconds: number;
}

export type TrainJobProgress = TrainProgress & { readonly network: number };

/** Loaded once per worker and task: every train job of a run reads the same files. */
const cache = new Map<string, Promise<TaskData>>();

export async function runTrainJob(job: TrainJob, progress: (p: TrainJobProgress) => void): Promise<TrainJobResult> {
  const key = `${job.config.task}|${job.config.dataSource ?? ''}`;
  if (!cache.has(key)) cache.set(key, loadTaskData(job.config.task, job.config.dataSource));
  const data = await cache.get(key)!;
  // A browser worker does not inherit the page's setWasmPaths (see PruneConfig.wasmPaths).
  await useTrainingBackend('wasm', job.config.wasmPaths === undefined ? {} : { wasmPaths: job.config.wasmPaths });
  const started = performance.now();
  const model = await initialModel(job.config);
  const result = await train(model, batcherFor(job.config, data, job.indices, job.batchSeed), job.recipe, {
    onProgress: (p) => progress({ ...p, network: job.network }),
  });
  const weights = plainWeights(model);
  model.dispose();
  return { type: 'train', network: job.network, weights, polarization: result.polarization, seconds: (performance.now() - started) / 1000 };
}
