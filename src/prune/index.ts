// The public API of pruning (re-exported by src/index.ts): masks, the replayable history, the
// masked model, compaction with the optional bias fold, export in tfjs's format, the summary.
export {
  fullMasks, maskWidths, checkMasks, masksFromThresholds, topWidthMasks,
  type GroupMasks, type ThresholdOptions,
} from './masks.ts';
export { historyFromMasks, masksFromHistory, parseHistory, type PruningStep, type PruningHistory } from './history.ts';
export { maskModel, type MaskOptions } from './mask-model.ts';
export { channelFade, type ChannelFade, type ChannelFadeOptions } from './channel-fade.ts';
export { compactModel, replayHistory, type CompactOptions, type CompactResult } from './compact.ts';
export type { FoldMode, FoldRecord } from './fold.ts';
export { exportModel, modelStorage, MODEL_FILE, WEIGHTS_FILE, type ModelExport } from './export.ts';
export { pruneSummary, type PruneSummary, type GroupSummary } from './summary.ts';
export { writeModelFiles } from './model-folder.ts';
export { fuseBatchNorm, type FuseResult } from './fuse-batchnorm.ts';
