/**
 * The bias fold of METHOD.md §8. A pruned channel whose BatchNorm γ is 0 but whose β is not
 * outputs the constant β, and after the layers between it and its consumers a constant k (e.g.
 * act(β), the sum of the constants an Add adds, k·Σw + b through a depthwise conv). Removing the
 * channel removes that constant from the consumer's input; folding adds it back as
 * k · Σ_taps W[·, c, o] to the consumer's output o:
 * - exact into a dense layer, a 1×1 conv, or any conv that pads nothing (valid padding), where
 *   every output sees every tap of the constant;
 * - only approximate behind a zero-padded k×k conv (exact in the interior, wrong at the borders:
 *   the padded taps saw 0, not k), and after a padded depthwise conv or a ZeroPadding2D on the
 *   way (the constant is no longer constant at the borders).
 * The fold goes into the consumer's bias; where it has none, into the moving mean of the
 * BatchNormalization that alone reads it (μ' = μ − Δ, exact); where neither exists, the compact
 * layer gets a bias.
 *
 * Reference for the exact fold: the original model with only the pruned channels' γ zeroed
 * (maskModel with zeroBeta: false) equals the compact model folded, wherever every fold is exact.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { GraphLayer, PruningGraph } from '../model/graph.ts';
import { forEachSlotIndex, type ChannelLayout } from '../model/layout.ts';
import { layerWeight, type ModelWeights } from '../model/weights.ts';

export type FoldMode = 'none' | 'exact' | 'approximate';

/** Where a consumer's fold went. */
export interface FoldRecord {
  /** The consumer (conv2d / dense) whose input channels were removed. */
  readonly layer: string;
  /** The groups whose pruned channels it read. */
  readonly groups: readonly number[];
  /** Pruned input channels (axis indices) with a nonzero constant. */
  readonly channels: number;
  /** Whether folding them is exact (see the file comment). */
  readonly exact: boolean;
  /** Whether they were folded ('exact' mode skips inexact folds). */
  readonly applied: boolean;
  /** 'bias', 'moving_mean' (of the BN reading the consumer) or 'new_bias' (a bias added to the compact layer); null when not applied. */
  readonly into: 'bias' | 'moving_mean' | 'new_bias' | null;
}

export interface FoldPlan {
  /** Per consumer layer: the value to add to each of its (original) output channels. */
  readonly delta: ReadonlyMap<string, Float64Array>;
  /** Per BN layer: the value to subtract from its moving mean (original channels). */
  readonly meanShift: ReadonlyMap<string, Float64Array>;
  /** Consumers that get a bias they did not have. */
  readonly newBias: ReadonlySet<string>;
  readonly records: readonly FoldRecord[];
}

/** Constants of a layer's output channels: NaN where a channel is not a known constant. */
interface Constants {
  readonly value: Float64Array;
  /** 1 where the constant holds at every spatial position, 0 where only in the interior. */
  readonly exact: Uint8Array;
}

function none(length: number): Constants {
  return { value: new Float64Array(length).fill(NaN), exact: new Uint8Array(length) };
}

/** Applies an elementwise tfjs layer to the known constants (NaN entries stay NaN). */
function elementwise(layer: tfl.layers.Layer, input: Constants): Constants {
  const n = input.value.length;
  const clean = Float32Array.from(input.value, (v) => (Number.isNaN(v) ? 0 : v));
  const out = tf.tidy(() => (layer.apply(tf.tensor2d(clean, [1, n])) as tf.Tensor).dataSync());
  const value = Float64Array.from(out, (v, i) => (Number.isNaN(input.value[i]!) ? NaN : v));
  return { value, exact: input.exact.slice() };
}

/**
 * Plans the fold for compaction: propagates the pruned channels' constants through the graph
 * (γ-zeroed model: pruned BN channels output β) and sums them into each consumer's outputs.
 */
