import {
  suite, assert, assertEqual, assertDeepEqual, assertAllClose, assertBitEqual, assertRejects, assertThrows, testRng,
} from '../harness.ts';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  referenceModel, buildGraph, graphFlops, graphParams, maskModel, compactModel, replayHistory, historyFromMasks,
  masksFromHistory, parseHistory, masksFromThresholds, groupImportance, bitsFromFlags, fullMasks, maskWidths,
  exportModel, modelStorage, pruneSummary, channelFade, registerLayerChannels, unregisterLayerChannels, type PruningGraph,
} from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';
import { RANDOM_KINDS, input, predict, randomMasks, randomModel, randomizeWeights, weightSnapshot } from './random-models.ts';

type T = tfl.SymbolicTensor;

/** Every consumer of a pruned channel here sees every tap: 1×1 and valid convs, dense layers, a valid depthwise conv. */
function exactFoldModel(): tfl.LayersModel {
  const x0 = tfl.input({ shape: [9, 9, 3] });
  const bn = (x: T) => tfl.layers.batchNormalization().apply(x) as T;
  const relu = (x: T) => tfl.layers.reLU().apply(x) as T;
  const stem = relu(bn(tfl.layers.conv2d({ filters: 5, kernelSize: 3, useBias: false }).apply(x0) as T));
  // A residual pair of 1×1 convs without bias: folds into the moving mean of the BN that follows.
  let y = relu(bn(tfl.layers.conv2d({ filters: 4, kernelSize: 1, useBias: false }).apply(stem) as T));
  y = bn(tfl.layers.conv2d({ filters: 5, kernelSize: 1, useBias: false }).apply(y) as T);
  let x = tfl.layers.activation({ activation: 'elu' }).apply(tfl.layers.add().apply([stem, y]) as T) as T;
  // Through a valid depthwise conv (no BN after it), into a valid 3×3 conv with a bias.
  x = relu(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, useBias: true }).apply(x) as T);
  x = relu(bn(tfl.layers.conv2d({ filters: 6, kernelSize: 3, useBias: true }).apply(x) as T));
  x = tfl.layers.flatten().apply(tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as T) as T;
  x = relu(bn(tfl.layers.dense({ units: 7, useBias: true }).apply(x) as T));
  // No bias and no BN after it: the compact layer gets a bias.
  return tfl.model({ inputs: x0, outputs: tfl.layers.dense({ units: 3, useBias: false }).apply(x) as T });
}

/** A group read by a zero-padded 3×3 conv, whose output is the model's output. */
function paddedFoldModel(): tfl.LayersModel {
  const x0 = tfl.input({ shape: [6, 6, 2] });
  let x = tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false }).apply(x0) as T;
  x = tfl.layers.reLU().apply(tfl.layers.batchNormalization().apply(x)) as T;
  return tfl.model({ inputs: x0, outputs: tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(x) as T });
}

/** β in [0.1, 0.6]: relu(β) > 0, so every pruned channel sends its consumers a nonzero constant. */
function positiveBeta(model: tfl.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const [gamma, beta, ...rest] = layer.getWeights();
    layer.setWeights([gamma!, tf.tidy(() => tf.abs(beta!).add(0.1)), ...rest]);
  }
}

function masksWithPruning(graph: PruningGraph, rng: () => number): Uint32Array[] {
  // Every group prunes at least one channel, so every fold has work to do.
  return graph.groups.map((g) => {
    const flags = new Uint8Array(g.width).map(() => (rng() < 0.5 ? 1 : 0));
    flags[0] = 1;
    if (g.width > 1) flags[g.width - 1] = 0;
    return bitsFromFlags(flags);
  });
}

/** A layer of "the user's own" that the graph does not know: y = 2x, elementwise, no weights. */
class TimesTwo extends tfl.layers.Layer {
  static className = 'SlimpruneTestTimesTwo';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 2));
  }
  override computeOutputShape(shape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return shape;
  }
}
tf.serialization.registerClass(TimesTwo);

function customLayerModel(): tfl.LayersModel {
  const x0 = tfl.input({ shape: [6, 6, 2] });
  const bn = (x: T) => tfl.layers.batchNormalization().apply(x) as T;
  let x = bn(tfl.layers.conv2d({ filters: 6, kernelSize: 1 }).apply(x0) as T);
  x = new TimesTwo({ name: 'times_two' }).apply(x) as T;
  x = bn(tfl.layers.conv2d({ filters: 5, kernelSize: 1 }).apply(x) as T);
  x = tfl.layers.flatten().apply(x) as T;
  return tfl.model({ inputs: x0, outputs: tfl.layers.dense({ units: 3 }).apply(x) as T });
}

