/**
 * The layers that combine or rescale channels without a product: Add, Multiply, Concatenate
 * (NHWC, last axis), inference-mode BatchNormalization and the activation layers.
 */
import { activationOf, applyActivation } from './activation.ts';
import { size, view, type OpBuilder } from './op.ts';

function sameShapes(layer: string, shapes: readonly (readonly number[])[]): readonly number[] {
  const first = shapes[0]!;
  for (const s of shapes) {
    if (s.length !== first.length || s.some((d, i) => d !== first[i])) {
      throw new Error(`slimprune/infer: layer ${layer} combines inputs of shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(' and ')}; broadcasting is not supported`);
    }
  }
  return first;
}

function combine(kind: 'add' | 'multiply'): OpBuilder {
  return (layer, inShapes) => {
    const outShape = sameShapes(layer.name, inShapes);
    return {
      outShape,
      place(p) {
        const n = p.batch * size(outShape);
        const ptrs = p.inputs.map((i) => i.ptr);
        if (kind === 'add') {
          // A sum of two or more on the kernel, pairwise into the output; the ReLU that follows
          // a residual sum is fused into the last pass when the plan says so (fuseRelu).
          const relu = layer.config[FUSED_RELU] === true ? 1 : 0;
          return () => {
            const e = p.k.exports;
            e.add_f32(ptrs[0]!, ptrs[1]!, p.output, n, ptrs.length === 2 ? relu : 0);
            for (let j = 2; j < ptrs.length; j++) e.add_f32(p.output, ptrs[j]!, p.output, n, j === ptrs.length - 1 ? relu : 0);
          };
        }
        return () => {
          const y = view(p.k, p.output, n);
          y.set(view(p.k, ptrs[0]!, n));
          for (const ptr of ptrs.slice(1)) {
            const x = view(p.k, ptr, n);
            for (let i = 0; i < n; i++) y[i] = y[i]! * x[i]!;
          }
        };
      },
    };
  };
}

/** A config key the plan sets on an Add whose only reader is a plain ReLU (plan.ts). */
export const FUSED_RELU = '__slimprune_fused_relu';

export const addOp = combine('add');
export const multiplyOp = combine('multiply');

export const concatenateOp: OpBuilder = (layer, inShapes) => {
  const rank = inShapes[0]!.length;
  const axis = Number(layer.config['axis'] ?? -1);
  if (axis !== -1 && axis !== rank) {
    throw new Error(`slimprune/infer: layer ${layer.name} concatenates on axis ${axis}; only the channel axis (-1) is supported`);
  }
  const outer = inShapes.map((s) => s.slice(0, -1));
  sameShapes(layer.name, outer);
  const widths = inShapes.map((s) => s[rank - 1]!);
  const total = widths.reduce((a, b) => a + b, 0);
  const outShape = [...outer[0]!, total];
  return {
    outShape,
    place(p) {
      const positions = p.batch * size(outer[0]!);
      return () => {
        const y = view(p.k, p.output, positions * total);
        let offset = 0;
        p.inputs.forEach((input, j) => {
          const width = widths[j]!;
          const x = view(p.k, input.ptr, positions * width);
          for (let r = 0; r < positions; r++) y.set(x.subarray(r * width, (r + 1) * width), r * total + offset);
          offset += width;
        });
      };
    },
  };
};

export const batchNormalizationOp: OpBuilder = (layer, [inShape], weights) => {
  const axis = Number(layer.config['axis'] ?? -1);
  if (axis !== -1 && axis !== inShape!.length) {
    throw new Error(`slimprune/infer: layer ${layer.name} normalizes axis ${axis}; only the channel axis (-1) is supported`);
  }
  const mean = weights.need('moving_mean').data;
  const variance = weights.need('moving_variance').data;
  const gamma = weights.has('gamma') ? weights.need('gamma').data : undefined;
  const beta = weights.has('beta') ? weights.need('beta').data : undefined;
  const epsilon = Number(layer.config['epsilon'] ?? 1e-3);
  const c = mean.length;
  // y = (x − mean) · γ / √(var + ε) + β, as one scale and shift per channel.
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    scale[ch] = (gamma ? gamma[ch]! : 1) / Math.sqrt(variance[ch]! + epsilon);
    shift[ch] = (beta ? beta[ch]! : 0) - mean[ch]! * scale[ch]!;
  }
  return {
    outShape: inShape!,
    place(p) {
      const n = p.batch * size(inShape!);
      const x = p.inputs[0]!.ptr;
      return () => {
        const xs = view(p.k, x, n);
        const ys = view(p.k, p.output, n);
        for (let i = 0; i < n; i += c) for (let ch = 0; ch < c; ch++) ys[i + ch] = xs[i + ch]! * scale[ch]! + shift[ch]!;
      };
    },
  };
};

function activationLayer(activation: (config: Readonly<Record<string, unknown>>, name: string) => ReturnType<typeof activationOf>): OpBuilder {
  return (layer, [inShape]) => {
    const which = activation(layer.config, layer.name);
    // A linear activation is its input, unchanged: another name for the same buffer.
    if (which === 'linear') return { outShape: inShape!, alias: true, place: () => () => undefined };
    return {
      outShape: inShape!,
      place(p) {
        const n = p.batch * size(inShape!);
        const x = p.inputs[0]!.ptr;
        if (which === 'relu') return () => p.k.exports.relu_f32(x, p.output, n);
        return () => {
          const y = view(p.k, p.output, n);
          y.set(view(p.k, x, n));
          applyActivation(which, y, inShape![inShape!.length - 1]!);
        };
      },
    };
  };
}

export const activationOp = activationLayer((config, name) => activationOf(config['activation'], name));
export const reluOp = activationLayer((config, name) => {
  const max = config['max_value'];
  if (max !== undefined && max !== null && max !== 6) throw new Error(`slimprune/infer: layer ${name} is a ReLU capped at ${String(max)}; only 6 (ReLU6) is supported`);
  return max === 6 ? 'relu6' : 'relu';
});
export const softmaxOp = activationLayer(() => 'softmax');
