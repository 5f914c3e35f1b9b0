// fuseBatchNorm: the deployed form of a model (BN folded into the layer before it, ReLU fused)
// gives the same outputs as the model in inference mode, on random chain, residual, concat and
// depthwise models and on the reference networks, pruned or not; it removes exactly the foldable
// BatchNorms, and leaves the input model unchanged.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { suite, assert, assertAllClose, assertBitEqual, assertDeepEqual, assertEqual, assertRejects, testRng } from '../harness.ts';
import { useTfjsBackend } from '../tfjs.ts';
import { fuseBatchNorm, referenceModel, buildGraph, compactModel, latencyMs } from 'slimprune/internal';
import { RANDOM_KINDS, input, predict, randomMasks, randomModel, randomizeWeights, weightSnapshot } from './random-models.ts';

const count = (model: { layers: { getClassName(): string }[] }, className: string) =>
  model.layers.filter((l) => l.getClassName() === className).length;

export const fuseBatchNormSuite = suite('fuse BatchNorm for deployment', (test) => {
  test('fused ≡ original on random chain, residual, concat and depthwise models', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(211);
    for (const kind of RANDOM_KINDS) {
      for (let trial = 0; trial < 3; trial++) {
        const model = randomModel(kind, rng);
        randomizeWeights(model, rng);
        const before = weightSnapshot(model);
        const { model: fused, fused: records } = await fuseBatchNorm(model);
        assert(records.length >= 1, `${kind} #${trial}: expected at least one BatchNorm folded`);
        assertEqual(count(fused, 'BatchNormalization'), count(model, 'BatchNormalization') - records.length, `${kind} #${trial}: BatchNorms left`);
        const x = input(model, 2, trial);
        const want = predict(model, x);
        const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        assertAllClose(predict(fused, x), want, { rtol: 1e-4, atol: 1e-5 * scale }, `${kind} #${trial}: fused vs original`);
        weightSnapshot(model).forEach((w, i) => assertBitEqual(w, before[i]!, `${kind} #${trial}: input weight ${i} unchanged`));
        tf.dispose(x);
        [model, fused].forEach((m) => m.dispose());
      }
    }
  });

  test('LeNet-5-BN, whole and compacted: three BatchNorms and three ReLUs fused, same outputs', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(17);
    const model = referenceModel('mnist-lenet', { seed: 2 });
    randomizeWeights(model, rng);
    const graph = buildGraph(model);
    const compact = (await compactModel(model, randomMasks(graph, rng, 0.5), { graph })).model;
    for (const [name, m] of [['whole', model], ['compact', compact]] as const) {
      const { model: fused, fused: records } = await fuseBatchNorm(m);
      assertDeepEqual(records.map((r) => [r.batchNorm, r.into, r.relu]), [['bn1', 'conv1', 'relu1'], ['bn2', 'conv2', 'relu2'], ['bn3', 'fc1', 'relu3']], `${name}: what was fused`);
      assertEqual(count(fused, 'BatchNormalization') + count(fused, 'ReLU'), 0, `${name}: no BatchNorm or ReLU layer left`);
      assertEqual(fused.countParams(), m.countParams() - records.reduce((n, r) => n + 3 * (m.getLayer(r.batchNorm).getWeights()[0]!.size), 0), `${name}: parameters (BN's four per channel become one bias)`);
      const x = input(m, 3, 9);
      const want = predict(m, x);
      assertAllClose(predict(fused, x), want, { rtol: 1e-4, atol: 1e-6 }, `${name}: fused vs original`);
      tf.dispose(x);
      fused.dispose();
    }
    model.dispose();
    compact.dispose();
  });

  test('latencyMs times one forward pass (execute or predict) of every output, and leaves no tensor', async () => {
    await useTfjsBackend('cpu');
    // Two outputs: execute must ask for both, as predict computes both.
    const input = tfl.input({ shape: [6, 6, 2] });
    const conv = tfl.layers.conv2d({ filters: 3, kernelSize: 3, name: 'conv' }).apply(input) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(conv) as tfl.SymbolicTensor;
    const a = tfl.layers.dense({ units: 4, name: 'a' }).apply(flat) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 2, name: 'b' }).apply(flat) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: [a, b] });
    const tensors = tf.memory().numTensors;
    // Count the calls and the batch each one gets: warm-up + reps passes, each of the whole batch.
    const calls = { execute: [] as number[], predict: [] as number[] };
    const execute = model.execute.bind(model), predict = model.predict.bind(model);
    model.execute = (x, outputs) => (calls.execute.push((x as tf.Tensor).shape[0]!), execute(x, outputs));
    model.predict = (x, args) => (calls.predict.push((x as tf.Tensor).shape[0]!), predict(x, args));
    for (const call of ['execute', 'predict'] as const) {
      for (const batch of [1, 5]) {
        calls.execute.length = calls.predict.length = 0;
        const ms = await latencyMs(model, batch, { reps: 3, warmup: 1, call });
        assert(Number.isFinite(ms) && ms > 0, `${call}, batch ${batch}: latency ${ms} ms`);
        assertDeepEqual(calls[call], [batch, batch, batch, batch], `${call}, batch ${batch}: the batch of each pass`);
        if (call === 'execute') assertEqual(calls.predict.length, 0, 'execute: predict is not called');
      }
    }
    model.execute = execute;
    model.predict = predict;
    await assertRejects(() => latencyMs(model, 2, 2 as never), /options must be an object/);
    await assertRejects(() => latencyMs(model, 2, { call: 'fit' as 'execute' }), /call must be 'execute' or 'predict', got 'fit'/);
    await assertRejects(() => latencyMs(model, 2, { reps: 0 }), /reps must be a whole number >= 1, got 0/);
    assertEqual(tf.memory().numTensors, tensors, 'tensors after timing');
    model.dispose();
  });
});
