/**
 * One sparsity training as plain data: the 'train' job of the worker pool (one job per network).
 * It names the starting network, the data set, the sample, the batch order and the recipe; the
 * worker builds the network, trains it and returns its weights as plain arrays. The parent
 * rebuilds the model from the same starting network and sets the weights, so no tfjs object
 * crosses the worker boundary, and the result equals a training in the parent on the same backend.
 */
import { startingModel, type StartingNetwork } from '../model/initial.ts';
import { plainWeights, type PlainWeights } from '../model/plain-weights.ts';
import { useTrainingBackend } from './backend.ts';
import type { PolarizationReport } from './polarization.ts';
import type { TrainProgress } from './progress.ts';
import type { TrainRecipe } from './recipe.ts';
import { dataKey, loadData, trainBatcher, type DataSpec, type TaskData } from './task-data.ts';
import { train } from './trainer.ts';

export interface TrainJob {
  readonly type: 'train';
  /** Which network of the run (for progress). */
  readonly network: number;
  readonly start: StartingNetwork;
  /** The data set whose training split the sample indexes: a reference task's or a folder's. */
  readonly data: DataSpec;
  readonly batchSize: number;
  /** The seed of its batch order. */
  readonly batchSeed: number;
  /** The sample: indices into the training set. */
  readonly indices: Int32Array;
  readonly recipe: TrainRecipe;
  /** tfjs-backend-wasm's .wasm location, for a browser worker (it does not inherit the page's). */
  readonly wasmPaths?: string;
}

export interface TrainJobResult {
  readonly type: 'train';
  readonly network: number;
  readonly weights: PlainWeights;
  readonly polarization: PolarizationReport;
  readonly seconds: number;
}

export type TrainJobProgress = TrainProgress & { readonly network: number };

/** Trains the job's network here, given its data set already loaded. */
export async function trainNetwork(
  job: Omit<TrainJob, 'type'>,
  data: TaskData,
  onProgress?: (p: TrainProgress) => void,
  signal?: AbortSignal,
): Promise<Omit<TrainJobResult, 'type'>> {
  const started = performance.now();
  const model = await startingModel(job.start);
  try {
    const result = await train(model, trainBatcher(data, job.indices, job.batchSize, job.batchSeed), job.recipe, {
      ...(onProgress && { onProgress }),
      ...(signal && { signal }),
    });
    return { network: job.network, weights: plainWeights(model), polarization: result.polarization, seconds: (performance.now() - started) / 1000 };
  } finally {
    model.dispose();
  }
}

/** Loaded once per worker and data set: every train job of a run reads the same files. */
const loaded = new Map<string, Promise<TaskData>>();

export async function runTrainJob(job: TrainJob, progress: (p: TrainJobProgress) => void): Promise<TrainJobResult> {
  const key = dataKey(job.data);
  if (!loaded.has(key)) loaded.set(key, loadData(job.data));
  const data = await loaded.get(key)!;
  await useTrainingBackend('wasm', job.wasmPaths === undefined ? {} : { wasmPaths: job.wasmPaths });
  const result = await trainNetwork(job, data, (p) => progress({ ...p, network: job.network }));
  return { type: 'train', ...result };
}
