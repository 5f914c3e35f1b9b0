/**
 * The dependency graph of a tfjs LayersModel (Sequential or functional): which channels are
 * pruned together with one mask (a *group*, Torch-Pruning's term), where each group's channels
 * sit in every layer that produces, normalises, carries or consumes them, and which channels
 * cannot be pruned and why. Plain data: no tfjs objects, so it can cross a worker boundary.
 *
 * How it is found: every conv2d / dense layer produces a new channel set (as does the model
 * input, and every layer whose channels we do not trace); the channel layout of each tensor
 * (src/model/layout.ts) says which set each channel index belongs to; a residual Add (and
 * Average, Maximum, Minimum, Multiply) makes its inputs' sets one (union–find). A set is a
 * prunable group (METHOD.md §1) when every conv2d / dense producing it is followed by a
 * BatchNormalization alone (whose |γ| is the channel's importance), it never reaches a model
 * output (that would change the model's output shape), and it does not carry the model input;
 * otherwise it is a fixed channel set, listed with its reasons.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { readTopology, type LayerConfig, type Topology, type TopologyLayer } from './topology.ts';
import type { ChannelLayout, ChannelSegment, ChannelSlot } from './layout.ts';

export type LayerRole =
  | 'input' | 'conv2d' | 'dense' | 'depthwise' | 'batchnorm' | 'passthrough' | 'flatten' | 'merge' | 'concat' | 'opaque';

/**
 * The weights of a layer as a function of its kept input length `in` (of its input layout) and,
 * for conv2d / dense, its kept output width `out`:
 * MACs = macs · in · out (depthwise: macs · in), params = pairParams · in · out + inParams · in + outParams · out.
 */
export interface LayerCost {
  readonly macs: number;
  readonly pairParams: number;
  readonly inParams: number;
  readonly outParams: number;
  /** Whether `out` (the layer's own output width) is a factor: conv2d and dense. */
  readonly hasOut: boolean;
}

export interface GraphLayer {
  readonly name: string;
  readonly className: string;
  readonly role: LayerRole;
  readonly inputs: readonly string[];
  /** The channel layout of each input, in order. */
  readonly inputLayouts: readonly ChannelLayout[];
  readonly output: ChannelLayout;
  /** Output shape of one example (no batch dimension). */
  readonly shape: readonly number[];
  /** Weights and multiply-adds (conv2d, dense, depthwise, batchnorm), else null. */
  readonly cost: LayerCost | null;
  /**
   * conv2d / depthwise: the layer pads its input with zeros (padding 'same' with a nonzero pad),
   * so a constant input channel does not give a constant output at the borders (METHOD.md §8).
   * ZeroPadding2D: always true. Otherwise false.
   */
  readonly pads: boolean;
  /** conv2d / dense / depthwise: whether the layer has a bias. */
  readonly useBias: boolean;
  /** depthwise: the channel multiplier; otherwise 1. */
  readonly multiplier: number;
  /** conv2d / dense / depthwise: the fused activation ('linear' when none); otherwise 'linear'. */
  readonly activation: string;
  /**
   * passthrough layers that apply one function to each element (activations): a constant channel
   * maps to f(constant), which folding (src/prune/fold.ts) computes with the layer itself. Other
   * passthrough layers keep a constant channel at the same constant.
   */
  readonly elementwise: boolean;
  /** opaque layers: why slimprune does not trace channels through it. */
  readonly reason?: string;
}

/** A layer's place in a group: the group's channels on that layer's channel axis. */
export interface LayerSlot extends ChannelSlot {
  readonly layer: string;
}

