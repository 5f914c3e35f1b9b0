/**
 * Compaction (METHOD.md §8): a new, smaller LayersModel with the pruned channels physically
 * removed: each producer's output filters (conv2d kernel axis 3 / dense columns, and bias), every
 * BatchNormalization's γ, β, moving mean and variance on them, each consumer's input channels
 * (conv2d kernel axis 2, dense rows, Flatten→Dense rows (y·W + x)·C + c), depthwise channels
 * (kernel axis 2, and output channels t·m + j of the bias), residual and concat groups alike:
 * every layer sees its groups through its channel layout (src/model/layout.ts), and its kept axis
 * indices are gathered by the WASM gather kernel. The input model is never modified.
 *
 * Invariant: without folding, the compact model's outputs equal the masked model's
 * (src/prune/mask-model.ts) on any input. With `fold`, the constants that pruned channels with
 * β ≠ 0 still feed their consumers are folded in (src/prune/fold.ts).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { initKernels } from '../wasm/loader.ts';
import { gatherChannels } from '../kernels/wasm/channel-mask.ts';
import { buildGraph, type PruningGraph } from '../model/graph.ts';
import { keptAxisIndices } from '../model/layout.ts';
import { readTopology, type ModelJson } from '../model/topology.ts';
import { checkGraphMatches, layerWeight, modelFromParts, readWeights, type WeightValue } from '../model/weights.ts';
import { planFold, type FoldMode, type FoldRecord } from './fold.ts';
import { checkMasks, type GroupMasks } from './masks.ts';
import { historyFromMasks, masksFromHistory, type PruningHistory, type PruningStep } from './history.ts';

export interface CompactOptions {
  /** The model's graph, if already built (default: built from the model). */
  readonly graph?: PruningGraph;
  /**
   * Fold the constants of pruned channels with β ≠ 0 into their consumers (METHOD.md §8):
   * 'none' (default: compact ≡ masked model), 'exact' (only where the fold is exact), or
   * 'approximate' (also behind zero-padded convs, where it is wrong at the borders).
   */
  readonly fold?: FoldMode;
}

export interface CompactResult {
  /** The compact model (uncompiled; layer names unchanged). */
  readonly model: tfl.LayersModel;
  /** Kept channels per group (the compact model's group widths, in the same order). */
  readonly widths: readonly number[];
  /** This compaction as a pruning history (one step per pruned group). */
  readonly history: readonly PruningStep[];
  /** What was folded where (empty with fold 'none'). */
  readonly folds: readonly FoldRecord[];
}

const FOLD_MODES = new Set(['none', 'exact', 'approximate']);

function gather(w: WeightValue, axis: number, keep: Int32Array | null): WeightValue {
  if (keep === null) return w;
  const data = gatherChannels(w.data, w.shape, axis, keep);
  const shape = w.shape.slice();
  shape[axis < 0 ? axis + shape.length : axis] = keep.length;
  return { name: w.name, shape, data };
}

function layerJson(json: ModelJson, name: string): Record<string, unknown> {
  for (const raw of json.config.layers) {
    const config = raw['config'] as Record<string, unknown> | undefined;
    if (raw['name'] === name || config?.['name'] === name) return config!;
  }
  throw new Error(`compactModel: internal: no layer '${name}' in the model's topology`);
}

/** The compact model that keeps, in each group, the channels its mask keeps. */
export async function compactModel(model: tfl.LayersModel, masks: GroupMasks, options: CompactOptions = {}): Promise<CompactResult> {
  const op = 'compactModel';
  const fold = options.fold ?? 'none';
  if (!FOLD_MODES.has(fold)) throw new RangeError(`${op}: fold must be 'none', 'exact' or 'approximate', got ${String(fold)}`);
  await initKernels();
  const graph = options.graph ?? buildGraph(model);
  const kept = checkMasks(op, graph, masks, 1);
  const weights = readWeights(model, op);
  checkGraphMatches(op, graph, weights);
  const plan = planFold(model, graph, weights, kept, fold);
  const json = JSON.parse(JSON.stringify(readTopology(model).json)) as ModelJson;
  const out = new Map<string, WeightValue>();
  const set = (w: WeightValue) => out.set(w.name, w);

  for (const l of graph.layers) {
    switch (l.role) {
      case 'conv2d':
      case 'dense': {
        const inKeep = keptAxisIndices(l.inputLayouts[0]!, kept);
        const outKeep = keptAxisIndices(l.output, kept);
        const kernel = layerWeight(weights, l.name, 'kernel')!;
        set(gather(gather(kernel, -2, inKeep), -1, outKeep));
        const delta = plan.delta.get(l.name);
        const width = l.output.length;
        let bias = layerWeight(weights, l.name, 'bias');
        if (plan.newBias.has(l.name)) bias = { name: `${l.name}/bias`, shape: [width], data: new Float32Array(width) };
        if (bias && delta) bias = { ...bias, data: Float32Array.from(bias.data, (b, o) => b + delta[o]!) };
        if (bias) set(gather(bias, 0, outKeep));
        const config = layerJson(json, l.name);
        config[l.role === 'conv2d' ? 'filters' : 'units'] = outKeep?.length ?? width;
        if (plan.newBias.has(l.name)) config['use_bias'] = true;
        break;
      }
      case 'depthwise': {
        const kernel = layerWeight(weights, l.name, 'depthwise_kernel')!;
        set(gather(kernel, 2, keptAxisIndices(l.inputLayouts[0]!, kept)));
        const bias = layerWeight(weights, l.name, 'bias');
        if (bias) set(gather(bias, 0, keptAxisIndices(l.output, kept)));
        break;
      }
      case 'batchnorm': {
        const keep = keptAxisIndices(l.output, kept);
        const shift = plan.meanShift.get(l.name);
        for (const w of weights.byLayer.get(l.name)!.values()) {
          const v = shift && w.name.endsWith('/moving_mean') ? { ...w, data: Float32Array.from(w.data, (m, i) => m - shift[i]!) } : w;
          set(gather(v, 0, keep));
        }
        break;
      }
      default:
        break;
    }
  }
  const list = weights.list.map((w) => out.get(w.name) ?? w);
  for (const w of out.values()) if (!weights.list.some((x) => x.name === w.name)) list.push(w);
  const compact = await modelFromParts(json, list);
  return {
    model: compact,
    widths: kept.map((f) => f.reduce((a, b) => a + b, 0)),
    history: historyFromMasks(graph, masks),
    folds: plan.records,
  };
}

/** Replays a pruning history (src/prune/history.ts) on the model it starts from. */
export async function replayHistory(model: tfl.LayersModel, history: PruningHistory, options: CompactOptions = {}): Promise<CompactResult> {
  const graph = options.graph ?? buildGraph(model);
  return compactModel(model, masksFromHistory(graph, history), { ...options, graph });
}
