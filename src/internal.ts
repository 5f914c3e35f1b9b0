/**
 * slimprune/internal: every module's exports, for the package's own test suites, benchmarks and
 * command line. Not a public API: names here change without notice; users import 'slimprune',
 * 'slimprune/kernels', 'slimprune/tfjs' and 'slimprune/data'.
 */
export { env, type RuntimeName } from './env.ts';
export {
  initKernels, kernels, compileKernels, instantiateKernels,
  setWasmSource, setRelaxedSimd, resetKernelCache, embeddedKernelBytes,
} from './wasm/loader.ts';
export {
  setKernelThreads, kernelThreads, kernelThreadsSupported, withKernelThreads, type KernelThreadsOptions,
} from './wasm/threads.ts';
export {
  type KernelInstance, type WasmSource,
} from './wasm/loader.ts';
export { detectWasmFeatures, resetWasmFeatureCache, type WasmFeatures } from './wasm/features.ts';
export { Arena } from './wasm/arena.ts';
export type { KernelExports } from './wasm/abi.ts';

export {
  conv2dGeometry, conv2dMacs, inputSize, outputSize, filterSize, GEOMETRY_FIELDS,
  type Conv2DGeometry, type Conv2DOptions, type Padding,
} from './kernels/geometry.ts';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, type Conv2DEpilogue } from './kernels/wasm/conv2d.ts';
export { conv2dOnPath, conv2dTakesThinPath, type Conv2DPath } from './kernels/wasm/conv2d.ts';
export {
  conv2dReference, conv2dBackpropInputReference, conv2dBackpropFilterReference,
} from './kernels/reference/conv2d.ts';

export { spawnWorker, type SpawnedWorker } from './platform/spawn-worker.ts';

export { loadInferenceModel, InferenceModel, type InferenceSource, type ModelDescription } from './infer/runtime.ts';
export { readDescription } from './infer/description.ts';
export { pool2d, type PoolMode } from './kernels/wasm/pool.ts';
export { pool2dReference } from './kernels/reference/pool.ts';
export { add, relu } from './kernels/wasm/elementwise.ts';
export { addReference, reluReference } from './kernels/reference/elementwise.ts';
export { readTopology, type ModelJsonFile, type Topology } from './infer/model-json.ts';
export { LAYER_OPS } from './infer/layers.ts';
export type { WorkerApi } from './pool/worker-api.ts';

export {
  depthwiseConv2dGeometry, depthwiseFilterSize, depthwiseConv2dMacs, depthwiseMultiplier,
} from './kernels/geometry.ts';
export {
  depthwiseConv2d, depthwiseConv2dBackpropInput, depthwiseConv2dBackpropFilter,
} from './kernels/wasm/depthwise-conv2d.ts';
export {
  depthwiseConv2dReference, depthwiseConv2dBackpropInputReference, depthwiseConv2dBackpropFilterReference,
} from './kernels/reference/depthwise-conv2d.ts';

export {
  channelView, keepBitsetFromIndices, keepIndicesFromBitset, bitsetWords, bitsFromFlags, flagsFromBits, type ChannelView,
} from './kernels/channels.ts';
export { maskChannels, gatherChannels } from './kernels/wasm/channel-mask.ts';
export { maskChannelsReference, gatherChannelsReference } from './kernels/reference/channel-mask.ts';