export interface PruneGroup {
  /** Index in graph.groups (the order of the annealing problem's groups). */
  readonly index: number;
  /** Channels of the group, C_l. */
  readonly width: number;
  /** The METHOD.md §1 guard: max(1, ceil(0.05 · width)). */
  readonly minChannels: number;
  /** conv2d / dense layers whose output channels are the group (every one of them). */
  readonly producers: readonly string[];
  /** BatchNormalization layers over the group's channels (on their input = output axis): |γ| is the importance. */
  readonly batchNorms: readonly LayerSlot[];
  /** Depthwise convs that carry the group (slot on their input axis; output channel t·m + j comes from input t). */
  readonly depthwise: readonly LayerSlot[];
  /** conv2d / dense layers whose input channels (kernel axis 2 / rows) shrink with the group. */
  readonly consumers: readonly LayerSlot[];
}

export interface FixedChannels {
  readonly index: number;
  readonly width: number;
  /** The layers (or model input) that produce these channels. */
  readonly producers: readonly string[];
  /** Why the channels cannot be pruned. */
  readonly reasons: readonly string[];
}

export interface PruningGraph {
  readonly modelName: string;
  readonly layers: readonly GraphLayer[];
  readonly groups: readonly PruneGroup[];
  readonly fixed: readonly FixedChannels[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface GraphOptions {
  /**
   * What to do when a layer whose channels slimprune does not trace (e.g. Reshape, Conv1D, a
   * sigmoid) reads channels of an otherwise prunable group: 'refuse' (default) throws, naming
   * the layer; 'keep' keeps that group unpruned (fixed) instead.
   */
  readonly unsupported?: 'refuse' | 'keep';
  /**
   * Whether a model without any BatchNormalization is refused (default true): pruning ranks
   * channels by BatchNorm's γ, so such a model has nothing to prune. Measuring a model (its
   * FLOPs and parameters) needs none, e.g. of a deployed model whose BatchNorm is folded.
   */
  readonly requireBatchNorm?: boolean;
  /**
   * Whether a conv2d / dense layer's channels are prunable only when a BatchNormalization
   * follows it (default true: the BN γ is the importance). false: for importances read from the
   * weights (l1NormImportance), any producer's channels are prunable, BatchNorm or not; a pruned
   * channel without BN is masked by zeroing its filter and bias, so the layer's own activation
   * must map 0 to 0. Implies requireBatchNorm false.
   */
  readonly needsBatchNorm?: boolean;
}

/** METHOD.md §1: a layer never drops below max(1, ceil(0.05 · width)) kept channels. */
export function defaultMinChannels(width: number): number {
  return Math.max(1, Math.ceil(0.05 * width));
}

// ---------------------------------------------------------------------------------------------

function fail(message: string): never {
  throw new Error(`slimprune model graph: ${message}`);
}

/** Activations (by Keras or tfjs identifier) with f(0) = 0: a masked (zero) channel stays zero. */
const ZERO_PRESERVING_ACTIVATIONS = new Set([
  'linear', 'relu', 'relu6', 'elu', 'selu', 'tanh', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new', 'geluNew',
]);
const PASS_THROUGH = new Set([
  'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU',
  'MaxPooling1D', 'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
  'ZeroPadding2D', 'Cropping2D', 'UpSampling2D',
]);
const MERGES = new Set(['Add', 'Average', 'Maximum', 'Minimum', 'Multiply']);
const ELEMENTWISE = new Set(['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU']);

/**
 * How channels go through a layer class the graph does not know, such as a custom layer, as its
 * author declares it (registerLayerChannels). Only for layers without per-channel weights: the
 * graph then prunes the channels on either side of it, and compaction leaves the layer as it is.
 * - 'same-channels': output channel c depends on input channel c alone, and a constant channel
 *   stays the same constant (like dropout, pooling or padding-free resizing);
 * - 'elementwise': one function applied to every element, with f(0) = 0 (like an activation);
 * - 'opaque': the graph does not trace channels through it (the channels it reads are refused, or
 *   kept with `unsupported: 'keep'`), with the reason given.
 */
export type LayerChannels = 'same-channels' | 'elementwise' | { readonly opaque: string };

const declaredLayers = new Map<string, LayerChannels>();
const BUILT_IN_CLASSES = new Set([
  'InputLayer', 'Conv2D', 'Dense', 'DepthwiseConv2D', 'BatchNormalization', 'Activation', 'Flatten', 'Concatenate',
  ...PASS_THROUGH, ...MERGES,
]);

/**
 * Declares how channels go through the layer class `className` (its Keras/tfjs class name, as in
 * model.json), for every graph built after. Built-in classes cannot be redeclared.
 */
export function registerLayerChannels(className: string, channels: LayerChannels): void {
  if (typeof className !== 'string' || className === '') throw new TypeError('registerLayerChannels: className must be a layer class name');
  if (BUILT_IN_CLASSES.has(className)) throw new Error(`registerLayerChannels: '${className}' is a built-in layer whose channels slimprune already traces`);
  const ok = channels === 'same-channels' || channels === 'elementwise' ||
    (typeof channels === 'object' && channels !== null && typeof channels.opaque === 'string' && channels.opaque !== '');
  if (!ok) throw new TypeError(`registerLayerChannels: channels must be 'same-channels', 'elementwise' or { opaque: reason }, got ${JSON.stringify(channels)}`);
  declaredLayers.set(className, channels);
}

/** Forgets a declaration of registerLayerChannels. */
export function unregisterLayerChannels(className: string): void {
  declaredLayers.delete(className);
}

/** The activation identifier of a config ('linear' when absent). */
export function activationName(config: LayerConfig): string {
  const a = config['activation'];
  if (a === undefined || a === null) return 'linear';
  if (typeof a === 'string') return a;
  const cls = (a as { class_name?: unknown }).class_name;
  return typeof cls === 'string' ? cls.toLowerCase() : String(a);
}

function pair(v: unknown, what: string, layer: string): [number, number] {
  const arr = typeof v === 'number' ? [v, v] : Array.isArray(v) ? v : [];
  if (arr.length === 1) arr.push(arr[0]);
  if (arr.length !== 2 || !arr.every((x) => Number.isInteger(x) && x > 0)) {
    fail(`layer '${layer}' has ${what} ${JSON.stringify(v)}; expected one or two positive integers`);
  }
  return [arr[0] as number, arr[1] as number];
}

function channelsLast(config: LayerConfig): boolean {
  const f = config['data_format'];
  return f === undefined || f === null || f === 'channels_last' || f === 'channelsLast';
}

/** Whether a 2-D conv with this geometry pads its input (padding 'same' with a nonzero pad). */
function convPads(config: LayerConfig, name: string, inShape: readonly number[], outShape: readonly number[]): boolean {
  const padding = config['padding'] ?? 'valid';
  if (padding === 'valid') return false;
  if (padding !== 'same') fail(`layer '${name}' has padding '${String(padding)}'; expected 'valid' or 'same'`);
  const [kh, kw] = pair(config['kernel_size'], 'kernel_size', name);
  const [sh, sw] = pair(config['strides'] ?? 1, 'strides', name);
  const [dh, dw] = pair(config['dilation_rate'] ?? 1, 'dilation_rate', name);
  const padH = Math.max((outShape[0]! - 1) * sh + (kh - 1) * dh + 1 - inShape[0]!, 0);
  const padW = Math.max((outShape[1]! - 1) * sw + (kw - 1) * dw + 1 - inShape[1]!, 0);
  return padH > 0 || padW > 0;
}

/** The normalised axis of a BatchNormalization (or Concatenate) config, for a tensor of `rank` (batch included). */
function lastAxis(config: LayerConfig, rank: number): boolean {
  let axis = config['axis'] ?? -1;
  if (Array.isArray(axis)) {
    if (axis.length !== 1) return false;
    axis = axis[0];
  }
  return axis === -1 || axis === rank - 1;
}

// --- construction: channel sets with union–find --------------------------------------------

type SourceKind = 'producer' | 'input' | 'opaque';

interface Source {
  readonly id: number;
  readonly kind: SourceKind;
  readonly layer: string;
  readonly className: string;
  readonly width: number;
  parent: number;
}

interface BuildSegment extends ChannelSlot {
  readonly source: number;
  readonly width: number;
}

interface BuildLayout {
  readonly length: number;
  readonly segments: readonly BuildSegment[];
}

interface BuildLayer {
  readonly topo: TopologyLayer;
  readonly role: LayerRole;
  readonly inputLayouts: readonly BuildLayout[];
  readonly output: BuildLayout;
  readonly cost: LayerCost | null;
  readonly pads: boolean;
  readonly useBias: boolean;
  readonly multiplier: number;
  readonly activation: string;
  readonly elementwise: boolean;
  readonly reason?: string;
}

class Sets {
  readonly sources: Source[] = [];

  add(kind: SourceKind, layer: TopologyLayer, width: number): BuildLayout {
    const id = this.sources.length;
    this.sources.push({ id, kind, layer: layer.name, className: layer.className, width, parent: id });
    return { length: width, segments: [{ source: id, width, offset: 0, positions: 1, period: width, expand: 1 }] };
  }

  find(id: number): number {
    let r = id;
    while (this.sources[r]!.parent !== r) r = this.sources[r]!.parent;
    while (this.sources[id]!.parent !== r) {
      const next = this.sources[id]!.parent;
      this.sources[id]!.parent = r;
      id = next;
    }
    return r;
  }

  /** Unions two sets; the root is the older source, so roots stay in topological order. */
  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra === rb) return;
    if (ra < rb) this.sources[rb]!.parent = ra;
    else this.sources[ra]!.parent = rb;
  }
}

