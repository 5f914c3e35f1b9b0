/** The layer classes slimprune/infer runs, by their Keras class name. */
import { conv2dOp, denseOp, depthwiseConv2dOp } from './convolution.ts';
import { activationOp, addOp, batchNormalizationOp, concatenateOp, multiplyOp, reluOp, softmaxOp } from './elementwise.ts';
import type { OpBuilder } from './op.ts';
import { averagePoolingOp, globalAveragePoolingOp, globalMaxPoolingOp, maxPoolingOp } from './pooling.ts';
import { zeroPadding2dOp } from './padding.ts';
import { clipOp, eluLayerOp, hardSigmoidOp, hardSwishOp, leakyReluOp } from './pointwise.ts';
import { dropoutOp, flattenOp, permuteOp, reshapeOp } from './reshape.ts';

/** The class a layer takes once another does its work (fusion.ts): its output is its input's. */
export const FUSED_AWAY = '__slimprune_fused_away';

export const LAYER_OPS: Readonly<Record<string, OpBuilder>> = {
  [FUSED_AWAY]: (_layer, [inShape]) => ({ outShape: inShape!, alias: true, place: () => () => undefined }),
  Conv2D: conv2dOp,
  DepthwiseConv2D: depthwiseConv2dOp,
  Dense: denseOp,
  MaxPooling2D: maxPoolingOp,
  AveragePooling2D: averagePoolingOp,
  GlobalAveragePooling2D: globalAveragePoolingOp,
  GlobalMaxPooling2D: globalMaxPoolingOp,
  BatchNormalization: batchNormalizationOp,
  Add: addOp,
  Multiply: multiplyOp,
  Concatenate: concatenateOp,
  Activation: activationOp,
  ReLU: reluOp,
  LeakyReLU: leakyReluOp,
  ELU: eluLayerOp,
  // Not Keras layers: what an ONNX file's HardSigmoid, HardSwish and Clip become (onnx/rules.ts).
  HardSigmoid: hardSigmoidOp,
  HardSwish: hardSwishOp,
  Clip: clipOp,
  Softmax: softmaxOp,
  ZeroPadding2D: zeroPadding2dOp,
  Flatten: flattenOp,
  Reshape: reshapeOp,
  Permute: permuteOp,
  Dropout: dropoutOp,
};
