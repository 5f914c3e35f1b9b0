// Sparsity training on tfjs (METHOD.md §2): the tensor regularizers against their references and
// tfjs's autodiff, the hook's exact effect on one step, the clamp, γ moving as each method says,
// a short run whose loss falls without leaking tensors, bit-identical checkpoint/resume, and the
// errors a wrong recipe or model gets.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { suite, assert, assertEqual, assertAllClose, assertBitEqual, assertRejects, testRng } from '../harness.ts';
import {
  SparsityTrainer, train, evaluate, createRegularizer, findPrunableLayers, assignGammas, readGammas, initGammas,
  polarizationSubgradient, polarizationPenalty, l1Subgradient, encodeCheckpoint, decodeCheckpoint,
  inputConvolutions, withUnfusedConvolutions, referenceModel, registerWasmKernels,
  type TrainRecipe, type TrainingCheckpoint, type TrainProgress, type RegularizerSpec, type BatchSource, type Batcher,
} from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';
import { tinyNet, tinyNetWithoutBN, syntheticSet, SyntheticSource, weightValues, CLASSES } from './train-fixtures.ts';

const sgd = (learningRate: number, momentum = 0.9) => ({ kind: 'sgd', learningRate, momentum }) as const;

/** Random γ in (lo, hi) for every prunable layer of a model. */
function randomGammaValues(model: ReturnType<typeof tinyNet>, seed: number, lo = 0.2, hi = 0.8): Float32Array[] {
  const rng = testRng(seed);
  return findPrunableLayers(model).map((l) => Float32Array.from({ length: l.size }, () => lo + (hi - lo) * rng()));
}

function toFloat64(a: readonly Float32Array[]): Float64Array[] {
  return a.map((x) => Float64Array.from(x));
}

// Compile-time: the data stage's Batcher is a BatchSource as it is.
const batcherIsASource = (batcher: Batcher): BatchSource => batcher;
void batcherIsASource;

