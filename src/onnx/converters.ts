/**
 * The converters by tfjs layer class name: the layer kinds exportOnnx writes. A class not listed
 * here is refused with its name (exportOnnx lists every such layer of the model at once).
 */
import type { LayerConverter } from './converter.ts';
import { convertConv2D, convertDepthwiseConv2D } from './convert-conv.ts';
import {
  convertActivation, convertBatchNormalization, convertDense, convertELU, convertFlatten, convertIdentity, convertLeakyReLU, convertReLU, convertSoftmax,
  convertZeroPadding2D,
} from './convert-core.ts';
import { convertAdd, convertAverage, convertConcatenate, convertMaximum, convertMinimum, convertMultiply } from './convert-merge.ts';
import { convertAveragePooling2D, convertGlobalAveragePooling2D, convertGlobalMaxPooling2D, convertMaxPooling2D } from './convert-pool.ts';

export const ONNX_CONVERTERS: Readonly<Record<string, LayerConverter>> = Object.freeze({
  Conv2D: convertConv2D,
  DepthwiseConv2D: convertDepthwiseConv2D,
  Dense: convertDense,
  BatchNormalization: convertBatchNormalization,
  Activation: convertActivation,
  ReLU: convertReLU,
  LeakyReLU: convertLeakyReLU,
  ELU: convertELU,
  Softmax: convertSoftmax,
  MaxPooling2D: convertMaxPooling2D,
  AveragePooling2D: convertAveragePooling2D,
  GlobalAveragePooling2D: convertGlobalAveragePooling2D,
  GlobalMaxPooling2D: convertGlobalMaxPooling2D,
  Flatten: convertFlatten,
  ZeroPadding2D: convertZeroPadding2D,
  Dropout: convertIdentity,
  Add: convertAdd,
  Multiply: convertMultiply,
  Average: convertAverage,
  Maximum: convertMaximum,
  Minimum: convertMinimum,
  Concatenate: convertConcatenate,
});

/** The layer classes exportOnnx writes (InputLayer besides: it becomes a graph input). */
export const ONNX_LAYER_CLASSES: readonly string[] = Object.freeze(Object.keys(ONNX_CONVERTERS));
