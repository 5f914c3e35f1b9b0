// Knowledge distillation for fine-tuning (src/train/distillation.ts): the soft term against a
// float64 reference and its known gradient, both output kinds, weight 0 ≡ plain training, a
// student that learns its teacher's outputs, and the errors a wrong teacher or setting gets.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { suite, assert, assertAllClose, assertThrows, assertRejects, testRng, randomArray } from '../harness.ts';
import {
  SparsityTrainer, train, distillationTerm, resolveDistillation, resolveConfig, DEFAULT_DISTILLATION, type TrainRecipe,
} from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';
import { tinyNet, syntheticSet, SyntheticSource, weightValues, IMAGE } from './train-fixtures.ts';

const B = 5;
const C = 4;

function softmaxRows(logits: Float32Array, temperature: number): Float64Array[] {
  return Array.from({ length: B }, (_, b) => {
    const row = Array.from({ length: C }, (_, c) => logits[b * C + c]! / temperature);
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, v) => a + v, 0);
    return Float64Array.from(e, (v) => v / sum);
  });
}

/** T² · mean over rows of KL(p ‖ q), in float64. */
function referenceTerm(student: Float32Array, teacher: Float32Array, temperature: number): number {
  const q = softmaxRows(student, temperature);
  const p = softmaxRows(teacher, temperature);
  let kl = 0;
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) kl += p[b]![c]! * Math.log(p[b]![c]! / q[b]![c]!);
  return (temperature * temperature * kl) / B;
}

/** Mean over a set of images of KL(teacher ‖ student) at T = 1, in inference mode. */
function meanKl(student: ReturnType<typeof tinyNet>, teacher: ReturnType<typeof tinyNet>, x: Float32Array, count: number): number {
  return tf.tidy(() => {
    const input = tf.tensor(x, [count, ...IMAGE]);
    const s = student.apply(input, { training: false }) as tf.Tensor;
    const t = teacher.apply(input, { training: false }) as tf.Tensor;
    return distillationTerm({ output: s, kind: 'logits' }, { output: t, kind: 'logits' }, 1).dataSync()[0]!;
  });
}

