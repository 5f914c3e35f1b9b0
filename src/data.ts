/**
 * slimprune/data: image sets as compact bytes (the reference sets, IDX and CIFAR-binary folders),
 * folders of the user's own images (root/<class>/<image>, in memory or streamed), seeded shards
 * and samples, and normalised, optionally augmented batches.
 */
export { DataError } from './data/data-error.ts';
export { imageSet, concatImageSets, type ImageSet, type ImageSplits } from './data/image-set.ts';
export { loadMnist, loadFashionMnist, loadIdxFolder, type StandardSetOptions, type IdxFolderOptions } from './data/sources/idx-sets.ts';
export { loadCifar10, loadCifarBatches, type Cifar10Options } from './data/sources/cifar10.ts';
export { prepareCifar10, type PrepareCifar10Options, type PrepareCifar10Result } from './data/sources/prepare-cifar10.ts';
export { prepareMnist, type PrepareMnistOptions } from './data/sources/prepare-mnist.ts';
export { channelStats, unitNormalization, type Normalization } from './data/normalization.ts';
export { disjointShards, overlappingSamples, bootstrapSamples, seededPermutation } from './data/sampling.ts';
export { Batcher, type Batch, type BatcherOptions } from './data/batcher.ts';
export { StreamBatcher, batcherFor } from './data/stream-batcher.ts';
export { isStreamedImageSet, type StreamedImageSet, type AnyImageSet } from './data/streamed-set.ts';
export {
  imageFolderFromFiles, type ImageFolder, type ImageFolderOptions, type ImageFolderFilesOptions,
} from './data/folder/image-folder.ts';
export { loadImageFolder, type LoadImageFolderOptions } from './data/folder/load-image-folder.ts';
export { readImageFile } from './data/folder/read-image-file.ts';
export { filesFromFileList, type ImageFolderEntry } from './data/folder/entries.ts';
export type { ImageDecoder } from './data/folder/decode.ts';