export const sparsityTrainingSuite = suite('sparsity training', (test) => {
  for (const backend of ['cpu', 'wasm'] as const) {
    test(`tensor regularizers equal their references and tfjs autodiff (${backend})`, async () => {
      await useTfjsBackend(backend);
      const rng = testRng(21);
      // Away from the kinks (0 and the global mean), where autodiff and the subgradient agree.
      const values = [5, 8, 3].map((n) => Float32Array.from({ length: n }, () => 0.05 + 0.9 * rng()));
      const specs: RegularizerSpec[] = [{ kind: 'l1', lambda: 3e-3 }, { kind: 'polarization', lambda: 2e-3, t: 1.3 }];
      for (const spec of specs) {
        const regularizer = createRegularizer(spec);
        const lambda = spec.kind === 'none' ? 0 : spec.lambda;
        const reference = spec.kind === 'polarization'
          ? polarizationSubgradient(toFloat64(values), spec.t)
          : l1Subgradient(toFloat64(values));
        const [added, autodiff, penalty] = tf.tidy(() => {
          const gammas = values.map((v) => tf.tensor1d(v));
          const zeros = gammas.map((g) => tf.zerosLike(g));
          const grads = tf.grads((...g: tf.Tensor[]) => regularizer.penalty(g))(gammas);
          return [
            regularizer.regularize(gammas, zeros).map((g) => g.dataSync().slice()),
            grads.map((g) => g.dataSync().slice()),
            regularizer.penalty(gammas).dataSync()[0]!,
          ];
        });
        reference.forEach((r, l) => {
          const expected = r.map((v) => lambda * v);
          assertAllClose(added[l]!, expected, { rtol: 1e-5, atol: 1e-9 }, `${spec.kind} hook, layer ${l}`);
          assertAllClose(autodiff[l]!, expected, { rtol: 1e-5, atol: 1e-9 }, `${spec.kind} autodiff, layer ${l}`);
        });
        if (spec.kind === 'polarization') {
          assertAllClose([penalty], [lambda * polarizationPenalty(toFloat64(values), spec.t)], { rtol: 1e-5 }, 'penalty value');
        }
      }
    });
  }

  test('one step adds exactly lr·λ·∂R/∂γ to γ and touches nothing else (L1, polarization)', async () => {
    await useTfjsBackend('wasm');
    const set = syntheticSet(12, 1);
    const batch = { x: set.x, labels: set.labels, size: set.count };
    const lr = 0.1;
    const run = async (regularizer: RegularizerSpec) => {
      const model = tinyNet(3);
      const start = randomGammaValues(model, 22);
      assignGammas(findPrunableLayers(model), start);
      const trainer = await SparsityTrainer.create(model, {
        epochs: 1, optimizer: sgd(lr, 0), schedule: { kind: 'constant' }, regularizer,
      }, { backend: 'wasm' });
      await trainer.step(batch);
      const isGamma = model.weights.map((w) => w.originalName.endsWith('/gamma'));
      const after = { gammas: readGammas(trainer.prunable), weights: weightValues(model), start, isGamma };
      trainer.dispose();
      model.dispose();
      return after;
    };
    const plain = await run({ kind: 'none' });
    for (const spec of [{ kind: 'l1', lambda: 0.01 }, { kind: 'polarization', lambda: 0.01, t: 1.2 }] as const) {
      const regularized = await run(spec);
      const sub = spec.kind === 'l1' ? l1Subgradient(toFloat64(plain.start)) : polarizationSubgradient(toFloat64(plain.start), spec.t);
      sub.forEach((s, l) => {
        const delta = regularized.gammas[l]!.map((g, i) => g - plain.gammas[l]![i]!);
        assertAllClose(delta, s.map((v) => -lr * spec.lambda * v), { rtol: 1e-3, atol: 2e-7 }, `${spec.kind}: Δγ of layer ${l}`);
      });
      // Every other weight (kernels, β, moving statistics) is bit-identical.
      assertEqual(regularized.isGamma.filter(Boolean).length, 2, 'two γ');
      regularized.weights.forEach((w, i) => {
        if (!regularized.isGamma[i]) assertBitEqual(w, plain.weights[i]!, `${spec.kind}: weight ${i}`);
      });
    }
  });

  test('polarization clamps γ to [0, 1] after every step; L1 does not clamp', async () => {
    await useTfjsBackend('wasm');
    const set = syntheticSet(12, 2);
    const batch = { x: set.x, labels: set.labels, size: set.count };
    for (const regularizer of [{ kind: 'polarization', lambda: 1e-3, t: 1.2 }, { kind: 'l1', lambda: 1e-3 }] as const) {
      const model = tinyNet(4);
      const layers = findPrunableLayers(model);
      assignGammas(layers, layers.map((l) => Float32Array.from({ length: l.size }, (_, i) => [-0.4, 1.5, 0.5, 2][i % 4]!)));
      const trainer = await SparsityTrainer.create(model, { epochs: 1, optimizer: sgd(0.01), regularizer }, { backend: 'wasm' });
      await trainer.step(batch);
      const gammas = readGammas(trainer.prunable).flatMap((g) => [...g]);
      if (regularizer.kind === 'polarization') {
        assert(gammas.every((g) => g >= 0 && g <= 1), `clamped: ${gammas.map((g) => g.toFixed(3))}`);
        assert(gammas.some((g) => g === 0) && gammas.some((g) => g === 1), 'values outside were clamped to the bounds');
      } else {
        assert(gammas.some((g) => g < -0.3) && gammas.some((g) => g > 1.4), `L1 leaves γ unclamped: ${gammas.map((g) => g.toFixed(3))}`);
      }
      trainer.dispose();
      model.dispose();
    }
  });

  test('L1 shrinks γ, polarization separates it, on a tiny model', async () => {
    await useTfjsBackend('wasm');
    const source = new SyntheticSource(syntheticSet(96, 3), 16, 7);
    const run = async (regularizer: RegularizerSpec) => {
      const model = tinyNet(5, [12, 16]);
      assignGammas(findPrunableLayers(model), randomGammaValues(model, 23, 0.3, 0.7));
      const result = await train(model, source, {
        epochs: 10, optimizer: sgd(0.05), schedule: { kind: 'constant' }, regularizer,
      }, { backend: 'wasm' });
      model.dispose();
      return result;
    };
    const meanAbs = (r: Awaited<ReturnType<typeof run>>) => {
      const all = r.gammas.flatMap((g) => [...g.gamma]);
      return all.reduce((s, v) => s + Math.abs(v), 0) / all.length;
    };
    const plain = await run({ kind: 'none' });
    const l1 = await run({ kind: 'l1', lambda: 0.02 });
    const polar = await run({ kind: 'polarization', lambda: 0.02, t: 1.2 });
    // Network Slimming: L1 shrinks every γ towards zero.
    assert(meanAbs(l1) < 0.6 * meanAbs(plain), `L1 mean |γ| ${meanAbs(l1)} vs ${meanAbs(plain)} without`);
    assertEqual(plain.polarization.zero, 0, 'without a regularizer no γ ends near zero');
    // Polarization: many γ to zero, the others kept well above (Zhuang et al. 2020, Fig. 1).
    const report = polar.polarization;
    assert(report.zero >= 0.4, `polarization sent ${report.zero} of γ below 0.05`);
    assert(report.separated && report.between <= 0.1, `separated (${report.between} between): ${report.warnings.join('; ')}`);
    report.layers.forEach((layer, i) => {
      const l1Layer = l1.polarization.layers[i]!;
      assert(layer.high > 0, `${layer.name} keeps channels`);
      assert(layer.upperMode > 1.4 * l1Layer.upperMode, `upper mode ${layer.upperMode} vs L1's ${l1Layer.upperMode}`);
    });
  });

  test('a short training run on wasm: the loss falls, accuracy rises, no tensor leaks', async () => {
    await useTfjsBackend('wasm');
    const source = new SyntheticSource(syntheticSet(96, 4), 16, 8);
    const model = tinyNet(6);
    const baseline = tf.memory().numTensors;
    const trainer = await SparsityTrainer.create(model, {
      epochs: 6, optimizer: sgd(0.05), weightDecay: 5e-4, regularizer: { kind: 'polarization', lambda: 1e-3, t: 1.2 },
    }, { backend: 'wasm' });
    const tensorsAfterEpoch: number[] = [];
    const progress: TrainProgress[] = [];
    const result = await trainer.fit(source, {
      evaluation: new SyntheticSource(syntheticSet(30, 5), 16, 0, false),
      onProgress: (p) => progress.push(p),
      onEpochEnd: () => void tensorsAfterEpoch.push(tf.memory().numTensors),
    });
    const losses = result.history.map((e) => e.loss);
    assert(losses.at(-1)! < 0.5 * losses[0]!, `loss fell from ${losses[0]} to ${losses.at(-1)}`);
    assert(result.history.at(-1)!.evaluation!.accuracy >= 0.9, `test accuracy ${result.history.at(-1)!.evaluation!.accuracy}`);
    assert(tensorsAfterEpoch.every((n) => n === tensorsAfterEpoch[0]), `tensors flat across epochs: ${tensorsAfterEpoch.join(', ')}`);
    trainer.dispose();
    assertEqual(tf.memory().numTensors, baseline, 'tensors after dispose (the model\'s own remain)');
    // Progress: every batch, in order, with rates.
    assertEqual(progress.length, 6 * source.batchesPerEpoch, 'one report per batch');
    const p = progress[source.batchesPerEpoch + 2]!;
    assert(p.epoch === 1 && p.batch === 3 && p.batches === 6 && p.epochs === 6, `progress ${JSON.stringify(p)}`);
    assert(p.imagesPerSecond > 0 && p.etaSeconds > 0 && progress.at(-1)!.etaSeconds === 0, 'rates and ETA');
    assertEqual(result.history[3]!.learningRate, 0.05 * 0.1, 'step schedule: ÷10 at 50%');
    assertEqual(result.history[4]!.learningRate, 0.05 * 0.1 * 0.1, 'and at 75% (epoch floor(4.5) = 4)');
    model.dispose();
  });

  test("a fit lets the caller's timers run (a sweep's claim heartbeat), without a signal too", async () => {
    await useTfjsBackend('wasm');
    const source = new SyntheticSource(syntheticSet(96, 4), 16, 8);
    const model = tinyNet(7);
    const trainer = await SparsityTrainer.create(model, {
      epochs: 40, optimizer: sgd(0.05), regularizer: { kind: 'polarization', lambda: 1e-3, t: 1.2 },
    }, { backend: 'wasm' });
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 10);
    const started = performance.now();
    try {
      await trainer.fit(source);
    } finally {
      clearInterval(timer);
    }
    const took = performance.now() - started;
    // A turn every 100 ms of training: the longest wait of the timer is one turn plus a batch.
    const waits = ticks.length === 0 ? [took] : [ticks[0]! - started, ...ticks.slice(1).map((t, i) => t - ticks[i]!)];
    assert(took > 300, `the fit took ${took.toFixed(0)} ms, too short to tell`);
    assert(Math.max(...waits) < 250, `the timer waited up to ${Math.max(...waits).toFixed(0)} ms of a ${took.toFixed(0)} ms fit (${ticks.length} ticks)`);
    trainer.dispose();
    model.dispose();
  });

  for (const optimizer of [sgd(0.05), { kind: 'adam', learningRate: 0.01 }] as const) {
    test(`N epochs straight ≡ k epochs, checkpoint, resume, N − k: bit-identical (${optimizer.kind}, wasm)`, async () => {
      await useTfjsBackend('wasm');
      const set = syntheticSet(40, 6);
      const recipe: TrainRecipe = {
        epochs: 4, optimizer, weightDecay: 5e-4, regularizer: { kind: 'polarization', lambda: 2e-3, t: 1.2 }, gammaInit: 0.5,
      };
      const straightModel = tinyNet(7);
      const straight = await train(straightModel, new SyntheticSource(set, 16, 9), recipe, { backend: 'wasm' });

      const firstModel = tinyNet(7);
      let saved: TrainingCheckpoint | undefined;
      await train(firstModel, new SyntheticSource(set, 16, 9), recipe, {
        backend: 'wasm', untilEpoch: 1, onCheckpoint: (c) => void (saved = c),
      });
      assert(saved !== undefined && saved.epoch === 1, 'a checkpoint after epoch 1');
      // Through bytes, into a differently initialised model: everything must come from the checkpoint.
      const checkpoint = decodeCheckpoint(encodeCheckpoint(saved));
      const resumedModel = tinyNet(99);
      const resumed = await train(resumedModel, new SyntheticSource(set, 16, 9), checkpoint.recipe, { backend: 'wasm', resume: checkpoint });

      const a = weightValues(straightModel);
      const b = weightValues(resumedModel);
      a.forEach((w, i) => assertBitEqual(b[i]!, w, `weight ${straightModel.weights[i]!.name}`));
      assertEqual(resumed.history.length, 4, 'history spans the checkpoint');
      resumed.history.forEach((e, i) => assertEqual(e.loss, straight.history[i]!.loss, `epoch ${i} loss`));
      for (const m of [straightModel, firstModel, resumedModel]) m.dispose();
    });
  }

  test('a model that ends in a softmax trains like the same model ending in logits', async () => {
    await useTfjsBackend('wasm');
    const recipe: TrainRecipe = { epochs: 4, optimizer: sgd(0.05), regularizer: { kind: 'polarization', lambda: 1e-3, t: 1.2 } };
    const set = syntheticSet(48, 9);
    const logits = tinyNet(10);
    const softmax = tfl.sequential({ layers: [tinyNet(10), tfl.layers.activation({ activation: 'softmax' })] });
    const a = await train(logits, new SyntheticSource(set, 16, 2), recipe, { backend: 'wasm' });
    const b = await train(softmax, new SyntheticSource(set, 16, 2), recipe, { backend: 'wasm' });
    assertAllClose(b.history.map((e) => e.loss), a.history.map((e) => e.loss), { rtol: 1e-3 }, 'losses per epoch');
    b.gammas.forEach((g, i) => assertAllClose(g.gamma, a.gammas[i]!.gamma, { rtol: 1e-3 }, `γ of layer ${i}`));
    const test = () => new SyntheticSource(syntheticSet(30, 10), 16, 0, false);
    const [p, l] = [await evaluate(softmax, test()), await evaluate(logits, test())];
    assertAllClose([p.loss], [l.loss], { rtol: 1e-3 }, 'evaluation loss from probabilities and from logits');
    assertEqual(p.accuracy, l.accuracy, 'accuracy');
    logits.dispose();
    softmax.dispose();
  });

  test("a convolution reading the data: no input gradient computed, the filter's gradient bit for bit", async () => {
    // LeNet at batch 8 (our Conv2D kernel takes conv1 on wasm), the tiny net (tfjs's), and a first
    // convolution with a bias (conv + add instead of the fused op: equal up to rounding).
    const withBias = () => {
      const model = tfl.sequential();
      model.add(tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }), biasInitializer: tfl.initializers.randomNormal({ seed: 4 }) }));
      model.add(tfl.layers.batchNormalization());
      model.add(tfl.layers.flatten());
      model.add(tfl.layers.dense({ units: CLASSES, kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }));
      return model;
    };
    const cases = [
      ['LeNet-5-BN', () => referenceModel('mnist-lenet', { seed: 3 }), 8, 10, true],
      ['tiny net', () => tinyNet(2), 5, CLASSES, true],
      ['conv with bias', withBias, 5, CLASSES, false],
    ] as const;
    for (const backend of ['cpu', 'wasm'] as const) {
      await useTfjsBackend(backend);
      if (backend === 'wasm') await registerWasmKernels();
      for (const [label, build, batch, classes, bitwise] of cases) {
        // LeNet's filter gradient takes seconds on tfjs-backend-cpu; it is here for our wasm kernel.
        if (backend === 'cpu' && batch === 8) continue;
        const model = build();
        const layers = inputConvolutions(model);
        assertEqual(layers.map((l) => l.name).join(), model.layers[0]!.name, `${label}: the input convolution found`);
        const shape = [batch, ...(model.inputs[0]!.shape.slice(1) as number[])];
        const rng = testRng(batch);
        const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() - 0.5), shape);
        const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => i % classes), 'int32'), classes);
        const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const loss = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
        const run = async (unfused: boolean) => {
          let grads: Float32Array[] = [];
          const profile = await tf.profile(() => {
            const { value, grads: g } = unfused ? withUnfusedConvolutions(layers, () => tf.variableGrads(loss, variables)) : tf.variableGrads(loss, variables);
            grads = variables.map((v) => g[v.name]!.dataSync().slice() as Float32Array);
            tf.dispose([value, ...Object.values(g)]);
          });
          const inputGradients = profile.kernels.filter((k) => k.name === 'Conv2DBackpropInput' && k.outputShapes[0]!.join() === shape.join());
          return { grads, inputGradients: inputGradients.length };
        };
        const fused = await run(false);
        const unfused = await run(true);
        const what = `${label} (${backend})`;
        assert(fused.inputGradients >= 1, `${what}: the fused op computes the data's gradient (the waste this removes)`);
        assertEqual(unfused.inputGradients, 0, `${what}: input gradients computed when unfused`);
        unfused.grads.forEach((g, i) => bitwise
          ? assertBitEqual(g, fused.grads[i]!, `${what}: gradient ${i}`)
          : assertAllClose(g, fused.grads[i]!, { rtol: 1e-5, atol: 1e-6 }, `${what}: gradient ${i}`));
        assert(!Object.prototype.hasOwnProperty.call(layers[0], 'call'), `${what}: the layer's own call is back`);
        tf.dispose([x, y]);
        model.dispose();
      }
    }
  });

  test('evaluate runs in inference mode and changes no weight', async () => {
    await useTfjsBackend('wasm');
    const model = tinyNet(8);
    const source = new SyntheticSource(syntheticSet(30, 7), 8, 0, false);
    await train(model, new SyntheticSource(syntheticSet(48, 8), 16, 1), { epochs: 2, optimizer: sgd(0.05) }, { backend: 'wasm' });
    const before = weightValues(model);
    const first = await evaluate(model, source);
    const second = await evaluate(model, source);
    weightValues(model).forEach((w, i) => assertBitEqual(w, before[i]!, `weight ${i}`));
    assertEqual(first.images, 30, 'images');
    assertEqual(first.loss, second.loss, 'deterministic');
    assert(first.accuracy >= 0 && first.accuracy <= 1 && first.loss > 0, JSON.stringify(first));
    model.dispose();
  });

  test('clear errors: no BN for a regularizer, unknown layers, a different recipe on resume, bad labels', async () => {
    await useTfjsBackend('wasm');
    const recipe: TrainRecipe = { epochs: 2, optimizer: sgd(0.1), regularizer: { kind: 'l1', lambda: 1e-4 } };
    const noBN = tinyNetWithoutBN();
    await assertRejects(() => SparsityTrainer.create(noBN, recipe), /no BatchNormalization layer with a scale/, 'no BN');
    // Without a regularizer a model without BN trains.
    (await SparsityTrainer.create(noBN, { ...recipe, regularizer: { kind: 'none' } })).dispose();
    noBN.dispose();
    const model = tinyNet(9);
    await assertRejects(() => SparsityTrainer.create(model, recipe, { prunableLayers: ['nope'] }), /prunable layer 'nope' is not in the model/, 'unknown name');
    await assertRejects(
      () => SparsityTrainer.create(model, recipe, { prunableLayers: [model.layers[0]!.name] }),
      /is a Conv2D, not a BatchNormalization layer/, 'not a BN',
    );
    await assertRejects(() => SparsityTrainer.create(model, { ...recipe, epochs: 0 }), /epochs must be a whole number >= 1/, 'zero epochs');
    const trainer = await SparsityTrainer.create(model, recipe);
    const checkpoint = await trainer.checkpoint();
    trainer.dispose();
    const other = await SparsityTrainer.create(model, { ...recipe, regularizer: { kind: 'l1', lambda: 2e-4 } });
    await assertRejects(() => other.restore(checkpoint), /different recipe \(recipe\.regularizer\.lambda\)/, 'recipe mismatch');
    const badLabels = { x: new Float32Array(2 * 36), labels: Int32Array.from([0, CLASSES]), size: 2 };
    await assertRejects(() => other.step(badLabels), /label 3 of image 1 is not a class index in \[0, 3\)/, 'label range');
    await assertRejects(() => other.step({ ...badLabels, x: new Float32Array(10) }), /needs 72/, 'short batch');
    other.dispose();
    await assertRejects(() => other.step(badLabels), /disposed/, 'after dispose');
    // A second model with the same layer names: tfjs suffixes its variables ('bn/gamma_1').
    const named = () => tfl.sequential({ layers: [
      tfl.layers.dense({ name: 'sparsity_suite_fc', inputShape: [4], units: 3 }), tfl.layers.batchNormalization({ name: 'sparsity_suite_bn' }),
    ] });
    const [first, second] = [named(), named()];
    assert(/^sparsity_suite_bn\/gamma_\d+$/.test(second.weights[2]!.name), `tfjs renamed the variable: ${second.weights[2]!.name}`);
    assertEqual(findPrunableLayers(second).map((l) => l.name).join(), 'sparsity_suite_bn', 'BN found by its original weight name');
    first.dispose();
    second.dispose();
    initGammas(model, 0.25);
    assert(readGammas(findPrunableLayers(model)).every((g) => g.every((v) => v === 0.25)), 'initGammas sets every γ');
    model.dispose();
  });
});
