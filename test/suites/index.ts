// Every runtime-neutral suite, in the order the runners run them. Runners: test/node (vitest),
// test/deno (deno test), test/browser (headless Chromium).
import type { TestSuite } from '../harness.ts';
import { loaderSuite } from './loader.suite.ts';
import { channelMaskSuite } from './channel-mask.suite.ts';
import { depthwiseConv2dSuite } from './depthwise-conv2d.suite.ts';
import { conv2dSuite } from './conv2d.suite.ts';
import { tfjsBackendsSuite } from './tfjs-backends.suite.ts';
import { workerSuite } from './worker.suite.ts';
import { poolSuite } from './pool.suite.ts';
import { annealSuite } from './anneal.suite.ts';
import { tfjsTrainingSuite } from './tfjs-training.suite.ts';
import { dataReadersSuite } from './data-readers.suite.ts';
import { dataBatchesSuite } from './data-batches.suite.ts';
import { imageFolderSuite } from './image-folder.suite.ts';
import { tileSuite } from './tile.suite.ts';
import { reduceSuite } from './reduce.suite.ts';
import { batchNormSuite } from './batch-norm.suite.ts';
import { batchNormTrainingSuite } from './batch-norm-training.suite.ts';
import { momentumSuite } from './momentum.suite.ts';
import { kernelThreadsSuite } from './kernel-threads.suite.ts';
import { selectSuite } from './select.suite.ts';
import { maxPoolSuite } from './max-pool.suite.ts';
import { modelGraphSuite } from './model-graph.suite.ts';
import { pruneSuite } from './prune.suite.ts';
import { prunerSuite } from './pruner.suite.ts';
import { sparsityRegularizersSuite } from './sparsity-regularizers.suite.ts';
import { sparsityTrainingSuite } from './sparsity-training.suite.ts';
import { distillationSuite } from './distillation.suite.ts';
import { fuseBatchNormSuite } from './fuse-batchnorm.suite.ts';
import { pipelineSuite } from './pipeline.suite.ts';
import { inferSuite } from './infer.suite.ts';
import { inferOnnxSuite } from './infer-onnx.suite.ts';
import { poolingSuite } from './pooling.suite.ts';
import { elementwiseSuite } from './elementwise.suite.ts';
import { onnxExportSuite } from './onnx-export.suite.ts';

export const suites: readonly TestSuite[] = [loaderSuite, conv2dSuite, tfjsBackendsSuite, workerSuite, poolSuite, channelMaskSuite, depthwiseConv2dSuite, annealSuite, tileSuite, reduceSuite, batchNormSuite, batchNormTrainingSuite, momentumSuite, kernelThreadsSuite, maxPoolSuite, poolingSuite, elementwiseSuite, selectSuite, tfjsTrainingSuite, dataReadersSuite, dataBatchesSuite, imageFolderSuite, modelGraphSuite, pruneSuite, prunerSuite, fuseBatchNormSuite, onnxExportSuite, inferSuite, inferOnnxSuite, sparsityRegularizersSuite, sparsityTrainingSuite, distillationSuite, pipelineSuite];
