// The public API of sparsity training (re-exported by src/index.ts).
export type { TrainingBatch, BatchSource } from './batch.ts';
export {
  resolveRecipe, validateLambda, validateT, recipeDifferences, RecipeError, POLARIZATION_T_RANGE,
  type TrainRecipe, type ResolvedRecipe, type ResolvedSgd, type ResolvedAdam, type OptimizerSpec,
  type ScheduleSpec, type RegularizerSpec, type WeightDecayScope,
} from './recipe.ts';
export { stepDecay, cosineDecay, constantRate, scheduleFactor, learningRateAt } from './schedule.ts';
export {
  createRegularizer, globalGammaMean, l1Penalty, l1Subgradient, polarizationPenalty, polarizationSubgradient,
  type SparsityRegularizer,
} from './regularizers.ts';
export { findPrunableLayers, initGammas, setGammas, assignGammas, readGammas, type PrunableLayer } from './prunable.ts';
export { type OptimizerState } from './optimizer.ts';
export {
  encodeCheckpoint, decodeCheckpoint, saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION,
  type TrainingCheckpoint, type NamedArray,
} from './checkpoint.ts';
export type { TrainProgress, EpochSummary } from './progress.ts';
export { useTrainingBackend, type TrainingBackend, type TrainingBackendOptions } from './backend.ts';
export { evaluate, type EvaluateOptions, type Evaluation } from './evaluate.ts';
export type { ModelOutput } from './loss.ts';
export {
  SparsityTrainer, train, type TrainerOptions, type FitOptions, type TrainOptions, type TrainResult,
} from './trainer.ts';
export { inputConvolutions, withUnfusedConvolutions } from '../tfjs/input-convolutions.ts';
export { FusedMomentumOptimizer, isFusedMomentumOptimizer, type DecayedGradient } from '../tfjs/fused-momentum.ts';
export { fusableBatchNorms, fusedBatchNormAvailable, withFusedBatchNorm } from '../tfjs/fused-batch-norm.ts';
export {
  distillationTerm, temperedLogSoftmax, resolveDistillation, distillationSettings, DEFAULT_DISTILLATION,
  type DistillationOptions, type ResolvedDistillation,
} from './distillation.ts';
export {
  polarizationReport, layerPolarization, POLARIZATION_DEFAULTS,
  type PolarizationOptions, type PolarizationReport, type LayerPolarization,
} from './polarization.ts';
export {
  searchLambda, type LambdaSearchOptions, type LambdaSearchResult, type LambdaTrial, type MeasuredWidths,
} from './lambda-search.ts';
export {
  SPARSITY_DEFAULTS, FOLDER_DEFAULTS, sparsityDefaults, sparsityRecipe, equivalentLambda,
  type SparsityMethod, type SparsityDefaults, type LambdaBudget,
} from './defaults.ts';
export {
  loadData, loadTaskData, isFolderData, dataKey, trainBatcher, testBatcher,
  type DataSpec, type TaskDataSpec, type FolderDataSpec, type TaskData,
} from './task-data.ts';
export { trainNetwork, runTrainJob, type TrainJob, type TrainJobResult, type TrainJobProgress } from './job.ts';
