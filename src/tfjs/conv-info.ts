/**
 * tfjs describes a convolution by its Conv2DInfo; our kernels read a Conv2DGeometry. One
 * translation, shared by every registered kernel. Only channels-last (NHWC) is supported, which
 * is what tfjs layers use; NCHW would need a transpose first.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DGeometry } from '../kernels/geometry.ts';

export function geometryFromConvInfo(kernel: string, info: backend_util.Conv2DInfo): Conv2DGeometry {
  if (info.dataFormat !== 'channelsLast') {
    throw new Error(
      `slimprune's ${kernel} supports dataFormat 'NHWC' (channelsLast) only, got ${info.dataFormat}; ` +
        `transpose the input to NHWC, as tfjs layers do by default`,
    );
  }
  return Object.freeze({
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    filterH: info.filterHeight,
    filterW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    dilationH: info.dilationHeight,
    dilationW: info.dilationWidth,
  });
}