export function planFold(
  model: tfl.LayersModel,
  graph: PruningGraph,
  weights: ModelWeights,
  kept: readonly Uint8Array[],
  mode: FoldMode,
): FoldPlan {
  const delta = new Map<string, Float64Array>();
  const meanShift = new Map<string, Float64Array>();
  const newBias = new Set<string>();
  const records: FoldRecord[] = [];
  if (mode === 'none') return { delta, meanShift, newBias, records };

  const readers = new Map<string, string[]>();
  for (const l of graph.layers) for (const i of l.inputs) readers.set(i, [...(readers.get(i) ?? []), l.name]);
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const constants = new Map<string, Constants>();
  const pruned = (layout: ChannelLayout): Uint8Array => {
    const flags = new Uint8Array(layout.length);
    for (const s of layout.segments) {
      if (s.group === null) continue;
      const k = kept[s.group]!;
      forEachSlotIndex(s, s.width, (i, c) => void (flags[i] = k[c] ? 0 : 1));
    }
    return flags;
  };

  for (const l of graph.layers) {
    const ins = l.inputs.map((n) => constants.get(n)!);
    let out: Constants;
    switch (l.role) {
      case 'conv2d':
      case 'dense':
        foldInto(l, ins[0]!);
        out = none(l.output.length);
        break;
      case 'batchnorm': {
        out = none(l.output.length);
        const beta = layerWeight(weights, l.name, 'beta');
        const p = pruned(l.output);
        for (let i = 0; i < p.length; i++) {
          if (!p[i]) continue;
          out.value[i] = beta ? beta.data[i]! : 0;
          out.exact[i] = 1;
        }
        break;
      }
      case 'depthwise': {
        const input = ins[0]!;
        const m = l.multiplier;
        const kernel = layerWeight(weights, l.name, 'depthwise_kernel')!;
        const bias = l.useBias ? layerWeight(weights, l.name, 'bias')! : undefined;
        const [kh, kw, C] = kernel.shape as [number, number, number, number];
        let pre: Constants = none(l.output.length);
        for (let t = 0; t < C; t++) {
          if (Number.isNaN(input.value[t]!)) continue;
          for (let j = 0; j < m; j++) {
            let taps = 0;
            for (let y = 0; y < kh * kw; y++) taps += kernel.data[(y * C + t) * m + j]!;
            pre.value[t * m + j] = input.value[t]! * taps + (bias ? bias.data[t * m + j]! : 0);
            pre.exact[t * m + j] = input.exact[t]! && !l.pads ? 1 : 0;
          }
        }
        if (l.activation !== 'linear') pre = elementwise(tfl.layers.activation({ activation: l.activation as never }), pre);
        out = pre;
        break;
      }
      case 'passthrough': {
        const input = ins[0]!;
        if (l.elementwise) out = elementwise(model.getLayer(l.name), input);
        else out = { value: input.value.slice(), exact: l.pads ? new Uint8Array(input.exact.length) : input.exact.slice() };
        break;
      }
      case 'flatten': {
        const input = ins[0]!;
        const C = input.value.length;
        out = none(l.output.length);
        for (let i = 0; i < out.value.length; i++) {
          out.value[i] = input.value[i % C]!;
          out.exact[i] = input.exact[i % C]!;
        }
        break;
      }
      case 'concat': {
        out = none(l.output.length);
        let at = 0;
        for (const c of ins) {
          out.value.set(c.value, at);
          out.exact.set(c.exact, at);
          at += c.value.length;
        }
        break;
      }
      case 'merge': {
        out = none(l.output.length);
        for (let i = 0; i < out.value.length; i++) {
          const vs = ins.map((c) => c.value[i]!);
          if (vs.some(Number.isNaN)) continue;
          out.value[i] = combine(l.className, vs);
          out.exact[i] = ins.every((c) => c.exact[i]) ? 1 : 0;
        }
        break;
      }
      default:
        out = none(l.output.length);
    }
    constants.set(l.name, out);
  }
  return { delta, meanShift, newBias, records };

  function foldInto(l: GraphLayer, input: Constants): void {
    const layout = l.inputLayouts[0]!;
    const p = pruned(layout);
    const groups = new Set<number>();
    for (const s of layout.segments) if (s.group !== null) groups.add(s.group);
    let channels = 0;
    let exact = true;
    for (let i = 0; i < p.length; i++) {
      if (!p[i]) continue;
      const v = input.value[i]!;
      if (Number.isNaN(v)) throw new Error(`fold: internal: pruned input channel ${i} of '${l.name}' has no constant`);
      if (v === 0) continue;
      channels++;
      if (!input.exact[i] || l.pads) exact = false;
    }
    if (channels === 0) return;
    const applied = exact || mode === 'approximate';
    let into: FoldRecord['into'] = null;
    if (applied) {
      const kernel = layerWeight(weights, l.name, 'kernel')!;
      const outs = kernel.shape[kernel.shape.length - 1]!;
      const rows = kernel.shape[kernel.shape.length - 2]!;
      const taps = kernel.data.length / (rows * outs);
      const d = new Float64Array(outs);
      for (let i = 0; i < rows; i++) {
        if (!p[i] || input.value[i] === 0) continue;
        const k = input.value[i]!;
        for (let t = 0; t < taps; t++) {
          const base = (t * rows + i) * outs;
          for (let o = 0; o < outs; o++) d[o] = d[o]! + k * kernel.data[base + o]!;
        }
      }
      const next = readers.get(l.name) ?? [];
      const bn = next.length === 1 ? byName.get(next[0]!) : undefined;
      if (l.useBias) {
        into = 'bias';
        delta.set(l.name, d);
      } else if (bn?.role === 'batchnorm') {
        into = 'moving_mean';
        meanShift.set(bn.name, d);
      } else {
        into = 'new_bias';
        delta.set(l.name, d);
        newBias.add(l.name);
      }
    }
    records.push({ layer: l.name, groups: [...groups].sort((a, b) => a - b), channels, exact, applied, into });
  }
}

function combine(className: string, vs: number[]): number {
  switch (className) {
    case 'Add': return vs.reduce((a, b) => a + b, 0);
    case 'Average': return vs.reduce((a, b) => a + b, 0) / vs.length;
    case 'Maximum': return Math.max(...vs);
    case 'Minimum': return Math.min(...vs);
    case 'Multiply': return vs.reduce((a, b) => a * b, 1);
    default: throw new Error(`fold: internal: no rule to combine constants in a ${className}`);
  }
}