export const pruneSuite = suite('prune and compact', (test) => {
  test("a layer of the user's own: refused with what to declare, then pruned through once declared", async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(404);
    const model = customLayerModel();
    randomizeWeights(model, rng);
    positiveBeta(model);
    assertThrows(() => buildGraph(model), /times_two.*registerLayerChannels\('SlimpruneTestTimesTwo'/s);
    assertThrows(() => registerLayerChannels('Conv2D', 'same-channels'), /built-in layer/);
    assertThrows(() => registerLayerChannels('SlimpruneTestTimesTwo', 'sideways' as never), /must be 'same-channels', 'elementwise' or \{ opaque: reason \}/);
    registerLayerChannels('SlimpruneTestTimesTwo', 'elementwise');
    try {
      const graph = buildGraph(model);
      assertEqual(graph.groups.length, 2, 'both conv groups are prunable through the custom layer');
      const masks = masksWithPruning(graph, rng);
      const x = input(model, 2, 1);
      const masked = await maskModel(model, masks, { graph });
      const compact = await compactModel(model, masks, { graph });
      assertAllClose(predict(compact.model, x), predict(masked, x), { rtol: 1e-5, atol: 0 }, 'compact vs masked');
      // The fold pushes the pruned channels' constants (β) through y = 2x into the next conv.
      const gammaZeroed = await maskModel(model, masks, { graph, zeroBeta: false });
      const folded = await compactModel(model, masks, { graph, fold: 'exact' });
      assertAllClose(predict(folded.model, x), predict(gammaZeroed, x), { rtol: 1e-5, atol: 0 }, 'folded vs γ-zeroed');
      registerLayerChannels('SlimpruneTestTimesTwo', { opaque: 'it is a test layer declared opaque' });
      assertThrows(() => buildGraph(model), /it is a test layer declared opaque/);
      for (const m of [masked, compact.model, gammaZeroed, folded.model]) m.dispose();
      tf.dispose(x);
    } finally {
      unregisterLayerChannels('SlimpruneTestTimesTwo');
      model.dispose();
    }
  });

  test('compact ≡ masked (≤ 1e-5 relative) on random chain, residual, concat and depthwise models', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(101);
    for (const kind of RANDOM_KINDS) {
      for (let trial = 0; trial < 3; trial++) {
        const model = randomModel(kind, rng);
        randomizeWeights(model, rng);
        const before = weightSnapshot(model);
        const graph = buildGraph(model);
        assert(graph.groups.length >= 2, `${kind}: expected prunable groups, got ${graph.groups.length}`);
        const masks = randomMasks(graph, rng);
        const masked = await maskModel(model, masks, { graph });
        const compact = await compactModel(model, masks, { graph });
        const x = input(model, 2, trial);
        assertAllClose(predict(compact.model, x), predict(masked, x), { rtol: 1e-5, atol: 0 }, `${kind} #${trial}: compact vs masked`);
        const cg = buildGraph(compact.model);
        assertDeepEqual(cg.groups.map((g) => g.width), compact.widths, `${kind} #${trial}: the compact model's groups are the kept widths`);
        assertEqual(graphFlops(cg), graphFlops(graph, compact.widths), `${kind} #${trial}: FLOPs of the compact model`);
        assertEqual(compact.model.countParams(), graphParams(graph, compact.widths), `${kind} #${trial}: parameters of the compact model`);
        const after = weightSnapshot(model);
        before.forEach((w, i) => assertBitEqual(after[i]!, w, `${kind} #${trial}: input weight ${i} unchanged`));
        tf.dispose(x);
        [model, masked, compact.model].forEach((m) => m.dispose());
      }
    }
  });

  test('a channel fade scales pruned γ, β and depthwise biases linearly to exactly 0, ending at the masked model', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(211);
    const steps = 4;
    for (const kind of RANDOM_KINDS) {
      const model = randomModel(kind, rng);
      randomizeWeights(model, rng);
      const graph = buildGraph(model);
      const masks = randomMasks(graph, rng);
      const masked = await maskModel(model, masks, { graph });
      const start = weightSnapshot(model);
      const target = weightSnapshot(masked);
      const fade = channelFade(model, masks, { steps, graph });
      for (let i = 1; i <= steps + 1; i++) {
        fade.afterStep();
        assertEqual(fade.step, i, `${kind}: steps counted`);
        const now = weightSnapshot(model);
        const left = Math.max(0, steps - i) / steps;
        now.forEach((w, k) => {
          // Kept entries (and weights the fade does not touch) are where they started; pruned ones
          // (masked to 0 in the masked model) at the fraction `left` of their start.
          const expected = start[k]!.map((v, j) => (target[k]![j] === v ? v : v * left));
          assertAllClose(w, expected, { rtol: 1e-6, atol: 0 }, `${kind}: weight ${k} after fade step ${i}`);
        });
        if (i >= steps) now.forEach((w, k) => assertBitEqual(w, target[k]!, `${kind}: weight ${k} is the masked model's after step ${i}`));
      }
      fade.dispose();
      const compact = await compactModel(model, masks, { graph });
      const x = input(model, 2, 1);
      assertAllClose(predict(compact.model, x), predict(model, x), { rtol: 1e-5, atol: 0 }, `${kind}: compact vs faded`);
      tf.dispose(x);
      [model, masked, compact.model].forEach((m) => m.dispose());
    }
    const model = randomModel('sequential', rng);
    const masks = randomMasks(buildGraph(model), rng);
    assertThrows(() => channelFade(model, masks, { steps: 0 }), /steps must be a whole number >= 1 \(got 0\)/, 'zero steps');
    model.dispose();
  });

  test('compact ≡ masked on LeNet-5-BN and ResNet-20, with the summary of METHOD.md §9', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(7);
    for (const task of ['mnist-lenet', 'cifar-resnet'] as const) {
      const model = referenceModel(task, { seed: 3 });
      randomizeWeights(model, rng);
      const graph = buildGraph(model);
      const masks = randomMasks(graph, rng, 0.6);
      const compact = await compactModel(model, masks, { graph });
      const masked = await maskModel(model, masks, { graph });
      const x = input(model, 1, 5);
      assertAllClose(predict(compact.model, x), predict(masked, x), { rtol: 1e-5, atol: 0 }, `${task}: compact vs masked`);
      const summary = pruneSummary(graph, masks);
      assertEqual(summary.keptChannels, compact.widths.reduce((a, b) => a + b, 0), `${task}: kept channels`);
      assertEqual(summary.keptParams, compact.model.countParams(), `${task}: kept parameters`);
      assertEqual(summary.keptFlops, graphFlops(buildGraph(compact.model)), `${task}: kept FLOPs`);
      assert(summary.keptFlops < summary.flops, `${task}: FLOPs fell`);
      tf.dispose(x);
    }
  });

  test('exact fold: γ-zeroed model (β kept) ≡ compact model with the constants folded', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(202);
    for (let trial = 0; trial < 3; trial++) {
      const model = exactFoldModel();
      randomizeWeights(model, rng);
      positiveBeta(model);
      const graph = buildGraph(model);
      const masks = masksWithPruning(graph, rng);
      const gammaZeroed = await maskModel(model, masks, { graph, zeroBeta: false });
      const folded = await compactModel(model, masks, { graph, fold: 'exact' });
      const plain = await compactModel(model, masks, { graph });
      const x = input(model, 2, trial);
      const expected = predict(gammaZeroed, x);
      assertAllClose(predict(folded.model, x), expected, { rtol: 1e-5, atol: 0 }, `#${trial}: folded vs γ-zeroed`);
      assert(folded.folds.length >= 4 && folded.folds.every((f) => f.exact && f.applied), `#${trial}: every fold exact and applied: ${JSON.stringify(folded.folds)}`);
      assertDeepEqual([...new Set(folded.folds.map((f) => f.into))].sort(), ['bias', 'moving_mean', 'new_bias'], `#${trial}: fold targets`);
      const unfolded = predict(plain.model, x);
      assert(unfolded.some((v, i) => Math.abs(v - expected[i]!) > 1e-3), `#${trial}: without the fold the outputs differ (the test has teeth)`);
      tf.dispose(x);
    }
  });

  test('behind a zero-padded 3×3 conv the fold is approximate: exact inside, wrong at the borders', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(303);
    const model = paddedFoldModel();
    randomizeWeights(model, rng);
    positiveBeta(model);
    const graph = buildGraph(model);
    const masks = masksWithPruning(graph, rng);
    const gammaZeroed = await maskModel(model, masks, { graph, zeroBeta: false });
    const exactOnly = await compactModel(model, masks, { graph, fold: 'exact' });
    assert(exactOnly.folds.length === 1 && !exactOnly.folds[0]!.exact && !exactOnly.folds[0]!.applied, `'exact' skips it: ${JSON.stringify(exactOnly.folds)}`);
    const approx = await compactModel(model, masks, { graph, fold: 'approximate' });
    assert(approx.folds[0]!.applied && !approx.folds[0]!.exact, 'approximate applies it and says it is not exact');
    const x = input(model, 1, 1);
    const want = predict(gammaZeroed, x), got = predict(approx.model, x);
    const inner = (a: Float32Array) => a.filter((_, i) => {
      const p = Math.floor(i / 2), y = Math.floor(p / 6), xx = p % 6;
      return y > 0 && y < 5 && xx > 0 && xx < 5;
    });
    assertAllClose(inner(got), inner(want), { rtol: 1e-5, atol: 0 }, 'interior pixels');
    assert(got.some((v, i) => Math.abs(v - want[i]!) > 1e-3), 'the borders differ');
    tf.dispose(x);
  });

  test('a history replays on the original model to the same compact weights, over two rounds', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(404);
    const model = randomModel('residual', rng);
    randomizeWeights(model, rng);
    const graph = buildGraph(model);
    const masks = randomMasks(graph, rng, 0.7);
    const first = await compactModel(model, masks, { graph });
    const history = parseHistory(graph, JSON.stringify(historyFromMasks(graph, masks)));
    assertDeepEqual(first.history, history, 'the compaction reports its history');
    const replayed = await replayHistory(model, history);
    const a = weightSnapshot(first.model), b = weightSnapshot(replayed.model);
    a.forEach((w, i) => assertBitEqual(b[i]!, w, `replayed weight ${i}`));

    // Second round on the compact model; the concatenated history replays on the original.
    const g1 = buildGraph(first.model);
    const second = await compactModel(first.model, randomMasks(g1, rng, 0.7), { graph: g1 });
    const both = [...first.history, ...second.history];
    const again = await replayHistory(model, JSON.parse(JSON.stringify(both)));
    const c = weightSnapshot(second.model), d = weightSnapshot(again.model);
    assertEqual(d.length, c.length, 'weight count');
    c.forEach((w, i) => assertBitEqual(d[i]!, w, `two-round replay, weight ${i}`));
    assertDeepEqual(again.widths, second.widths, 'widths after two rounds');
  });

  test('masks from thresholds keep at least minChannels; importance is the mean |γ| of a residual group', async () => {
    await useTfjsBackend('cpu');
    const model = referenceModel('cifar-resnet', { seed: 9 });
    const rng = testRng(9);
    randomizeWeights(model, rng);
    const graph = buildGraph(model);
    const importance = groupImportance(model, graph);
    const bns = graph.groups[0]!.batchNorms.map((s) => model.getLayer(s.layer).getWeights()[0]!.dataSync());
    const mean = (c: number) => bns.reduce((a, g) => a + Math.abs(g[c]!), 0) / bns.length;
    assertAllClose(importance[0]!, Float32Array.from({ length: 16 }, (_, c) => mean(c)), { rtol: 1e-6 }, 'stage-1 importance');
    const masks = masksFromThresholds(graph, importance, graph.groups.map(() => 10));
    assertDeepEqual(maskWidths(graph, masks), graph.groups.map((g) => g.minChannels), 'an impossible threshold keeps minChannels');
    const top = [...importance[11]!.keys()].sort((i, j) => importance[11]![j]! - importance[11]![i]! || i - j).slice(0, 4).sort((a, b) => a - b);
    const kept = historyFromMasks(graph, masks).find((s) => s.group === 11)!.keep;
    assertDeepEqual(kept, top, 'the minChannels of largest importance');
    assertDeepEqual(maskWidths(graph, masksFromThresholds(graph, importance, graph.groups.map(() => -1))), graph.groups.map((g) => g.width), 'a negative threshold keeps all');
  });

  test('the exported model loads in stock tfjs and gives the same outputs', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(505);
    const model = randomModel('concat', rng);
    randomizeWeights(model, rng);
    const graph = buildGraph(model);
    const compact = await compactModel(model, randomMasks(graph, rng), { graph });
    const exported = await exportModel(compact.model);
    assertDeepEqual(exported.files.map((f) => f.name), ['model.json', 'weights.bin'], 'files');
    const json = JSON.parse(new TextDecoder().decode(exported.files[0]!.bytes));
    const bin = exported.files[1]!.bytes;
    // A custom IOHandler, as a user would write one around the two files.
    const handler: tf.io.IOHandler = {
      load: async () => ({
        modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy,
        weightSpecs: json.weightsManifest[0].weights, weightData: bin.slice().buffer,
      }),
    };
    const loaded = await tfl.loadLayersModel(handler);
    const x = input(model, 2, 3);
    assertBitEqual(predict(loaded, x), predict(compact.model, x), 'outputs of the loaded model');
    const storage = await modelStorage(exported);
    assertEqual(storage.weightBytes, 4 * compact.model.countParams(), 'weight bytes');
    assert(storage.gzipBytes > 0 && storage.gzipBytes < storage.weightBytes * 1.1, `gzip'd bytes ${storage.gzipBytes}`);
    tf.dispose(x);
  });

  test('bad input: NaN/Inf weights, empty keep sets, masks or histories of another model, unknown fold', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(606);
    const model = randomModel('sequential', rng);
    randomizeWeights(model, rng);
    const graph = buildGraph(model);
    const masks = fullMasks(graph);
    const poisoned = (value: number) => {
      const m = randomModel('sequential', testRng(606));
      randomizeWeights(m, testRng(1));
      const layer = m.getLayer(buildGraph(m).groups[0]!.producers[0]!);
      const [kernel, ...rest] = layer.getWeights();
      const data = kernel!.dataSync().slice();
      data[3] = value;
      layer.setWeights([tf.tensor(data, kernel!.shape), ...rest]);
      return m;
    };
    await assertRejects(() => compactModel(poisoned(NaN), masks), /weight '.*\/kernel' holds NaN at element 3/, 'NaN weight');
    await assertRejects(() => maskModel(poisoned(Infinity), masks), /holds Infinity at element 3; every weight must be finite/, 'Inf weight');
    const empty = masks.map((m, l) => (l === 1 ? new Uint32Array(m.length) : m));
    await assertRejects(() => compactModel(model, empty), /masks\[1\] keeps 0 of the \d+ channels of group 1.*at least one/, 'empty keep set');
    await assertRejects(() => compactModel(model, masks.slice(1)), /masks for a model with \d+ prunable groups/, 'too few masks');
    const wide = masks.map((m) => m.slice());
    wide[0]![0] = 0xffffffff;
    await assertRejects(() => compactModel(model, wide), /bit \d+ set but the axis has only \d+ channels/, 'a mask wider than its group');
    const other = randomModel('sequential', testRng(7));
    await assertRejects(() => compactModel(other, masks, { graph }), /the graph does not describe this model: layer '.*' is not in the model/, 'a graph of another model');
    const compacted = (await compactModel(model, masksWithPruning(graph, rng))).model;
    await assertRejects(() => maskModel(compacted, masks, { graph }), /the graph does not describe this model: layer '.*' has \d+ channels on axis/, 'a graph of the model before compaction');
    await assertRejects(() => compactModel(model, masks, { fold: 'sometimes' as never }), /fold must be 'none', 'exact' or 'approximate'/, 'unknown fold');
    assertThrows(() => masksFromHistory(graph, [{ group: 0, keep: [] }]), /step 0 keeps no channel of group 0/, 'empty history step');
    assertThrows(() => masksFromHistory(graph, [{ group: 0, keep: [0, 0] }]), /strictly ascending/, 'repeated channel');
    assertThrows(() => masksFromHistory(graph, [{ group: 0, keep: [0] }, { group: 0, keep: [1] }]), /keeps channel 1 of group 0, which has 1 channels at that step/, 'a channel already pruned');
    assertThrows(() => masksFromHistory(graph, [{ group: 99, keep: [0] }]), /names group 99/, 'unknown group');
    assertThrows(() => parseHistory(graph, '{"group": 0}'), /JSON array of \{ group, keep \} steps/, 'not an array');
    assertThrows(() => masksFromThresholds(graph, groupImportance(model, graph), graph.groups.map(() => 0.5), { minChannels: graph.groups.map(() => 0) }), /no layer may drop to zero width/, 'minChannels 0');
  });
});
