/**
 * The ONNX ops slimprune/infer runs, each with the rule that turns a node into layers of the
 * topology (nodes-*.ts), and what it takes of the op, for the error that lists them. An op not
 * listed here is refused by name (translate.ts lists every such node of the graph at once).
 */
import type { Operand } from './builder.ts';
import type { NodeContext } from './context.ts';
import { gemmRule, matMulRule } from './nodes-dense.ts';
import {
  addRule, batchNormalizationRule, clipRule, eluRule, hardSigmoidRule, hardSwishRule, leakyReluRule, mulRule, reluRule, seluRule, sigmoidRule,
  softmaxRule, softplusRule, sumRule, tanhRule,
} from './nodes-elementwise.ts';
import { concatRule, constantRule, dropoutRule, flattenRule, identityRule, reshapeRule, transposeRule } from './nodes-shape.ts';
import { averagePoolRule, convRule, globalAveragePoolRule, globalMaxPoolRule, maxPoolRule, padRule, reduceMeanRule } from './nodes-window.ts';

export type NodeRule = (ctx: NodeContext) => readonly Operand[];

export const ONNX_RULES: Readonly<Record<string, { readonly rule: NodeRule; readonly takes?: string }>> = {
  Conv: { rule: convRule, takes: '2-D, group 1 or depthwise' },
  MaxPool: { rule: maxPoolRule, takes: '2-D' },
  AveragePool: { rule: averagePoolRule, takes: '2-D, padding not counted' },
  Pad: { rule: padRule, takes: 'zeros around H and W' },
  GlobalAveragePool: { rule: globalAveragePoolRule },
  GlobalMaxPool: { rule: globalMaxPoolRule },
  ReduceMean: { rule: reduceMeanRule, takes: 'over H and W' },
  Gemm: { rule: gemmRule, takes: 'by a constant' },
  MatMul: { rule: matMulRule, takes: 'by a constant' },
  Add: { rule: addRule, takes: 'of one shape, or a constant bias' },
  Mul: { rule: mulRule, takes: 'of one shape' },
  Sum: { rule: sumRule, takes: 'of one shape' },
  BatchNormalization: { rule: batchNormalizationRule, takes: 'inference' },
  Relu: { rule: reluRule },
  Clip: { rule: clipRule, takes: 'by constant bounds' },
  LeakyRelu: { rule: leakyReluRule },
  HardSigmoid: { rule: hardSigmoidRule },
  HardSwish: { rule: hardSwishRule },
  Sigmoid: { rule: sigmoidRule },
  Tanh: { rule: tanhRule },
  Softplus: { rule: softplusRule },
  Elu: { rule: eluRule },
  Selu: { rule: seluRule },
  Softmax: { rule: softmaxRule },
  Concat: { rule: concatRule },
  Flatten: { rule: flattenRule },
  Reshape: { rule: reshapeRule, takes: 'to a constant shape' },
  Transpose: { rule: transposeRule },
  Identity: { rule: identityRule },
  Dropout: { rule: dropoutRule },
  Constant: { rule: constantRule },
};

/** The ops, as the error that refuses a node lists them. */
export const ONNX_OPS_TEXT = Object.entries(ONNX_RULES).map(([op, r]) => (r.takes ? `${op} (${r.takes})` : op)).join(', ');
