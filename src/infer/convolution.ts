/**
 * Conv2D, DepthwiseConv2D and Dense on the WebAssembly kernels. The weights are placed in the
 * kernels' memory, and each convolution's filter packed, once per placement; each step reads its
 * input where the previous step wrote it and writes its output in place, so a forward pass copies
 * no tensor and packs no filter. ReLU is the kernel's epilogue;
 * other activations run over the output after it. Dense is the 1×1 convolution of rows × units.
 */
import { conv2dGeometry, depthwiseConv2dGeometry, conv2dMacs, type Conv2DGeometry } from '../kernels/geometry.ts';
import { putGeometry } from '../kernels/wasm/call.ts';
import { runRows } from '../wasm/threads.ts';
import { activationOf, applyActivation } from './activation.ts';
import { configPair, requireChannelsLast, size, view, windowPadding, type OpBuilder, type Placement } from './op.ts';

const FLAG_BIAS = 1;
const FLAG_RELU = 2;

/** A config key the plan sets on a Conv2D whose second input is a residual to add (plan.ts). */
export const FUSED_RESIDUAL = '__slimprune_fused_residual';

/** The igemm convolution step: y = act(conv(x, filter) + bias [+ the residual, p's second input]). */
function convolutionStep(p: Placement, g: Conv2DGeometry, filter: Float32Array, bias: Float32Array | undefined, relu: boolean, residual = false) {
  const { k } = p;
  const gp = putGeometry(k, g, (bias ? FLAG_BIAS : 0) | (relu ? FLAG_RELU : 0));
  const fp = p.put(filter);
  const bp = bias ? p.put(bias) : 0;
  const scratch = p.alloc(k.exports.conv2d_scratch_bytes(gp));
  const args = p.alloc(64);
  const macs = conv2dMacs(g);
  const x = p.inputs[0]!.ptr;
  const y = p.output;
  // Prepared once: the filter packed, the indirection over x's fixed place, the GEMM's args.
  // Each run only refreshes what depends on x's values (a width-padded copy, for some shapes).
  k.exports.conv2d_prepare_f32(gp, x, fp, bp, y, scratch, args);
  if (residual) k.exports.conv2d_set_residual_f32(args, p.inputs[1]!.ptr);
  const rows = new Int32Array(k.memory.buffer, args, 1)[0]!;
  return () => {
    k.exports.conv2d_refresh_input_f32(gp, x, scratch);
    runRows(k, 'igemm_rows_f32', args, rows, 4, macs);
  };
}

export const conv2dOp: OpBuilder = (layer, [inShape, residualShape], weights) => {
  requireChannelsLast(layer);
  const residual = layer.config[FUSED_RESIDUAL] === true;
  const kernel = weights.need('kernel');
  const bias = layer.config['use_bias'] === false ? undefined : weights.need('bias');
  const activation = activationOf(layer.config['activation'], layer.name);
  const options = {
    strides: configPair(layer.config['strides'], 1),
    padding: windowPadding(layer.config['padding'] ?? 'valid', layer.name),
    dilations: configPair(layer.config['dilation_rate'], 1),
  };
  const sample = conv2dGeometry([1, ...inShape!], kernel.shape, options);
  const outShape = [sample.outH, sample.outW, sample.outC];
  if (residual && (residualShape?.length !== 3 || residualShape.some((d, i) => d !== outShape[i]))) {
    throw new Error(`slimprune/infer: layer ${layer.name}'s residual has shape [${residualShape?.join(', ')}], not its output's [${outShape.join(', ')}]`);
  }
  return {
    outShape,
    place(p) {
      const g = conv2dGeometry([p.batch, ...inShape!], kernel.shape, options);
      const step = convolutionStep(p, g, kernel.data, bias?.data, activation === 'relu', residual);
      if (activation === 'relu' || activation === 'linear') return step;
      const n = p.batch * size(outShape);
      return () => {
        step();
        applyActivation(activation, view(p.k, p.output, n), g.outC);
      };
    },
  };
};

export const denseOp: OpBuilder = (layer, [inShape], weights) => {
  const kernel = weights.need('kernel');
  const bias = layer.config['use_bias'] === false ? undefined : weights.need('bias');
  const activation = activationOf(layer.config['activation'], layer.name);
  const [inUnits, units] = kernel.shape as [number, number];
  const last = inShape![inShape!.length - 1]!;
  if (last !== inUnits) {
    throw new Error(`slimprune/infer: layer ${layer.name} takes ${inUnits} inputs but receives ${last}`);
  }
  const outShape = [...inShape!.slice(0, -1), units];
  return {
    outShape,
    place(p) {
      // Every position of every sample is one row of the product: a 1×1 convolution over them.
      const rows = p.batch * size(inShape!.slice(0, -1));
      const g = conv2dGeometry([1, 1, rows, inUnits], [1, 1, inUnits, units], {});
      const step = convolutionStep(p, g, kernel.data, bias?.data, activation === 'relu');
      if (activation === 'relu' || activation === 'linear') return step;
      return () => {
        step();
        applyActivation(activation, view(p.k, p.output, rows * units), units);
      };
    },
  };
};

export const depthwiseConv2dOp: OpBuilder = (layer, [inShape], weights) => {
  requireChannelsLast(layer);
  const kernel = weights.need('depthwise_kernel');
  const bias = layer.config['use_bias'] === false ? undefined : weights.need('bias');
  const activation = activationOf(layer.config['activation'], layer.name);
  const dilations = configPair(layer.config['dilation_rate'], 1);
  if (dilations[0] !== 1 || dilations[1] !== 1) {
    // tfjs-layers 4.x runs DepthwiseConv2D undilated whatever its config says; refusing keeps this
    // runtime from disagreeing with model.predict.
    throw new Error(`slimprune/infer: layer ${layer.name} is a dilated DepthwiseConv2D, which tfjs itself runs undilated; not supported`);
  }
  const options = { strides: configPair(layer.config['strides'], 1), padding: windowPadding(layer.config['padding'] ?? 'valid', layer.name) };
  const sample = depthwiseConv2dGeometry([1, ...inShape!], kernel.shape, options);
  const outShape = [sample.outH, sample.outW, sample.outC];
  return {
    outShape,
    place(p) {
      const { k } = p;
      const g = depthwiseConv2dGeometry([p.batch, ...inShape!], kernel.shape, options);
      const gp = putGeometry(k, g);
      const fp = p.put(kernel.data);
      const scratch = p.alloc(k.exports.depthwise_conv2d_scratch_bytes(gp));
      const x = p.inputs[0]!.ptr;
      const n = p.batch * size(outShape);
      const channels = g.outC;
      const b = bias?.data;
      return () => {
        k.exports.depthwise_conv2d_f32(gp, x, fp, p.output, scratch);
        const y = view(k, p.output, n);
        if (b) for (let i = 0; i < n; i += channels) for (let c = 0; c < channels; c++) y[i + c] = y[i + c]! + b[c]!;
        applyActivation(activation, y, channels);
      };
    },
  };
};