export {
  type AnnealProblem, type AnnealGroup, type AnnealOptions, type AnnealResult, type T0Options,
  type FlopsModel, type FlopsEdge, type ContrastMode, ANNEAL_DEFAULTS, unprunedFlops,
} from './kernels/spec/anneal.ts';
export { anneal, annealEnergy, estimateT0 } from './kernels/wasm/anneal.ts';
export {
  annealReference, annealEnergyReference, estimateT0Reference, metropolisExp,
} from './kernels/reference/anneal.ts';
export { thresholdMask, maskPopcount, maskHamming } from './kernels/wasm/bitset.ts';
export { thresholdMaskReference, popcountReference, hammingReference } from './kernels/reference/bitset.ts';
export { Xoshiro128 } from './kernels/reference/rng.ts';
export {
  registerWasmKernels, registerWasmGradients, WASM_GAP_KERNELS, WASM_REPLACEMENT_KERNELS, WASM_FUSED_KERNELS, type RegisterOptions,
} from './tfjs/register.ts';
export { conv2DReplacement, fusedConv2DReplacement, MIN_PADDED_ROW_FLOATS, MIN_OUTPUT_PIXELS } from './tfjs/kernels/Conv2D.ts';
export { originalWasmKernel, type Replacement } from './tfjs/replace.ts';
export { tile, tileShape } from './kernels/wasm/tile.ts';
export { tileReference } from './kernels/reference/tile.ts';
export { reduceRows } from './kernels/wasm/reduce.ts';
export { reduceRowsReference } from './kernels/reference/reduce.ts';
export { batchNorm } from './kernels/wasm/batch-norm.ts';
export { batchNormReference, type ChannelParams } from './kernels/reference/batch-norm.ts';
export { momentumUpdate } from './kernels/wasm/momentum.ts';
export { momentumUpdateReference, type MomentumStep, type MomentumResult } from './kernels/reference/momentum.ts';
export { batchMoments, batchNormGrad } from './kernels/wasm/batch-norm-training.ts';
export {
  batchMomentsReference, batchNormGradReference, type BatchMoments, type BatchNormGradParams, type BatchNormGrads,
} from './kernels/reference/batch-norm-training.ts';
export { maxPoolBackprop } from './kernels/wasm/max-pool.ts';
export { maxPoolBackpropReference } from './kernels/reference/max-pool.ts';

// Data sets: IDX and CIFAR-binary readers, sources, seeded samples and the batcher (src/data/).
export * from './data/index.ts';

// The worker pool (src/pool/): plain-data jobs on N workers, retried, cancellable, deterministic.
export {
  createPool, type WorkerPool, type PoolOptions, type RunOptions, type MapOptions, type PoolStats, type ProgressInfo,
} from './pool/pool.ts';
export {
  PoolJobError, PoolClosedError, type AttemptFailure, type FailureKind, type RetryEvent,
} from './pool/errors.ts';
export type {
  Job, JobResult, JobType, JobTypes, ResultOf, ProgressOf,
  AnnealJob, AnnealJobResult, FaultJob, FaultJobResult, FaultKind, FaultProgress,
} from './pool/jobs.ts';
export { hardwareConcurrency } from './platform/hardware-concurrency.ts';
export {
  searchThreshold, candidateThresholds, valleys, silvermanBandwidth,
  type CandidateOptions, type CandidateSet, type CandidateSource, type ThresholdSearch,
} from './select/candidates.ts';
export { histogram } from './select/histogram.ts';
export {
  selectStructure, annealProblem, baselineStart, randomStart, restartSeed,
  type Selection, type SelectionInput, type SelectionOptions, type RestartRunner, type RestartSummary, type AnnealSchedule,
} from './select/structure.ts';

export * from './train/index.ts';