function describeLayer(l: TopologyLayer): string {
  return `'${l.name}' (${l.className})`;
}

/** The dependency graph of `model`'s prunable channel groups (see the file comment). */
export function buildGraph(model: tfl.LayersModel, options: GraphOptions = {}): PruningGraph {
  return buildGraphFromTopology(readTopology(model), options);
}

export function buildGraphFromTopology(topology: Topology, options: GraphOptions = {}): PruningGraph {
  const unsupported = options.unsupported ?? 'refuse';
  if (unsupported !== 'refuse' && unsupported !== 'keep') fail(`options.unsupported must be 'refuse' or 'keep', got ${String(unsupported)}`);
  const needsBatchNorm = options.needsBatchNorm ?? true;
  if (needsBatchNorm && options.requireBatchNorm !== false && !topology.layers.some((l) => l.className === 'BatchNormalization')) {
    fail(
      `model '${topology.modelName}' has no BatchNormalization layer. slimprune ranks channels by the |γ| of the ` +
        'BatchNormalization that follows each conv2d / dense layer (METHOD.md §1): add one after every layer whose channels should be prunable',
    );
  }
  const sets = new Sets();
  const built = new Map<string, BuildLayer>();
  /** Opaque layers that read traced channels: [layer, reason, sources read]. */
  const opaqueReads: { layer: TopologyLayer; reason: string; sources: number[] }[] = [];

  for (const t of topology.layers) {
    const ins = t.inbound.map((n) => built.get(n)!);
    const inLayouts = ins.map((b) => b.output);
    const inShapes = t.inbound.map((n) => built.get(n)!.topo.shape);
    const last = t.shape[t.shape.length - 1]!;
    const c = t.config;
    const base = {
      topo: t, inputLayouts: inLayouts, cost: null, pads: false, useBias: false, multiplier: 1, elementwise: ELEMENTWISE.has(t.className),
      activation: ['Conv2D', 'Dense', 'DepthwiseConv2D'].includes(t.className) ? activationName(c) : 'linear',
    };
    const opaque = (reason: string): BuildLayer => {
      const sources = inLayouts.flatMap((l) => l.segments.map((s) => s.source));
      opaqueReads.push({ layer: t, reason, sources });
      return { ...base, role: 'opaque', output: sets.add('opaque', t, last), reason };
    };
    const single = (): BuildLayout => {
      if (inLayouts.length !== 1) fail(`layer ${describeLayer(t)} reads ${inLayouts.length} tensors; expected one`);
      return inLayouts[0]!;
    };
    let layer: BuildLayer;
    switch (t.className) {
      case 'InputLayer':
        layer = { ...base, role: 'input', output: sets.add('input', t, last) };
        break;
      case 'Conv2D': {
        const input = single();
        const inShape = inShapes[0]!;
        if (!channelsLast(c)) layer = opaque('it is channels-first; build it with dataFormat \'channelsLast\'');
        else if (inShape.length !== 3 || input.segments.some((s) => s.positions !== 1)) layer = opaque('its input is not an image [H, W, C]');
        else {
          const [kh, kw] = pair(c['kernel_size'], 'kernel_size', t.name);
          const useBias = c['use_bias'] !== false;
          const filters = Number(c['filters']);
          layer = {
            ...base, role: 'conv2d', output: sets.add('producer', t, filters), useBias,
            pads: convPads(c, t.name, inShape, t.shape),
            cost: { macs: t.shape[0]! * t.shape[1]! * kh * kw, pairParams: kh * kw, inParams: 0, outParams: useBias ? 1 : 0, hasOut: true },
          };
        }
        break;
      }
      case 'Dense': {
        single();
        const spatial = inShapes[0]!.slice(0, -1).reduce((a, b) => a * b, 1);
        const useBias = c['use_bias'] !== false;
        layer = {
          ...base, role: 'dense', output: sets.add('producer', t, Number(c['units'])), useBias,
          cost: { macs: spatial, pairParams: 1, inParams: 0, outParams: useBias ? 1 : 0, hasOut: true },
        };
        break;
      }
      case 'DepthwiseConv2D': {
        const input = single();
        const inShape = inShapes[0]!;
        const act = activationName(c);
        if (!channelsLast(c)) layer = opaque('it is channels-first; build it with dataFormat \'channelsLast\'');
        else if (inShape.length !== 3 || input.segments.some((s) => s.positions !== 1)) layer = opaque('its input is not an image [H, W, C]');
        else if (!ZERO_PRESERVING_ACTIVATIONS.has(act)) layer = opaque(`its activation '${act}' does not map 0 to 0, so a pruned channel would not stay zero`);
        else {
          const m = Number(c['depth_multiplier'] ?? 1);
          const [kh, kw] = pair(c['kernel_size'], 'kernel_size', t.name);
          const useBias = c['use_bias'] !== false;
          layer = {
            ...base, role: 'depthwise', useBias, multiplier: m,
            pads: convPads(c, t.name, inShape, t.shape),
            output: {
              length: input.length * m,
              segments: input.segments.map((s) => ({ ...s, offset: s.offset * m, period: s.period * m, expand: s.expand * m })),
            },
            cost: { macs: t.shape[0]! * t.shape[1]! * kh * kw * m, pairParams: 0, inParams: kh * kw * m + (useBias ? m : 0), outParams: 0, hasOut: false },
          };
        }
        break;
      }
      case 'BatchNormalization': {
        const input = single();
        if (!lastAxis(c, inShapes[0]!.length + 1)) layer = opaque('it normalises an axis other than the last (channel) axis');
        else {
          const params = (c['scale'] !== false ? 1 : 0) + (c['center'] !== false ? 1 : 0) + 2;
          layer = { ...base, role: 'batchnorm', output: input, cost: { macs: 0, pairParams: 0, inParams: params, outParams: 0, hasOut: false } };
        }
        break;
      }
      case 'Activation': {
        const act = activationName(c);
        if (act === 'softmax') layer = opaque('softmax mixes the channels it normalises');
        else if (!ZERO_PRESERVING_ACTIVATIONS.has(act)) layer = opaque(`its activation '${act}' does not map 0 to 0, so a pruned channel would not stay zero`);
        else layer = { ...base, role: 'passthrough', output: single() };
        break;
      }
      case 'Flatten': {
        const input = single();
        const inShape = inShapes[0]!;
        if (inShape.length <= 1) layer = { ...base, role: 'flatten', output: input };
        else if (input.segments.some((s) => s.positions !== 1)) layer = opaque('its input is already flattened');
        else {
          const spatial = inShape.slice(0, -1).reduce((a, b) => a * b, 1);
          layer = {
            ...base, role: 'flatten',
            output: { length: input.length * spatial, segments: input.segments.map((s) => ({ ...s, positions: spatial, period: input.length })) },
          };
        }
        break;
      }
      case 'Concatenate': {
        if (!lastAxis(c, t.shape.length + 1)) layer = opaque('it concatenates along an axis other than the last (channel) axis');
        else {
          let offset = 0;
          const segments: BuildSegment[] = [];
          for (const l of inLayouts) {
            for (const s of l.segments) segments.push({ ...s, offset: s.offset + offset });
            offset += l.length;
          }
          layer = { ...base, role: 'concat', output: { length: offset, segments } };
        }
        break;
      }
      default: {
        if (PASS_THROUGH.has(t.className)) {
          const input = single();
          if (!channelsLast(c)) layer = opaque('it is channels-first; build it with dataFormat \'channelsLast\'');
          else if (t.shape[t.shape.length - 1] !== input.length) layer = opaque('its output has a different channel count from its input');
          else layer = { ...base, role: 'passthrough', output: input, pads: t.className === 'ZeroPadding2D' };
        } else if (MERGES.has(t.className)) {
          layer = merge(t, inLayouts, sets) ?? opaque(
            'its inputs\' channels come from differently structured sources (e.g. a concatenation added to a single ' +
              'layer\'s output); slimprune couples whole channel sets only',
          );
        } else {
          const declared = declaredLayers.get(t.className);
          layer = declaredLayer(t, declared, base, inLayouts) ?? opaque(
            typeof declared === 'object' ? declared.opaque :
            'slimprune does not trace channels through this layer type (for a layer of your own without per-channel ' +
              `weights, declare how it maps channels: registerLayerChannels('${t.className}', 'same-channels' | 'elementwise'))`,
          );
        }
      }
    }
    if (layer.output.length !== last) {
      fail(`internal: layer ${describeLayer(t)} has ${last} output channels but its layout has ${layer.output.length}`);
    }
    built.set(t.name, layer);
  }
  return resolve(topology, built, sets, opaqueReads, unsupported, needsBatchNorm);
}

