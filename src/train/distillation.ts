/**
 * Knowledge distillation for fine-tuning a pruned network (Hinton, Vinyals & Dean 2015): the
 * student learns from the labels and from the softened outputs of a teacher, here the network
 * it was cut from. Not part of the paper's method; an option of the fine-tuning stage, open to
 * every method in the same harness (RESULTS.md measures it).
 *
 *   loss = (1 − w) · CE(labels, student) + w · T² · KL(softmax(teacher / T) ‖ softmax(student / T))
 *
 * T² keeps the soft term's gradient on the scale of the hard one as T grows (Hinton et al. §2).
 * Call inside `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { resolveOutput } from './loss.ts';

export interface DistillationOptions {
  /** The network to imitate, run in inference mode; it is never updated. */
  readonly teacher: LayersModel;
  /** Softening temperature T > 0 (default 4). */
  readonly temperature?: number;
  /** Weight w in [0, 1] of the teacher's term (default 0.5; 0 is plain cross-entropy). */
  readonly weight?: number;
}

export interface ResolvedDistillation {
  readonly teacher: LayersModel;
  readonly temperature: number;
  readonly weight: number;
  /** Whether the teacher ends in logits or a softmax (read from its last layer). */
  readonly teacherOutput: 'logits' | 'probabilities';
}

export const DEFAULT_DISTILLATION = { temperature: 4, weight: 0.5 } as const;

/** T and w with their defaults filled and checked (`what` names them in the error, e.g. 'distill.'). */
export function distillationSettings(
  settings: { readonly temperature?: number; readonly weight?: number }, what = 'distillation ',
): { temperature: number; weight: number } {
  const temperature = settings.temperature ?? DEFAULT_DISTILLATION.temperature;
  const weight = settings.weight ?? DEFAULT_DISTILLATION.weight;
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new RangeError(`${what}temperature must be a finite number > 0, got ${String(settings.temperature)}`);
  }
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`${what}weight must be in [0, 1], got ${String(settings.weight)}`);
  return { temperature, weight };
}

/** Fills the defaults and checks the teacher's output fits the student's. */
export function resolveDistillation(student: LayersModel, options: DistillationOptions): ResolvedDistillation {
  const { temperature, weight } = distillationSettings(options);
  const classes = (m: LayersModel) => m.outputs[0]!.shape.at(-1);
  if (classes(options.teacher) !== classes(student)) {
    throw new Error(
      `the teacher has ${String(classes(options.teacher))} outputs and the student ${String(classes(student))}: ` +
      'distil from a network of the same task (e.g. the one the pruned model was cut from)',
    );
  }
  if (options.teacher === student) throw new Error('the teacher must be another model than the one being trained');
  return { teacher: options.teacher, temperature, weight, teacherOutput: resolveOutput(options.teacher) };
}

/**
 * Log-probabilities at temperature T. For a model that ends in a softmax, log p is its logits up
 * to a per-row constant, which the softmax removes: so the same formula serves both outputs.
 */
export function temperedLogSoftmax(output: tf.Tensor, kind: 'logits' | 'probabilities', temperature: number): tf.Tensor {
  const logits = kind === 'logits' ? output : tf.log(tf.clipByValue(output, 1e-7, 1));
  return tf.logSoftmax(tf.div(logits, temperature));
}

/** T² · KL(teacher ‖ student) at temperature T, averaged over the batch. */
export function distillationTerm(
  student: { output: tf.Tensor; kind: 'logits' | 'probabilities' },
  teacher: { output: tf.Tensor; kind: 'logits' | 'probabilities' },
  temperature: number,
): tf.Scalar {
  const logQ = temperedLogSoftmax(student.output, student.kind, temperature);
  const logP = temperedLogSoftmax(teacher.output, teacher.kind, temperature);
  const kl = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), -1);
  return tf.mul(tf.mean(kl), temperature * temperature) as tf.Scalar;
}