// The reference networks and the dependency graph of prunable groups (src/model/); masks,
// history, masked model, compaction and export (src/prune/).
export * from './model/index.ts';
export * from './prune/index.ts';
export * from './pruner/index.ts';
export * from './onnx/index.ts';
export {
  prune, type PruneRun, type PruneMetrics, type PruneOptions, type PruneProgress, type Stage,
} from './pipeline/prune.ts';
export { resolveConfig, dataSpec, PRUNE_METHODS, STRUCTURE_TARGETS, type StructureTarget, type PruneConfig, type PruneMethod, type ResolvedConfig, type Sampling, type ImagesConfig, type PruneTarget } from './pipeline/config.ts';
export { loadRunData, loadDataFor } from './pipeline/run-data.ts';
export { baselineConfigs, type BaselineOptions } from './pipeline/baselines.ts';
export {
  slimmingThreshold, decideStructure, contrastSelection, type StructureDecision, type MethodSettings, type ContrastSettings, type ContrastSelection,
} from './select/method-rules.ts';
export { bnScaleImportance, groupImportance, l1NormImportance, l1FilterNorms, type Importance } from './select/importance.ts';
export { structureAtTarget, structureAtLatency, keptSize, smallestKeptSize, assertReachable, type SizeMeasure, type TargetOptions, type TargetStructure } from './select/target.ts';
export { latencyMs, type LatencyCall, type LatencyOptions } from './report/latency.ts';
export { modelFigures, evaluateModel, type ModelFigures } from './report/figures.ts';
export { writeRunFolder, DEPLOYED_ONNX_FILE, type RunFolderOptions } from './report/run-folder.ts';
export { networkJobs, trainNetworks, type NetworkJob, type TrainedNetwork, type TrainNetworksOptions } from './pipeline/networks.ts';
export { networkKey, memoryNetworkCache, type NetworkCache, type CachedNetwork } from './pipeline/network-cache.ts';
export { folderNetworkCache } from './pipeline/network-files.ts';
export { defaultCacheDir, writeNewFile } from './platform/files.ts';
export { pathExists, writeFolderAtomic, type FolderFile } from './platform/folder-files.ts';
export { md5Hex } from './platform/md5.ts';
export { readBytes } from './platform/read-bytes.ts';
export { gunzip } from './platform/gunzip.ts';
export { imageBitmapDecoding } from './platform/image-bitmap.ts';
export { reportHtml, methodsTable, fineTuneLabel } from './report/html.ts';
export { annealingSvg, gammaHistogramSvg, lineChartSvg, widthsSvg, type AnnealingCurve } from './report/svg.ts';
export type { PruneEvent, EventGroup } from './pipeline/events.ts';
export type { DecisionHooks } from './select/method-rules.ts';
export type { RunSettings } from './report/run.ts';
export { sweep, type SweepOptions, type SweepOutcome } from './sweep/sweep.ts';
export { startQueueWorker, DEFAULT_QUEUE_NAME, type QueueWorkerOptions, type QueueWorkerHandle, type CellExecutor } from './sweep/queue.ts';
export { expandGrid, describeCell, targetText, variantLabel, type SweepGrid, type SweepVariant, type SweepCell, type CellCoordinates } from './sweep/grid.ts';
export { cellIdentity } from './sweep/cell-identity.ts';
export { spreadNetworkGroups, networkGroup } from './sweep/queue-order.ts';
export { shouldDefer, type TakenCell } from './sweep/queue-deferral.ts';
export { claimedNetworkCache } from './sweep/claimed-network-cache.ts';
export { outcomeOf, errorText, type CellResult, type CellOutcome, type CellExecution } from './sweep/cell-result.ts';
export { runCell, type RunCellOptions } from './sweep/run-cell.ts';
export { readCellResult, readCellResults, writeCellResult, networksFolder, CELLS_FOLDER, NETWORKS_FOLDER } from './sweep/sweep-folder.ts';
export { summarize, type SweepSummary, type MethodSummary, type PairedComparison, type ParetoBand } from './sweep/summary.ts';
export { sweepMarkdown } from './sweep/sweep-tables.ts';
export { sweepReportHtml } from './sweep/sweep-report.ts';
export { ProgressTracker, progressLine, pruneProgressText, type SweepProgress, type RunnerActivity } from './sweep/progress.ts';
export {
  mean, sampleSd, logGamma, regularizedIncompleteBeta, studentTCdf, studentTQuantile, pairedInterval, signTestP, type PairedInterval,
} from './sweep/statistics.ts';
export { errorBarScatterSvg, niceTicks, type ErrorBarPoint } from './report/scatter-svg.ts';
