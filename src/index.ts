/**
 * slimprune: structured pruning of convolutional networks by contrast loss and simulated
 * annealing (Wang, Wang & Chen 2023; docs/METHOD.md), for tfjs models, in Node, Deno and browsers.
 *
 * This entry is the pruning API: the whole run (`prune`), and the parts it is made of for those
 * who assemble their own (graph, importance, method rules, masks, compaction, history, export in tfjs's format and as ONNX).
 * The kernels are 'slimprune/kernels', the tfjs integration 'slimprune/tfjs', the data sets
 * 'slimprune/data'.
 */
export { env, type RuntimeName } from './env.ts';

// The whole run and its settings (src/pipeline).
export {
  prune, type PruneRun, type PruneMetrics, type PruneOptions, type PruneProgress, type PruneEvent, type Stage,
} from './pipeline/prune.ts';
export {
  resolveConfig, PRUNE_METHODS, STRUCTURE_TARGETS,
  type PruneConfig, type ResolvedConfig, type PruneMethod, type StructureTarget, type Sampling, type ImagesConfig, type PruneTarget,
} from './pipeline/config.ts';
export { baselineConfigs, type BaselineOptions } from './pipeline/baselines.ts';

// Grids of runs (seeds × methods × targets), here or over a queue of workers (src/sweep).
export {
  sweep, type SweepOptions, type SweepOutcome,
} from './sweep/sweep.ts';
export type { SweepGrid, SweepVariant } from './sweep/grid.ts';
export type { SweepSummary, MethodSummary, PairedComparison, ParetoBand } from './sweep/summary.ts';
export type { CellResult, CellOutcome } from './sweep/cell-result.ts';
export type { SweepProgress } from './sweep/progress.ts';
export { memoryNetworkCache, type NetworkCache, type CachedNetwork } from './pipeline/network-cache.ts';
export { folderNetworkCache } from './pipeline/network-files.ts';

// Its results (src/report).
export { writeRunFolder, type RunFolderOptions } from './report/run-folder.ts';
export { reportHtml } from './report/html.ts';
export { evaluateModel, modelFigures, type ModelFigures } from './report/figures.ts';
export { latencyMs, type LatencyOptions } from './report/latency.ts';

// Networks and the dependency graph of prunable channel groups (src/model).
export {
  referenceModel, REFERENCE_TASKS, buildGraph, registerLayerChannels, unregisterLayerChannels, graphFlops, graphParams, annealGroups, flopsModel, readModelFiles, assertFiniteWeights, assertFitsData,
  type LayerChannels, type ReferenceTask, type ReferenceModelOptions, type PruningGraph, type PruneGroup, type GraphOptions, type PlainWeights,
} from './model/index.ts';

// Sparsity training (src/train).
export {
  train, SparsityTrainer, sparsityRecipe, useTrainingBackend, evaluate, searchLambda, loadTaskData,
  type TrainRecipe, type TrainOptions, type TrainResult, type TrainProgress, type TaskData, type Evaluation,
  type PolarizationReport, type LambdaSearchOptions, type LambdaSearchResult,
} from './train/index.ts';

// The structure: importance, candidate thresholds, annealing, each method's rule (src/select).
export { bnScaleImportance, l1NormImportance, type Importance } from './select/importance.ts';

// Pruning inside your own training loop (src/pruner).
export {
  createPruner, type Pruner, type PrunerOptions, type PrunerMethod, type PrunePlan, type PlanGroup, type CoupledLayers, type PrunerCallbackOptions,
} from './pruner/index.ts';
export { candidateThresholds, type CandidateOptions, type CandidateSet } from './select/candidates.ts';
export { selectStructure, type Selection, type SelectionInput, type SelectionOptions } from './select/structure.ts';
export {
  decideStructure, contrastSelection, type StructureDecision, type MethodSettings, type ContrastSettings, type ContrastSelection,
} from './select/method-rules.ts';

// Masks, the masked and the compact model, the replayable history, deployment (src/prune).
export {
  fullMasks, masksFromThresholds, topWidthMasks, maskModel, compactModel, replayHistory, historyFromMasks, parseHistory,
  fuseBatchNorm, exportModel, writeModelFiles, modelStorage, pruneSummary,
  type GroupMasks, type PruningStep, type PruningHistory, type CompactResult, type ModelExport, type PruneSummary,
} from './prune/index.ts';

// The ONNX export of a model, e.g. the deployed pruned one (src/onnx).
export { exportOnnx, type OnnxExportOptions } from './onnx/index.ts';

// The worker pool (src/pool).
export {
  createPool, type WorkerPool, type PoolOptions, type RunOptions, type MapOptions, type ProgressInfo,
} from './pool/pool.ts';
export { PoolJobError, PoolClosedError } from './pool/errors.ts';
export type { Job, JobResult, JobType, JobTypes } from './pool/jobs.ts';