/** A layer of a declared class (registerLayerChannels), or null when its class is not declared. */
function declaredLayer(
  t: TopologyLayer, declared: LayerChannels | undefined, base: Omit<BuildLayer, 'role' | 'output'>, inputs: readonly BuildLayout[],
): BuildLayer | null {
  if (declared === undefined || typeof declared === 'object') return null;
  if (inputs.length !== 1) fail(`layer ${describeLayer(t)} is declared '${declared}' but reads ${inputs.length} tensors; expected one`);
  if (t.shape[t.shape.length - 1] !== inputs[0]!.length) {
    fail(`layer ${describeLayer(t)} is declared '${declared}' but its output has ${t.shape[t.shape.length - 1]} channels and its input ${inputs[0]!.length}`);
  }
  return { ...base, role: 'passthrough', output: inputs[0]!, elementwise: declared === 'elementwise' };
}

/** A merge's layout (inputs unioned channel for channel), or null when the inputs do not align. */
function merge(t: TopologyLayer, inputs: readonly BuildLayout[], sets: Sets): BuildLayer | null {
  const first = inputs[0];
  if (first === undefined) fail(`layer ${describeLayer(t)} has no inputs`);
  for (const other of inputs.slice(1)) {
    if (other.length !== first.length || other.segments.length !== first.segments.length) return null;
    for (let i = 0; i < first.segments.length; i++) {
      const a = first.segments[i]!, b = other.segments[i]!;
      if (a.offset !== b.offset || a.width !== b.width || a.positions !== b.positions || a.period !== b.period || a.expand !== b.expand) {
        return null;
      }
    }
  }
  for (const other of inputs.slice(1)) {
    for (let i = 0; i < first.segments.length; i++) sets.union(first.segments[i]!.source, other.segments[i]!.source);
  }
  return {
    topo: t, role: 'merge', inputLayouts: inputs, output: first, cost: null, pads: false, useBias: false, multiplier: 1, activation: 'linear', elementwise: false,
  };
}

