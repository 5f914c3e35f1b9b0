/**
 * Activation layers with parameters, each a function of one value: LeakyReLU and ELU (Keras
 * layers, with their alpha), and HardSigmoid (alpha, beta), HardSwish and Clip (min, max), which
 * Keras has no layer for and ONNX files bring (PyTorch's Hardsigmoid, Hardswish, clamp); those
 * three are named by their ONNX ops. Each runs as a pass of its own after the layer before it
 * (fusion.ts folds only Activation and ReLU into a product).
 */
import { size, view, type OpBuilder } from './op.ts';

type Config = Readonly<Record<string, unknown>>;

function parameter(config: Config, key: string, fallback: number, layer: string): number {
  const v = config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`slimprune/infer: layer ${layer} has ${key} ${String(v)}; a finite number is needed`);
  return v;
}

function pointwise(make: (config: Config, layer: string) => (v: number) => number): OpBuilder {
  return (layer, [inShape]) => {
    const f = make(layer.config, layer.name);
    return {
      outShape: inShape!,
      place(p) {
        const n = p.batch * size(inShape!);
        const x = p.inputs[0]!.ptr;
        return () => {
          const xs = view(p.k, x, n);
          const ys = view(p.k, p.output, n);
          for (let i = 0; i < n; i++) ys[i] = f(xs[i]!);
        };
      },
    };
  };
}

/** Keras's default alpha is 0.3 (ONNX's LeakyRelu, 0.01, is given explicitly by the ONNX reader). */
export const leakyReluOp = pointwise((config, layer) => {
  const alpha = parameter(config, 'alpha', 0.3, layer);
  return (v) => (v < 0 ? alpha * v : v);
});

export const eluLayerOp = pointwise((config, layer) => {
  const alpha = parameter(config, 'alpha', 1, layer);
  return (v) => (v < 0 ? alpha * Math.expm1(v) : v);
});

/** max(0, min(1, alpha·v + beta)); ONNX's defaults (0.2, 0.5); PyTorch writes alpha = 1/6. */
export const hardSigmoidOp = pointwise((config, layer) => {
  const alpha = parameter(config, 'alpha', 0.2, layer);
  const beta = parameter(config, 'beta', 0.5, layer);
  return (v) => Math.max(0, Math.min(1, alpha * v + beta));
});

/** v · max(0, min(1, v/6 + 1/2)), ONNX's HardSwish (opset 14) and PyTorch's Hardswish. */
export const hardSwishOp = pointwise(() => (v) => v * Math.max(0, Math.min(1, v / 6 + 0.5)));

/** The largest float32: an unbounded side of a Clip. */
const FLT_MAX = 3.4028234663852886e38;

export const clipOp = pointwise((config, layer) => {
  const lo = parameter(config, 'min', -FLT_MAX, layer);
  const hi = parameter(config, 'max', FLT_MAX, layer);
  if (!(lo <= hi)) throw new Error(`slimprune/infer: layer ${layer} clips to [${lo}, ${hi}]; min must not exceed max`);
  return (v) => Math.min(hi, Math.max(lo, v));
});
