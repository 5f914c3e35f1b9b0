/**
 * The masked model of METHOD.md §8: a copy of the model in which every pruned channel's
 * BatchNorm γ and β are 0 (in every BN of its group), so the channel is exactly 0 from its BNs
 * on: what compaction must reproduce. The input model is never modified.
 *
 * Also zeroed: a depthwise conv's bias on pruned channels (a depthwise conv carries its group's
 * channels, and its bias would otherwise make a zero channel nonzero). With zeroBeta: false only
 * γ is zeroed: the reference of the exact bias fold (src/prune/fold.ts).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { initKernels } from '../wasm/loader.ts';
import { maskChannels } from '../kernels/wasm/channel-mask.ts';
import { buildGraph, type PruningGraph } from '../model/graph.ts';
import { forEachSlotIndex, type ChannelLayout } from '../model/layout.ts';
import { readTopology } from '../model/topology.ts';
import { checkGraphMatches, layerWeight, modelFromParts, readWeights, type WeightValue } from '../model/weights.ts';
import { bitsFromFlags } from '../kernels/channels.ts';
import { checkMasks, type GroupMasks } from './masks.ts';

export interface MaskOptions {
  /** The model's graph, if already built (default: built from the model). */
  readonly graph?: PruningGraph;
  /** Zero β too (default true: the masked model); false zeroes only γ. */
  readonly zeroBeta?: boolean;
}

/** The kept-channel bitset of a layer's channel axis (fixed channels kept). */
export function axisKeepBits(layout: ChannelLayout, kept: readonly Uint8Array[]): Uint32Array {
  const flags = new Uint8Array(layout.length).fill(1);
  for (const s of layout.segments) {
    if (s.group === null) continue;
    const k = kept[s.group]!;
    forEachSlotIndex(s, s.width, (i, c) => void (flags[i] = k[c]!));
  }
  return bitsFromFlags(flags);
}

/**
 * A weight that carries a channel past its BatchNorm, with the bits of the channels it keeps (on
 * the weight's last axis).
 */
export interface ChannelWeight {
  readonly layer: string;
  /** 'gamma', 'beta', (a depthwise conv's) 'bias', or a producer without BatchNorm's 'kernel' and 'bias'. */
  readonly role: string;
  readonly keep: Uint32Array;
}

/** Whether a BatchNormalization alone reads `layer`'s output. */
function followedByBatchNorm(graph: PruningGraph, layer: string): boolean {
  const readers = graph.layers.filter((l) => l.inputs.includes(layer));
  return readers.length === 1 && readers[0]!.role === 'batchnorm';
}

/**
 * The weights that make a pruned channel exactly 0 when zeroed: every BN's γ and β on it, and a
 * depthwise conv's bias on it. With zeroBeta false, only γ (the exact fold's reference).
 */
export function channelWeights(graph: PruningGraph, kept: readonly Uint8Array[], zeroBeta = true): ChannelWeight[] {
  const out: ChannelWeight[] = [];
  for (const l of graph.layers) {
    if (l.role === 'batchnorm') {
      const keep = axisKeepBits(l.output, kept);
      out.push({ layer: l.name, role: 'gamma', keep });
      if (zeroBeta) out.push({ layer: l.name, role: 'beta', keep });
    } else if (l.role === 'depthwise' && l.useBias && zeroBeta) {
      out.push({ layer: l.name, role: 'bias', keep: axisKeepBits(l.output, kept) });
    } else if ((l.role === 'conv2d' || l.role === 'dense') && l.output.segments.some((s) => s.group !== null) && !followedByBatchNorm(graph, l.name)) {
      // A graph built with needsBatchNorm false: no γ to zero, so the filter itself is.
      const keep = axisKeepBits(l.output, kept);
      out.push({ layer: l.name, role: 'kernel', keep });
      if (l.useBias) out.push({ layer: l.name, role: 'bias', keep });
    }
  }
  return out;
}

/** A copy of `model` with the pruned channels' BN γ and β (and depthwise biases) set to 0. */
export async function maskModel(model: tfl.LayersModel, masks: GroupMasks, options: MaskOptions = {}): Promise<tfl.LayersModel> {
  const op = 'maskModel';
  await initKernels();
  const graph = options.graph ?? buildGraph(model);
  const zeroBeta = options.zeroBeta ?? true;
  const kept = checkMasks(op, graph, masks, 0);
  const weights = readWeights(model, op);
  checkGraphMatches(op, graph, weights);
  const replaced = new Map<string, WeightValue>();
  for (const c of channelWeights(graph, kept, zeroBeta)) {
    const w = layerWeight(weights, c.layer, c.role);
    if (w) replaced.set(w.name, { ...w, data: maskChannels(w.data, w.shape, w.shape.length - 1, c.keep) });
  }
  const list = weights.list.map((w) => replaced.get(w.name) ?? w);
  return modelFromParts(readTopology(model).json, list);
}
