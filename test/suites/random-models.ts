/**
 * Seeded random tfjs models for the graph and compaction suites: small conv nets of the shapes
 * the graph must handle (chains with Flatten→Dense, residual Adds with and without projections,
 * Concatenates, depthwise convs with multipliers), random weights including BatchNorm moving
 * statistics, and random masks. Not a suite itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { bitsFromFlags, type PruningGraph } from 'slimprune/internal';

export type RandomKind = 'sequential' | 'residual' | 'concat' | 'depthwise';
export const RANDOM_KINDS: readonly RandomKind[] = ['sequential', 'residual', 'concat', 'depthwise'];

type Rng = () => number;
type T = tfl.SymbolicTensor;

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <V>(rng: Rng, xs: readonly V[]): V => xs[Math.floor(rng() * xs.length)]!;

function conv(x: T, rng: Rng, filters: number, options: { kernel?: number; padding?: 'same' | 'valid'; strides?: number; useBias?: boolean } = {}): T {
  return tfl.layers.conv2d({
    filters,
    kernelSize: options.kernel ?? pick(rng, [1, 3]),
    padding: options.padding ?? pick(rng, ['same', 'valid'] as const),
    strides: options.strides ?? 1,
    useBias: options.useBias ?? rng() < 0.5,
  }).apply(x) as T;
}

const bn = (x: T): T => tfl.layers.batchNormalization().apply(x) as T;
const act = (x: T, rng: Rng): T => (rng() < 0.7
  ? tfl.layers.reLU().apply(x)
  : tfl.layers.activation({ activation: pick(rng, ['elu', 'tanh', 'relu6', 'linear'] as const) }).apply(x)) as T;
const cbr = (x: T, rng: Rng, filters: number, options: Parameters<typeof conv>[3] = {}): T => act(bn(conv(x, rng, filters, options)), rng);
const head = (x: T, rng: Rng): T => tfl.layers.dense({ units: 3, useBias: rng() < 0.5 }).apply(x) as T;

/** A random model of `kind` on 8×8×3 (or 9×9×3) inputs. */
export function randomModel(kind: RandomKind, rng: Rng): tfl.LayersModel {
  const size = pick(rng, [8, 9]);
  const input = tfl.input({ shape: [size, size, 3] });
  let x: T;
  switch (kind) {
    case 'sequential': {
      x = cbr(input, rng, int(rng, 2, 7));
      if (rng() < 0.6) x = tfl.layers.maxPooling2d({ poolSize: 2, padding: pick(rng, ['same', 'valid'] as const) }).apply(x) as T;
      x = cbr(x, rng, int(rng, 2, 7), { strides: pick(rng, [1, 2]) });
      x = tfl.layers.flatten().apply(x) as T;
      x = tfl.layers.dense({ units: int(rng, 3, 9), useBias: rng() < 0.5 }).apply(x) as T;
      x = act(bn(x), rng);
      x = tfl.layers.dropout({ rate: 0.3 }).apply(x) as T;
      x = head(x, rng);
      break;
    }
    case 'residual': {
      const w1 = int(rng, 2, 6);
      x = cbr(input, rng, w1, { padding: 'same' });
      for (let b = 0; b < 2; b++) {
        const w = b === 1 && rng() < 0.6 ? int(rng, 2, 6) : w1;
        const stride = w !== w1 ? pick(rng, [1, 2]) : 1;
        let y = cbr(x, rng, int(rng, 2, 6), { padding: 'same', strides: stride });
        y = bn(conv(y, rng, w, { padding: 'same' }));
        const shortcut = w === w1 ? x : bn(conv(x, rng, w, { kernel: 1, strides: stride, padding: 'same' }));
        x = act(tfl.layers.add().apply([y, shortcut]) as T, rng);
      }
      x = tfl.layers.globalAveragePooling2d({}).apply(x) as T;
      x = head(x, rng);
      break;
    }
    case 'concat': {
      const stem = cbr(input, rng, int(rng, 2, 5), { padding: 'same' });
      const a = cbr(stem, rng, int(rng, 2, 5), { padding: 'same' });
      const b = cbr(stem, rng, int(rng, 2, 5), { padding: 'same' });
      x = tfl.layers.concatenate().apply([a, stem, b]) as T;
      x = cbr(x, rng, int(rng, 2, 6), { padding: 'same' });
      // A second concatenation that repeats a group, flattened into a dense layer: its rows
      // interleave the parts at every position.
      x = tfl.layers.concatenate().apply([x, a]) as T;
      x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as T;
      x = tfl.layers.flatten().apply(x) as T;
      x = head(x, rng);
      break;
    }
    case 'depthwise': {
      x = cbr(input, rng, int(rng, 2, 5), { padding: 'same' });
      x = tfl.layers.depthwiseConv2d({
        kernelSize: 3, depthMultiplier: pick(rng, [1, 2]), padding: pick(rng, ['same', 'valid'] as const), useBias: rng() < 0.5,
      }).apply(x) as T;
      x = act(bn(x), rng);
      x = cbr(x, rng, int(rng, 2, 5), { kernel: 1 });
      // A depthwise conv with no BatchNorm after it: its bias must be masked with its channels.
      x = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: true }).apply(x) as T;
      x = tfl.layers.reLU().apply(x) as T;
      x = tfl.layers.globalAveragePooling2d({}).apply(x) as T;
      x = head(x, rng);
      break;
    }
  }
  return tfl.model({ inputs: input, outputs: x });
}