export const distillationSuite = suite('distillation', (test) => {
  test('the soft term equals its float64 reference, is zero for equal outputs, and serves softmax outputs alike', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(31);
    for (const temperature of [1, 2.5, 4]) {
      const student = randomArray(B * C, rng, -3, 3);
      const teacher = randomArray(B * C, rng, -3, 3);
      const [fromLogits, fromProbabilities, self] = tf.tidy(() => {
        const s = tf.tensor2d(student, [B, C]);
        const t = tf.tensor2d(teacher, [B, C]);
        return [
          distillationTerm({ output: s, kind: 'logits' }, { output: t, kind: 'logits' }, temperature).dataSync()[0]!,
          distillationTerm({ output: tf.softmax(s), kind: 'probabilities' }, { output: tf.softmax(t), kind: 'probabilities' }, temperature).dataSync()[0]!,
          distillationTerm({ output: s, kind: 'logits' }, { output: s, kind: 'logits' }, temperature).dataSync()[0]!,
        ];
      });
      const expected = referenceTerm(student, teacher, temperature);
      assertAllClose([fromLogits], [expected], { rtol: 1e-4, atol: 1e-6 }, `T = ${temperature}, logits`);
      assertAllClose([fromProbabilities], [expected], { rtol: 1e-3, atol: 1e-5 }, `T = ${temperature}, probabilities`);
      assertAllClose([self], [0], { atol: 1e-6 }, `T = ${temperature}, teacher = student`);
    }
  });

  test("the soft term's gradient in the student's logits is T · (q − p) / B", async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(32);
    const temperature = 3;
    const student = randomArray(B * C, rng, -2, 2);
    const teacher = randomArray(B * C, rng, -2, 2);
    const gradient = tf.tidy(() => {
      const t = tf.tensor2d(teacher, [B, C]);
      const g = tf.grad((s: tf.Tensor) => distillationTerm({ output: s, kind: 'logits' }, { output: t, kind: 'logits' }, temperature));
      return g(tf.tensor2d(student, [B, C])).dataSync().slice();
    });
    const q = softmaxRows(student, temperature);
    const p = softmaxRows(teacher, temperature);
    const expected = Float64Array.from({ length: B * C }, (_, i) => {
      const b = Math.floor(i / C);
      const c = i % C;
      return (temperature * (q[b]![c]! - p[b]![c]!)) / B;
    });
    assertAllClose(gradient, expected, { rtol: 1e-4, atol: 1e-7 }, 'gradient');
  });

  test('weight 0 trains as plain cross-entropy; weight 1 makes the student imitate its teacher (wasm)', async () => {
    await useTfjsBackend('wasm');
    const set = syntheticSet(48, 11);
    const recipe: TrainRecipe = { epochs: 3, optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 }, weightDecay: 0, regularizer: { kind: 'none' }, gammaInit: null };
    const teacher = tinyNet(3);
    await train(teacher, new SyntheticSource(set, 16, 1), recipe, { backend: 'wasm' });

    const plain = tinyNet(4, [2, 3]);
    const weightless = tinyNet(4, [2, 3]);
    await train(plain, new SyntheticSource(set, 16, 2), recipe, { backend: 'wasm' });
    await train(weightless, new SyntheticSource(set, 16, 2), recipe, { backend: 'wasm', distill: { teacher, weight: 0 } });
    // Same values (adding the soft term times 0 may turn a −0 into +0, so not bit for bit).
    weightValues(weightless).forEach((w, i) => assertAllClose(w, weightValues(plain)[i]!, { rtol: 0, atol: 0 }, `weight ${i}`));

    // Random images, not the training set: the student should imitate the teacher beyond its data.
    const rng = testRng(33);
    const probe = randomArray(64 * IMAGE[0] * IMAGE[1] * IMAGE[2], rng, -0.5, 1.5);
    const student = tinyNet(5, [2, 3]);
    const before = meanKl(student, teacher, probe, 64);
    const numTensors = tf.memory().numTensors;
    const imitating = { ...recipe, epochs: 8 };
    await train(student, new SyntheticSource(set, 16, 3), imitating, { backend: 'wasm', distill: { teacher, weight: 1, temperature: 2 } });
    assert(tf.memory().numTensors === numTensors, `no tensor leak (${tf.memory().numTensors} vs ${numTensors})`);
    const after = meanKl(student, teacher, probe, 64);
    assert(after < 0.5 * before, `KL(teacher ‖ student) on unseen images fell from ${before} to ${after}`);
    for (const m of [teacher, plain, weightless, student]) m.dispose();
  });

  test('a wrong teacher or setting is refused with what to change', async () => {
    await useTfjsBackend('cpu');
    const student = tinyNet(1);
    const teacher = tinyNet(2);
    const fiveClasses = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [...IMAGE] }), tfl.layers.dense({ units: 5 })] });
    assertThrows(() => resolveDistillation(student, { teacher, temperature: 0 }), /temperature must be a finite number > 0/, 'T = 0');
    assertThrows(() => resolveDistillation(student, { teacher, weight: 1.5 }), /weight must be in \[0, 1\]/, 'w = 1.5');
    assertThrows(() => resolveDistillation(student, { teacher: student }), /another model/, 'teacher = student');
    const resolved = resolveDistillation(student, { teacher });
    assert(resolved.temperature === DEFAULT_DISTILLATION.temperature && resolved.weight === DEFAULT_DISTILLATION.weight, 'defaults');
    assert(resolved.teacherOutput === 'logits', 'teacher output read from its last layer');
    await assertRejects(
      () => SparsityTrainer.create(student, { epochs: 1, optimizer: { kind: 'sgd', learningRate: 0.1 }, regularizer: { kind: 'none' } }, { backend: 'cpu', distill: { teacher: fiveClasses } }),
      /the teacher has 5 outputs and the student 3/, 'a 5-class teacher for a 3-class student',
    );
    const config = resolveConfig({ task: 'mnist-lenet', distill: true });
    assert(config.distill?.temperature === 4 && config.distill.weight === 0.5, `config distill ${JSON.stringify(config.distill)}`);
    assert(resolveConfig({ task: 'mnist-lenet' }).distill === null, 'off by default');
    assertThrows(() => resolveConfig({ task: 'mnist-lenet', distill: { weight: -1 } }), /distill.weight must be in \[0, 1\]/, 'config w = -1');
    for (const m of [student, teacher, fiveClasses]) m.dispose();
  });
});