function resolve(
  topology: Topology,
  built: Map<string, BuildLayer>,
  sets: Sets,
  opaqueReads: { layer: TopologyLayer; reason: string; sources: number[] }[],
  unsupported: 'refuse' | 'keep',
  needsBatchNorm: boolean,
): PruningGraph {
  const readers = new Map<string, string[]>();
  for (const t of topology.layers) for (const i of t.inbound) readers.set(i, [...(readers.get(i) ?? []), t.name]);

  // Every root set: its members and reasons to keep it.
  const reasons = new Map<number, string[]>();
  const members = new Map<number, Source[]>();
  for (const s of sets.sources) {
    const r = sets.find(s.id);
    members.set(r, [...(members.get(r) ?? []), s]);
    reasons.set(r, reasons.get(r) ?? []);
  }
  const addReason = (source: number, reason: string): void => {
    const list = reasons.get(sets.find(source))!;
    if (!list.includes(reason)) list.push(reason);
  };
  for (const s of sets.sources) {
    if (s.kind === 'input') addReason(s.id, `carries the model input '${s.layer}'`);
    if (s.kind === 'opaque') addReason(s.id, `produced by '${s.layer}' (${s.className}), a layer whose channels slimprune does not trace`);
    if (s.kind === 'producer') {
      const next = readers.get(s.layer) ?? [];
      const bn = next.length === 1 ? built.get(next[0]!)! : undefined;
      if ((!bn || bn.role !== 'batchnorm') && needsBatchNorm) {
        addReason(s.id, `'${s.layer}' (${s.className}) is not followed by a BatchNormalization layer alone, so its channels have no γ`);
      } else if (!bn || bn.role !== 'batchnorm') {
        const act = built.get(s.layer)!.activation;
        if (!ZERO_PRESERVING_ACTIVATIONS.has(act)) {
          addReason(s.id, `'${s.layer}' (${s.className}) has no BatchNormalization after it and its activation '${act}' does not map 0 to 0, so a zeroed filter would not give a zero channel`);
        }
      }
    }
  }
  for (const b of built.values()) {
    if (b.role === 'batchnorm' && b.topo.config['scale'] === false) {
      for (const seg of b.output.segments) addReason(seg.source, `BatchNormalization '${b.topo.name}' has no γ (scale: false)`);
    }
  }
  for (const out of topology.outputs) {
    for (const seg of built.get(out)!.output.segments) addReason(seg.source, `reaches the model output '${out}'`);
  }
  for (const read of opaqueReads) {
    for (const source of read.sources) {
      const r = sets.find(source);
      if (reasons.get(r)!.length > 0) continue;
      if (unsupported === 'keep') {
        addReason(source, `read by ${describeLayer(read.layer)}: ${read.reason}`);
        continue;
      }
      const producers = members.get(r)!.map((m) => `'${m.layer}'`).join(', ');
      fail(
        `layer ${describeLayer(read.layer)} reads the prunable channels produced by ${producers}, but ${read.reason}. ` +
          'Between a pruned conv2d / dense layer and the layers that read its channels slimprune supports BatchNormalization, ' +
          'activations with f(0) = 0, pooling, dropout, padding, cropping, up-sampling, Flatten, Add / Average / Maximum / ' +
          'Minimum / Multiply, Concatenate (last axis) and DepthwiseConv2D. Change the model, or pass { unsupported: \'keep\' } ' +
          '(CLI: --unsupported keep) to keep these channels unpruned',
      );
    }
  }

  // Number the sets: prunable groups and fixed sets, each in topological order of their root.
  const groupOf = new Map<number, number>();
  const fixedOf = new Map<number, number>();
  const roots = [...members.keys()].sort((a, b) => a - b);
  const groups: { width: number; producers: string[] }[] = [];
  const fixed: FixedChannels[] = [];
  for (const r of roots) {
    const ms = members.get(r)!;
    const width = sets.sources[r]!.width;
    for (const m of ms) {
      if (m.width !== width) fail(`internal: channel sets of widths ${width} and ${m.width} were coupled ('${m.layer}')`);
    }
    const why = reasons.get(r)!;
    if (why.length === 0) {
      groupOf.set(r, groups.length);
      groups.push({ width, producers: ms.map((m) => m.layer) });
    } else {
      fixedOf.set(r, fixed.length);
      fixed.push({ index: fixed.length, width, producers: ms.map((m) => m.layer), reasons: why });
    }
  }

  const toLayout = (l: BuildLayout): ChannelLayout => ({
    length: l.length,
    segments: l.segments.map((s): ChannelSegment => {
      const r = sets.find(s.source);
      const g = groupOf.get(r);
      return {
        group: g ?? null, fixed: g === undefined ? fixedOf.get(r)! : null, width: s.width,
        offset: s.offset, positions: s.positions, period: s.period, expand: s.expand,
      };
    }),
  });
  const layers: GraphLayer[] = topology.layers.map((t) => {
    const b = built.get(t.name)!;
    const layer: GraphLayer = {
      name: t.name, className: t.className, role: b.role, inputs: t.inbound,
      inputLayouts: b.inputLayouts.map(toLayout), output: toLayout(b.output), shape: t.shape,
      cost: b.cost, pads: b.pads, useBias: b.useBias, multiplier: b.multiplier, activation: b.activation, elementwise: b.elementwise,
    };
    return b.reason === undefined ? layer : { ...layer, reason: b.reason };
  });

  const slots = groups.map(() => ({ batchNorms: [] as LayerSlot[], depthwise: [] as LayerSlot[], consumers: [] as LayerSlot[] }));
  for (const l of layers) {
    const list = l.role === 'batchnorm' ? 'batchNorms' : l.role === 'depthwise' ? 'depthwise'
      : l.role === 'conv2d' || l.role === 'dense' ? 'consumers' : null;
    if (list === null) continue;
    for (const s of l.inputLayouts[0]!.segments) {
      if (s.group === null) continue;
      slots[s.group]![list].push({ layer: l.name, offset: s.offset, positions: s.positions, period: s.period, expand: s.expand });
    }
  }
  return {
    modelName: topology.modelName,
    layers,
    groups: groups.map((g, index) => ({
      index, width: g.width, minChannels: defaultMinChannels(g.width), producers: g.producers, ...slots[index]!,
    })),
    fixed,
    inputs: topology.inputs,
    outputs: topology.outputs,
  };
}

/** The layer of a graph by name (throws naming the layer when absent). */
export function graphLayer(graph: PruningGraph, name: string): GraphLayer {
  const l = graph.layers.find((x) => x.name === name);
  if (!l) throw new Error(`slimprune model graph: model '${graph.modelName}' has no layer '${name}'`);
  return l;
}

/**
 * The BatchNormalization layers whose γ rank prunable channels (those of any group), in layer
 * order: the γ that the sparsity regularizer of METHOD.md §2 acts on.
 */
export function prunableBatchNorms(graph: PruningGraph): string[] {
  const names = new Set(graph.groups.flatMap((g) => g.batchNorms.map((s) => s.layer)));
  return graph.layers.filter((l) => names.has(l.name)).map((l) => l.name);
}
