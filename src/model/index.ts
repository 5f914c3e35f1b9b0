// The public API of the model layer (re-exported by src/index.ts): the reference networks and
// the dependency graph of prunable channel groups, with its parameter and FLOPs functions.
export {
  referenceModel, referenceInput, lenet5BN, vgg11BNHalf, resnet20, REFERENCE_TASKS, VGG11_HALF, DEFAULT_GAMMA_INIT,
  type ReferenceTask, type ReferenceModelOptions,
} from './architectures.ts';
export { deriveSeed } from './seed.ts';
export {
  buildGraph, graphLayer, defaultMinChannels, prunableBatchNorms, registerLayerChannels, unregisterLayerChannels, type LayerChannels,
  type PruningGraph, type PruneGroup, type FixedChannels, type GraphLayer, type LayerRole, type LayerSlot,
  type LayerCost, type GraphOptions,
} from './graph.ts';
export {
  forEachSlotIndex, keptAxisIndices, keptLength, type ChannelLayout, type ChannelSegment, type ChannelSlot,
} from './layout.ts';
export {
  graphFlops, graphParams, flopsModel, paramsModel, evaluateQuadratic, groupFlopsShares, annealGroups,
} from './cost.ts';
export { readModelFiles, readSavedModel, readModelArtifacts, modelFromArtifacts } from './model-files.ts';
export { startingModel, startingModelIdentity, startingNetwork, type StartingNetwork } from './initial.ts';
export { assertFiniteWeights, assertFitsData, assertUsableModel } from './checks.ts';
export { plainWeights, modelWithWeights, type PlainWeights } from './plain-weights.ts';
