// createPruner, the parts for a user's own training loop, on a functional model with a residual
// Add, a depthwise conv and a Concatenate: the sparsity step inside a plain model.fit, a plan
// that changes nothing, a compact model equal to the masked one that loads in stock tfjs, a
// target met, the coupled layers, the filter-norm path for a model without BatchNorm, and the
// refusals. Runs in every runtime.
import { suite, assert, assertEqual, assertDeepEqual, assertAllClose, assertThrows } from '../harness.ts';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createPruner, maskModel, exportModel, registerWasmKernels, Xoshiro128, env, loadImageFolder, imageFolderFromFiles, Batcher, unitNormalization, type ImageSet } from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';
import { OWN_CLASSES, OWN_IMAGE, ownImage, ownModel } from './own-data-fixtures.ts';
import { input, predict, weightSnapshot } from './random-models.ts';

const TRAIN_PIXEL_SUM = 1272409;

function images(n: number, seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const rng = new Xoshiro128(seed);
  const [h, w, c] = OWN_IMAGE;
  const x = new Float32Array(n * h * w * c);
  const y = new Float32Array(n * OWN_CLASSES.length);
  for (let i = 0; i < n; i++) {
    const label = i % OWN_CLASSES.length;
    const pixels = ownImage(label, rng);
    for (let p = 0; p < pixels.length; p++) x[i * pixels.length + p] = pixels[p]! / 255;
    y[i * OWN_CLASSES.length + label] = 1;
  }
  return { xs: tf.tensor4d(x, [n, h, w, c]), ys: tf.tensor2d(y, [n, OWN_CLASSES.length]) };
}

async function fit(model: tfl.LayersModel, callbacks: tfl.CustomCallbackArgs[], epochs = 2): Promise<void> {
  const { xs, ys } = images(24, 3);
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  await model.fit(xs, ys, { epochs, batchSize: 16, shuffle: false, verbose: 0, callbacks });
  tf.dispose([xs, ys]);
}

const gammas = (model: tfl.LayersModel) =>
  model.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => Float32Array.from(l.getWeights()[0]!.dataSync()));

/** Mean distance of every γ from the nearer of 0 and 1. */
const unpolarized = (gs: Float32Array[]) => {
  const all = gs.flatMap((g) => Array.from(g));
  return all.reduce((a, v) => a + Math.min(Math.abs(v), Math.abs(1 - v)), 0) / all.length;
};

/** Compact ≡ masked on random inputs, within 1e-5 relative. */
async function assertCompactIsMasked(model: tfl.LayersModel, compact: tfl.LayersModel, masks: readonly Uint32Array[], options: Parameters<typeof maskModel>[2]): Promise<void> {
  const masked = await maskModel(model, [...masks], options);
  const x = input(model, 4, 9);
  assertAllClose(predict(compact, x), predict(masked, x), { rtol: 1e-5, atol: 1e-6 }, 'compact vs masked');
  x.dispose();
  masked.dispose();
}

/**
 * test/fixtures/own-images (3 classes × 12 real PNG and JPEG files): from disk in Node and Deno,
 * from the served files in a browser (a page cannot list a folder: own-images.json lists it).
 * The JS decoders everywhere, so every runtime reads the same pixels.
 */