/**
 * Random weights, in place: kernels uniform with variance 1/fan-in (outputs stay O(1) through the
 * net), biases and β in ±0.5, γ in ±[0.5, 1.5], moving means in ±0.5, moving variances in [0.5, 1.5].
 */
export function randomizeWeights(model: tfl.LayersModel, rng: Rng): void {
  const values = model.weights.map((v) => {
    const w = { originalName: v.originalName, shape: v.shape as number[] };
    const n = w.shape.reduce((a, b) => a * b, 1);
    const role = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
    const data = new Float32Array(n);
    const fanIn = w.shape.length > 1 ? n / w.shape[w.shape.length - 1]! : 1;
    const depthwise = role === 'depthwise_kernel' ? w.shape[0]! * w.shape[1]! : 0;
    for (let i = 0; i < n; i++) {
      const u = rng() * 2 - 1;
      switch (role) {
        case 'kernel': data[i] = u * Math.sqrt(3 / fanIn); break;
        case 'depthwise_kernel': data[i] = u * Math.sqrt(3 / depthwise); break;
        case 'gamma': data[i] = Math.sign(u || 1) * (0.5 + Math.abs(u)); break;
        case 'moving_variance': data[i] = 0.5 + rng(); break;
        default: data[i] = 0.5 * u;
      }
    }
    return tf.tensor(data, w.shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** Random masks: each channel kept with probability `keep`, at least one per group. */
export function randomMasks(graph: PruningGraph, rng: Rng, keep = 0.5): Uint32Array[] {
  return graph.groups.map((g) => {
    const flags = new Uint8Array(g.width).map(() => (rng() < keep ? 1 : 0));
    if (!flags.includes(1)) flags[Math.floor(rng() * g.width)] = 1;
    return bitsFromFlags(flags);
  });
}

/** The model's output on x, as a Float32Array. */
/** A seeded standard-normal batch of the model's input shape. */
export function input(model: tfl.LayersModel, batch: number, seed: number): tf.Tensor {
  return tf.randomNormal([batch, ...(model.inputs[0]!.shape.slice(1) as number[])], 0, 1, 'float32', seed);
}

export function predict(model: tfl.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array).slice();
}

/** Every weight of a model as plain arrays (to check a model was not modified). */
export function weightSnapshot(model: tfl.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => (w.dataSync() as Float32Array).slice());
}
