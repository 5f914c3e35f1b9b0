/**
 * Channel importance: one score per channel of every prunable group, the larger the more worth
 * keeping. Every method ranks and thresholds channels by an importance; it is the swappable part
 * that Torch-Pruning calls an importance (group → per-channel scores).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { forEachSlotIndex } from '../model/layout.ts';
import type { PruningGraph } from '../model/graph.ts';
import { layerWeight, readWeights } from '../model/weights.ts';

export interface Importance {
  /** A short name for reports (e.g. 'bn-scale'). */
  readonly name: string;
  /** One Float32Array of graph.groups[l].width finite scores per group, in the graph's order. */
  scores(model: tfl.LayersModel, graph: PruningGraph): Float32Array[];
}

/**
 * The importance of each group's channels: the mean |γ| over every BatchNormalization entry of
 * the channel (METHOD.md §1). With one BN per group (a plain chain) this is that BN's |γ|; a
 * residual group's channel has one γ per coupled BN, and (our reading, as Torch-Pruning's default
 * group reduction) their mean ranks the channel.
 */
export function groupImportance(model: tfl.LayersModel, graph: PruningGraph): Float32Array[] {
  const weights = readWeights(model, 'groupImportance');
  return graph.groups.map((g) => {
    if (g.batchNorms.length === 0) {
      throw new Error(
        `groupImportance: the group of ${g.producers.map((p) => `'${p}'`).join(', ')} has no BatchNormalization, so no γ ranks its channels; ` +
          'rank it by its weights instead (l1NormImportance)',
      );
    }
    const sum = new Float64Array(g.width);
    const count = new Float64Array(g.width);
    for (const slot of g.batchNorms) {
      const gamma = layerWeight(weights, slot.layer, 'gamma');
      if (!gamma) throw new Error(`groupImportance: BatchNormalization '${slot.layer}' has no γ weight`);
      forEachSlotIndex(slot, g.width, (i, c) => {
        sum[c] = sum[c]! + Math.abs(gamma.data[i]!);
        count[c] = count[c]! + 1;
      });
    }
    return Float32Array.from(sum, (s, c) => s / count[c]!);
  });
}


/** The BatchNorm-scale importance of METHOD.md §1 (groupImportance): what every method uses. */
export const bnScaleImportance: Importance = { name: 'bn-scale', scores: groupImportance };

/**
 * The L1 norm of each channel's filter (Li et al. 2017, "Pruning Filters for Efficient
 * ConvNets"): the sum of |w| over a conv2d kernel's height, width and input axes, or a dense
 * kernel's input axis, averaged over the group's producers. For models without BatchNorm
 * (build the graph with needsBatchNorm: false); filters of a layer with larger inputs have larger
 * norms, so across groups rank with normalisation ('mean' in select/target.ts).
 */
export function l1FilterNorms(model: tfl.LayersModel, graph: PruningGraph): Float32Array[] {
  const weights = readWeights(model, 'l1FilterNorms');
  return graph.groups.map((g) => {
    const sum = new Float64Array(g.width);
    for (const producer of g.producers) {
      const kernel = layerWeight(weights, producer, 'kernel');
      if (!kernel) throw new Error(`l1FilterNorms: '${producer}' has no kernel weight`);
      const out = kernel.shape.at(-1)!;
      const layer = graph.layers.find((l) => l.name === producer)!;
      const norms = new Float64Array(out);
      for (let i = 0; i < kernel.data.length; i++) norms[i % out] = norms[i % out]! + Math.abs(kernel.data[i]!);
      forEachSlotIndex(layer.output.segments.find((s) => s.group === g.index)!, g.width, (i, c) => {
        sum[c] = sum[c]! + norms[i]!;
      });
    }
    return Float32Array.from(sum, (s) => s / g.producers.length);
  });
}

/** The filter-norm importance (l1FilterNorms): for models without BatchNorm. */
export const l1NormImportance: Importance = { name: 'l1-norm', scores: l1FilterNorms };
