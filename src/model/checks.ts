/**
 * Checks on a model a user brings, before anything trains or prunes it: every weight finite,
 * and the model's input and output fit the task's data. Each failure says what is wrong and what
 * to do; none changes the model.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../data/index.ts';

/** What the checks read of a data set (in memory or streamed). */
type ImageShape = Pick<ImageSet, 'name' | 'height' | 'width' | 'channels' | 'classes'>;

export function assertFiniteWeights(model: tfl.LayersModel): void {
  for (const w of model.weights) {
    const values = w.read().dataSync();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        throw new Error(
          `model ${model.name}: weight ${w.name} holds ${String(values[i])} at index ${i}; ` +
            'the model diverged or its file is corrupt — retrain it or export it again',
        );
      }
    }
  }
}

/**
 * The checks of a model a user brings, for every command that runs it (prune and eval alike):
 * it fits the data (assertFitsData) and every weight is finite (assertFiniteWeights).
 */
export function assertUsableModel(model: tfl.LayersModel, data: ImageShape): void {
  assertFitsData(model, data);
  assertFiniteWeights(model);
}

/** The model takes images of the data's height × width × channels and has one output per class. */
export function assertFitsData(model: tfl.LayersModel, data: ImageShape): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`model ${model.name} has ${model.inputs.length} inputs and ${model.outputs.length} outputs; slimprune prunes image classifiers with one of each`);
  }
  const input = model.inputs[0]!.shape.slice(1);
  const want = [data.height, data.width, data.channels];
  if (input.length !== 3 || input.some((d, i) => d !== null && d !== want[i])) {
    throw new Error(
      `model ${model.name} takes inputs of shape [${input.map(String).join(', ')}] but the ${data.name} images are ` +
        `[${want.join(', ')}] (height, width, channels); choose the task whose data the model was built for` +
        (input[2] !== null && input[2] !== data.channels ? `, or with your own images convert them to ${input[2]} channels (channels: ${input[2]}, CLI --channels ${input[2]})` : ''),
    );
  }
  const classes = model.outputs[0]!.shape.at(-1);
  if (model.outputs[0]!.shape.length !== 2 || classes !== data.classes) {
    throw new Error(
      `model ${model.name} outputs shape [${model.outputs[0]!.shape.map(String).join(', ')}] but ${data.name} has ${data.classes} classes; ` +
        `its last layer needs ${data.classes} units`,
    );
  }
}
