/**
 * What a layer converter sees and returns. One converter per tfjs layer class (convert-*.ts),
 * registered by class name in converters.ts: a converter reads its layer's config and weights,
 * writes nodes into the graph, and returns the value of the layer's output.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { isOnnxActivation, ONNX_ACTIVATIONS, writeActivation } from './activations.ts';
import type { Layout, OnnxGraphBuilder, OnnxValue } from './graph-builder.ts';

/** A weight of the layer: its values and tfjs shape. */
export interface LayerWeight {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** A layer (or a config of one) the exporter cannot write; exportOnnx collects them into one error. */
export class OnnxConversionError extends Error {
  constructor(readonly layerName: string, readonly className: string, problem: string, readonly advice: string) {
    super(`layer '${layerName}' (${className}) ${problem}; ${advice}`);
    this.name = 'OnnxConversionError';
  }
}

export class ConvertContext {
  constructor(
    readonly layer: tfl.layers.Layer,
    readonly inputs: readonly OnnxValue[],
    /** The layer's output shape in tfjs (batch first, null where unknown). */
    readonly outputShape: readonly (number | null)[],
    readonly graph: OnnxGraphBuilder,
    /** The base name of this call's output (the layer's name; suffixed for a shared layer's later calls). */
    readonly base: string,
  ) {}

  get className(): string {
    return this.layer.getClassName();
  }

  /** The layer's config, as tfjs serializes it. */
  get config(): Record<string, unknown> {
    return this.layer.getConfig() as Record<string, unknown>;
  }

  /** The only input; refuses a call with several. */
  get input(): OnnxValue {
    if (this.inputs.length !== 1) this.refuse(`takes ${this.inputs.length} inputs here`, 'call it on one tensor');
    return this.inputs[0]!;
  }

  /** The weight whose name ends in `/name` ('kernel', 'bias', 'gamma', …), or undefined. */
  weight(name: string): LayerWeight | undefined {
    const i = this.layer.weights.findIndex((w) => w.originalName.split('/').pop() === name);
    if (i < 0) return undefined;
    const tensor = this.layer.getWeights()[i]!;
    return { data: Float32Array.from(tensor.dataSync() as Float32Array), shape: tensor.shape };
  }

  /** A new value for the layer's output in `layout`, and its name. */
  output(layout: Layout, shape: readonly (number | null)[] = this.outputShape): { value: OnnxValue; name: string } {
    return this.graph.value(this.base, shape, layout);
  }

  /** A name for an intermediate result of this layer. */
  temp(what: string): string {
    return this.graph.unique(`${this.base}/${what}`);
  }

  /** Throws the error naming this layer, what is wrong and what to do. */
  refuse(problem: string, advice: string): never {
    throw new OnnxConversionError(this.layer.name, this.className, problem, advice);
  }

  /** The layer's `activation` config, checked to be one exportOnnx writes. */
  activation(): (typeof ONNX_ACTIVATIONS)[number] {
    const a = this.config['activation'] ?? 'linear';
    if (!isOnnxActivation(a)) {
      this.refuse(`has activation '${String(a)}', which exportOnnx does not write`, `use one of ${ONNX_ACTIVATIONS.join(', ')} (or a separate layer of them)`);
    }
    return a;
  }

  /**
   * Writes `compute(pre)` and then the layer's activation into the output: `compute` writes its
   * result under the name it is given (the output itself when the activation is linear).
   */
  withActivation(layout: Layout, activation: (typeof ONNX_ACTIVATIONS)[number], compute: (into: string) => void, shape?: readonly (number | null)[]): OnnxValue {
    const out = this.output(layout, shape);
    if (activation === 'linear') {
      compute(out.name);
      return out.value;
    }
    const pre = this.temp('pre_activation');
    compute(pre);
    writeActivation(this.graph, activation, pre, out.name, layout, out.value.shape.length);
    return out.value;
  }
}

export type LayerConverter = (ctx: ConvertContext) => OnnxValue;