async function ownImagesFolder(): Promise<{ train: ImageSet; test: ImageSet; classNames: readonly string[] }> {
  const options = { validationFraction: 0.25, decoder: 'js' } as const;
  if (!env.IS_BROWSER) {
    const root = decodeURIComponent(new URL('../fixtures/own-images', import.meta.url).pathname);
    return loadImageFolder(root, options);
  }
  const served = async (path: string) => {
    const response = await fetch(`/test/fixtures/${path}`);
    if (!response.ok) throw new Error(`GET /test/fixtures/${path}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const paths = JSON.parse(new TextDecoder().decode(await served('own-images.json'))) as string[];
  return imageFolderFromFiles(paths.map((path) => ({ path, bytes: () => served(`own-images/${path}`) })), { ...options, root: 'own-images' });
}

export const prunerSuite = suite('pruner', (test) => {
  test('a folder of real PNG and JPEG files (served, in a browser) → batches → model.fit with the pruner → compact ≡ masked, the same pixels in every runtime', async () => {
    await useTfjsBackend('cpu');
    const folder = await ownImagesFolder();
    assertDeepEqual(folder.classNames, ['circles', 'squares', 'stripes'], 'classes');
    assertEqual(folder.train.count, 27, 'training images (9 of each 12)');
    // Recorded in Node: the same files decode to the same bytes in Deno and Chromium.
    assertEqual(folder.train.pixels.reduce((a, b) => a + b, 0), TRAIN_PIXEL_SUM, 'sum of the training pixels');
    const batcher = new Batcher(folder.train, undefined, { batchSize: folder.train.count, normalization: unitNormalization(3), shuffle: true, seed: 2 });
    const [batch] = [...batcher.epoch(0)];
    const xs = tf.tensor4d(batch!.x.slice(), [batch!.size, ...OWN_IMAGE]);
    const ys = tf.oneHot(tf.tensor1d(batch!.labels.slice(), 'int32'), 3);
    const model = ownModel(17);
    const pruner = createPruner(model, { method: 'slimming', lambda: 1e-3, target: { flops: 0.6 } });
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
    await model.fit(xs, ys, { epochs: 2, batchSize: 9, shuffle: false, verbose: 0, callbacks: [pruner.callbacks()] });
    tf.dispose([xs, ys]);
    const { model: compact, plan } = await pruner.apply();
    assert(Math.abs(plan.kept.flops / 0.6 - 1) <= 0.05, `kept ${plan.kept.flops} of the FLOPs for a target of 0.6`);
    await assertCompactIsMasked(model, compact, plan.masks, { graph: pruner.graph });
    [model, compact].forEach((m) => m.dispose());
  });


  test('callbacks() applies the sparsity term inside a plain model.fit: R(γ) falls, γ stays in [0, 1], and a λ = 0 L1 step leaves the fit the plain one, bit for bit', async () => {
    // tfjs-backend-wasm with our kernels: tfjs-cpu's depthwise gradients make three fits slow.
    await useTfjsBackend('wasm');
    await registerWasmKernels();
    const plain = ownModel();
    const pruned = ownModel();
    const idle = ownModel();
    const pruner = createPruner(pruned, { method: 'polarization', lambda: 1 });
    await fit(plain, []);
    await fit(pruned, [pruner.callbacks({ learningRate: 0.05 })]);
    await fit(idle, [createPruner(idle, { method: 'slimming', lambda: 0 }).callbacks({ learningRate: 0.05 })]);
    assert(gammas(pruned).every((g) => g.every((v) => v >= 0 && v <= 1)), 'polarization clamps every γ to [0, 1]');
    const penalty = (model: tfl.LayersModel) => {
      const p = createPruner(model, { lambda: 1 }).regularize();
      const value = p.dataSync()[0]!;
      p.dispose();
      return value;
    };
    assert(penalty(pruned) < penalty(plain) - 0.5, `R(γ) with the callback (${penalty(pruned)}) well below the plain fit's (${penalty(plain)})`);
    assertDeepEqual(weightSnapshot(idle), weightSnapshot(plain), 'weights of a fit with a λ = 0 callback');
    [plain, pruned, idle].forEach((m) => m.dispose());
  });

  test('plan() leaves the model as it is; apply() gives a compact model ≡ the masked one that loads in stock tfjs', async () => {
    await useTfjsBackend('cpu');
    const model = ownModel(11);
    const pruner = createPruner(model, { method: 'slimming', ratio: 0.4 });
    await fit(model, [pruner.callbacks({ learningRate: 0.05 })], 1);
    const weights = weightSnapshot(model);
    const plan = pruner.plan();
    assertDeepEqual(weightSnapshot(model), weights, 'weights after plan()');
    assertEqual(plan.groups.length, pruner.graph.groups.length, 'groups');
    assert(plan.widths.some((w, l) => w < pruner.graph.groups[l]!.width), 'something is pruned');
    const { model: compact, history } = await pruner.apply();
    assertDeepEqual(weightSnapshot(model), weights, 'weights after apply()');
    assertDeepEqual(compact.countParams() < model.countParams(), true, 'fewer parameters');
    assertEqual(history.length, plan.groups.filter((g) => g.kept < g.width).length, 'one history step per pruned group');
    await assertCompactIsMasked(model, compact, plan.masks, { graph: pruner.graph });
    // The compact model's files load in stock tfjs and give the same outputs.
    const files = await exportModel(compact);
    const json = JSON.parse(new TextDecoder().decode(files.files.find((f) => f.name === 'model.json')!.bytes));
    const weightBytes = files.files.filter((f) => f.name !== 'model.json').map((f) => f.bytes);
    const joined = new Uint8Array(weightBytes.reduce((a, b) => a + b.length, 0));
    let at = 0;
    for (const b of weightBytes) { joined.set(b, at); at += b.length; }
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData: joined.buffer,
    }));
    const x = input(model, 3, 5);
    assertAllClose(predict(loaded, x), predict(compact, x), { rtol: 0, atol: 0 }, 'loaded vs compact');
    x.dispose();
    [model, compact, loaded].forEach((m) => m.dispose());
  });

  test('a FLOPs target is met within 5%, for each rule; roundTo and ignoredLayers hold', async () => {
    await useTfjsBackend('cpu');
    const model = ownModel(13);
    await fit(model, [createPruner(model).callbacks({ learningRate: 0.05 })], 1);
    for (const method of ['polarization', 'slimming'] as const) {
      const plan = createPruner(model, { method, target: { flops: 0.5 } }).plan();
      assert(Math.abs(plan.kept.flops / 0.5 - 1) <= 0.05, `${method}: kept ${plan.kept.flops} of the FLOPs for a target of 0.5`);
    }
    const rounded = createPruner(model, { method: 'slimming', ratio: 0.5, roundTo: 4 }).plan();
    for (const g of rounded.groups) assert(g.kept % 4 === 0 || g.kept === g.width, `kept ${g.kept} of ${g.width}: a multiple of 4`);
    const ignoring = createPruner(model, { method: 'slimming', ratio: 0.6, ignoredLayers: ['left'] }).plan();
    const left = ignoring.groups.find((g) => g.layers.includes('left'))!;
    assertEqual(left.kept, left.width, "the ignored layer's channels");
    model.dispose();
  });

  test('groupOf() names the coupled layers: the residual pair with its depthwise conv, a Concatenate branch alone', async () => {
    await useTfjsBackend('cpu');
    const model = ownModel();
    const pruner = createPruner(model);
    const residual = pruner.groupOf('project');
    assertDeepEqual(new Set(residual.producers), new Set(['stem', 'project']), 'producers coupled by the Add');
    assertDeepEqual(residual.depthwise, ['dw'], 'the depthwise conv carries them');
    assertDeepEqual(new Set(residual.consumers), new Set(['project', 'left', 'right']), 'their readers');
    assertEqual(pruner.groupOf('stem_bn').group, residual.group, 'a BN names its group');
    assertDeepEqual(pruner.groupOf('right').producers, ['right'], 'a Concatenate branch is a group of its own');
    assertThrows(() => pruner.groupOf('nope'), /has no layer 'nope'/);
    assertThrows(() => pruner.groupOf('logits'), /not prunable:.*reaches the model output 'logits'/);
    model.dispose();
  });

  test("'l1-norm' prunes a model without BatchNorm: filters and biases masked, compact ≡ masked", async () => {
    await useTfjsBackend('cpu');
    const x0 = tfl.input({ shape: [8, 8, 2] });
    const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
    let x = tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: 'ones' }).apply(x0) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ filters: 5, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ units: 3, kernelInitializer: init(3) }).apply(tfl.layers.flatten().apply(x)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x0, outputs: x });
    assertThrows(() => createPruner(model), /no BatchNormalization/);
    const pruner = createPruner(model, { method: 'l1-norm', ratio: 0.5 });
    const { model: compact, plan } = await pruner.apply();
    assert(plan.widths.every((w, l) => w < pruner.graph.groups[l]!.width), 'both convolutions lose channels');
    assertEqual(plan.importance, 'l1-norm', 'importance');
    await assertCompactIsMasked(model, compact, plan.masks, { graph: pruner.graph });
    // A sigmoid does not map 0 to 0: its channels stay.
    const s0 = tfl.input({ shape: [8, 8, 2] });
    const sig = tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'sigmoid' }).apply(s0) as tfl.SymbolicTensor;
    const sigmoid = tfl.model({ inputs: s0, outputs: tfl.layers.dense({ units: 2 }).apply(tfl.layers.flatten().apply(sig)) as tfl.SymbolicTensor });
    assertThrows(() => createPruner(sigmoid, { method: 'l1-norm' }), /does not map 0 to 0/);
    [model, compact, sigmoid].forEach((m) => m.dispose());
  });

  test('refuses what it cannot do, saying what to change', async () => {
    await useTfjsBackend('cpu');
    const model = ownModel();
    assertThrows(() => createPruner(model, { method: 'magic' as never }), /method must be/);
    assertThrows(() => createPruner(model, { target: { flops: 1.5 } }), /fraction kept/);
    assertThrows(() => createPruner(model, { target: { flops: 0.001 } }).plan(), /cannot prune to 0.1% of the FLOPs.*ask for/);
    assertThrows(() => createPruner(model, { ignoredLayers: ['nope'] }).plan(), /ignoredLayers names 'nope'/);
    const noRate = createPruner(model).callbacks();
    let message = '';
    await Promise.resolve(noRate.onBatchEnd!(0, {})).catch((e: Error) => void (message = e.message));
    assert(/learningRate/.test(message), `a model without an optimizer asks for callbacks({ learningRate }), got '${message}'`);
    model.dispose();
  });
});
