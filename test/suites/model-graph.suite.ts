import { suite, assert, assertEqual, assertDeepEqual, assertThrows, assertBitEqual, testRng } from '../harness.ts';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  referenceModel, REFERENCE_TASKS, buildGraph, graphFlops, graphParams, flopsModel, paramsModel, evaluateQuadratic,
  defaultMinChannels, graphLayer, keptAxisIndices, annealGroups, prunableBatchNorms, type PruningGraph,
} from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';
import { RANDOM_KINDS, randomModel } from './random-models.ts';

type T = tfl.SymbolicTensor;

const widths = (g: PruningGraph) => g.groups.map((x) => x.width);
const producers = (g: PruningGraph) => g.groups.map((x) => x.producers.join('+'));

/** conv→BN→ReLU, twice with an identity Add, a projection block, GAP, dense. */
function tinyResidual(): tfl.LayersModel {
  const input = tfl.input({ name: 'in', shape: [6, 6, 2] });
  const cbn = (x: T, name: string, filters: number, strides = 1, kernelSize = 3) =>
    tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(
      tfl.layers.conv2d({ name, filters, kernelSize, strides, padding: 'same', useBias: false }).apply(x),
    ) as T;
  const relu = (x: T, name: string) => tfl.layers.reLU({ name }).apply(x) as T;
  const stem = relu(cbn(input, 'stem', 4), 'stem_relu');
  const b1 = cbn(relu(cbn(stem, 'b1a', 3), 'b1a_relu'), 'b1b', 4);
  const x1 = relu(tfl.layers.add({ name: 'add1' }).apply([b1, stem]) as T, 'r1');
  const b2 = cbn(relu(cbn(x1, 'b2a', 5, 2), 'b2a_relu'), 'b2b', 6);
  const proj = cbn(x1, 'proj', 6, 2, 1);
  const x2 = relu(tfl.layers.add({ name: 'add2' }).apply([b2, proj]) as T, 'r2');
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x2) as T;
  return tfl.model({ name: 'tiny_residual', inputs: input, outputs: tfl.layers.dense({ name: 'fc', units: 3 }).apply(pooled) as T });
}

export const modelGraphSuite = suite('model graph', (test) => {
  test('reference networks: groups, widths, FLOPs and parameters (METHOD.md §10)', async () => {
    await useTfjsBackend('cpu');
    const lenet = buildGraph(referenceModel('mnist-lenet', { seed: 1 }));
    assertDeepEqual(widths(lenet), [20, 50, 500], 'LeNet-5-BN groups');
    assertDeepEqual(producers(lenet), ['conv1', 'conv2', 'fc1'], 'LeNet producers');
    // Flatten→Dense: 4·4 positions of 50 channels, row (y·W + x)·C + c.
    assertDeepEqual(lenet.groups[1]!.consumers, [{ layer: 'fc1', offset: 0, positions: 16, period: 50, expand: 1 }], 'flatten rows of conv2');
    assertEqual(graphFlops(lenet), 24 * 24 * 25 * 20 + 8 * 8 * 25 * 20 * 50 + 800 * 500 + 500 * 10, 'LeNet multiply-adds');
    // Contrast weights w_l (METHOD.md §5): the share of the FLOPs in layers that read or produce the group.
    const shares = annealGroups(lenet).map((g) => g.weight * 2_293_000);
    [288_000 + 1_600_000, 1_600_000 + 400_000, 400_000 + 5_000].forEach((want, l) => assert(Math.abs(shares[l]! - want) < 1e-6, `LeNet group ${l} FLOPs share ${shares[l]}, expected ${want}`));
    assertDeepEqual(annealGroups(lenet).map((g) => g.minChannels), [1, 3, 25], 'minChannels');
    assertDeepEqual(prunableBatchNorms(lenet), ['bn1', 'bn2', 'bn3'], 'the prunable BNs');
    const vggModel = referenceModel('cifar-vgg', { seed: 1 });
    const vgg = buildGraph(vggModel);
    assertDeepEqual(widths(vgg), [32, 64, 128, 128, 256, 256, 256, 256], 'VGG-11 half groups');
    assertEqual(graphFlops(vgg), 38_636_032, 'VGG-11 half multiply-adds (METHOD.md: about 39M)');
    const resModel = referenceModel('cifar-resnet', { seed: 1 });
    const res = buildGraph(resModel);
    assertEqual(res.groups.length, 12, 'ResNet-20 groups: 3 residual + 9 inner');
    assertEqual(graphFlops(res), 40_813_184, 'ResNet-20 multiply-adds (METHOD.md: about 41M)');
    assertDeepEqual(res.groups[0]!.producers, ['stem_conv', 's1b1_conv2', 's1b2_conv2', 's1b3_conv2'], 'stage-1 residual group');
    assertDeepEqual(res.groups[5]!.producers, ['s2b1_conv2', 's2b1_proj_conv', 's2b2_conv2', 's2b3_conv2'], 'stage-2 residual group');
    assertDeepEqual(res.groups[0]!.consumers.map((c) => c.layer), ['s1b1_conv1', 's1b2_conv1', 's1b3_conv1', 's2b1_conv1', 's2b1_proj_conv'], 'stage-1 consumers');
    assertDeepEqual(res.groups[9]!.consumers.map((c) => c.layer), ['s3b2_conv1', 's3b3_conv1', 'fc'], 'stage-3 consumers');
    for (const [name, graph, model] of [['VGG', vgg, vggModel], ['ResNet', res, resModel]] as const) {
      assertEqual(graphParams(graph), model.countParams(), `${name} parameters`);
    }
    for (const g of [lenet, vgg, res]) {
      assert(g.fixed.some((f) => f.reasons.some((r) => r.includes('model input'))), 'the input channels are fixed');
      assert(g.fixed.some((f) => f.reasons.some((r) => r.includes('model output'))), 'the logits are fixed');
    }
  });

  test('reference models are seeded: same seed, same weights; γ starts at gammaInit', async () => {
    const tf = await useTfjsBackend('cpu');
    for (const task of REFERENCE_TASKS) {
      const a = referenceModel(task, { seed: 42 }).getWeights();
      const b = referenceModel(task, { seed: 42 }).getWeights();
      const c = referenceModel(task, { seed: 43 }).getWeights();
      assertEqual(a.length, b.length, `${task} weight count`);
      for (let i = 0; i < a.length; i++) assertBitEqual(a[i]!.dataSync(), b[i]!.dataSync(), `${task} weight ${i}`);
      const kernel = a.findIndex((w) => w.shape.length === 4);
      assert(tf.notEqual(a[kernel]!, c[kernel]!).any().dataSync()[0] === 1, `${task}: another seed gives other weights`);
    }
    const m = referenceModel('mnist-lenet', { seed: 1, gammaInit: 0.25 });
    assertBitEqual(m.getLayer('bn2').getWeights()[0]!.dataSync(), new Float32Array(50).fill(0.25), 'γ = gammaInit');
    assertThrows(() => referenceModel('mnist-lenet', { seed: -1 }), /seed must be an integer/, 'negative seed');
    assertThrows(() => referenceModel('imagenet' as never, { seed: 1 }), /unknown reference task 'imagenet'/, 'unknown task');
  });

  test('residual: the inputs of every Add form one group; projections join it', async () => {
    await useTfjsBackend('cpu');
    const g = buildGraph(tinyResidual());
    assertDeepEqual(producers(g), ['stem+b1b', 'b1a', 'b2a', 'b2b+proj'], 'groups');
    assertDeepEqual(widths(g), [4, 3, 5, 6], 'widths');
    assertDeepEqual(g.groups[0]!.batchNorms.map((s) => s.layer), ['stem_bn', 'b1b_bn'], 'BNs of the coupled group');
    assertDeepEqual(g.groups[0]!.consumers.map((s) => s.layer), ['b1a', 'b2a', 'proj'], 'consumers of the coupled group');
    assertDeepEqual(g.groups[3]!.consumers.map((s) => s.layer), ['fc'], 'the dense layer reads the last group');
    assertEqual(g.groups[0]!.minChannels, 1, 'minChannels of a 4-wide group');
    assertEqual(defaultMinChannels(500), 25, 'minChannels = ceil(0.05 · 500)');
  });

  test('concatenate: each part maps to an offset range of the consumer\'s input channels', async () => {
    await useTfjsBackend('cpu');
    const input = tfl.input({ shape: [5, 5, 2] });
    const cbr = (x: T, name: string, filters: number) => tfl.layers.reLU().apply(
      tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(tfl.layers.conv2d({ name, filters, kernelSize: 1 }).apply(x)),
    ) as T;
    const a = cbr(input, 'a', 3), b = cbr(input, 'b', 4);
    const cat = tfl.layers.concatenate({ name: 'cat' }).apply([a, b, a]) as T;
    const c = cbr(cat, 'c', 2);
    const flat = tfl.layers.flatten({ name: 'flat' }).apply(tfl.layers.concatenate({ name: 'cat2' }).apply([c, b]) as T) as T;
    const g = buildGraph(tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'out', units: 2 }).apply(flat) as T }));
    assertDeepEqual(producers(g), ['a', 'b', 'c'], 'groups');
    assertDeepEqual(g.groups[0]!.consumers.map((s) => [s.layer, s.offset]), [['c', 0], ['c', 7]], 'a twice in c\'s input');
    assertDeepEqual(g.groups[1]!.consumers.map((s) => [s.layer, s.offset, s.positions, s.period]), [['c', 3, 1, 4], ['out', 2, 25, 6]], 'b in c and in the flattened rows');
    // Keep channel 1 of a, 0 and 3 of b, 1 of c: the dense rows kept at each of 25 positions.
    const kept = [Uint8Array.of(0, 1, 0), Uint8Array.of(1, 0, 0, 1), Uint8Array.of(0, 1)];
    assertDeepEqual([...keptAxisIndices(graphLayer(g, 'c').inputLayouts[0]!, kept)!], [1, 3, 6, 8], 'c input channels kept');
    const rows = [...keptAxisIndices(graphLayer(g, 'out').inputLayouts[0]!, kept)!];
    assertDeepEqual(rows.slice(0, 6), [1, 2, 5, 7, 8, 11], 'dense rows kept at the first positions');
    assertEqual(rows.length, 25 * 3, 'dense rows kept');
  });

  test('depthwise: channels and multiplier pass through, its BN joins the input group', async () => {
    await useTfjsBackend('cpu');
    const input = tfl.input({ shape: [6, 6, 3] });
    let x = tfl.layers.conv2d({ name: 'pw', filters: 4, kernelSize: 1, useBias: false }).apply(input) as T;
    x = tfl.layers.reLU().apply(tfl.layers.batchNormalization({ name: 'pw_bn' }).apply(x)) as T;
    x = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same' }).apply(x) as T;
    x = tfl.layers.batchNormalization({ name: 'dw_bn' }).apply(x) as T;
    x = tfl.layers.conv2d({ name: 'pw2', filters: 5, kernelSize: 1 }).apply(tfl.layers.reLU().apply(x)) as T;
    x = tfl.layers.batchNormalization({ name: 'pw2_bn' }).apply(x) as T;
    x = tfl.layers.globalAveragePooling2d({}).apply(x) as T;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'out', units: 2 }).apply(x) as T });
    const g = buildGraph(model);
    assertDeepEqual(producers(g), ['pw', 'pw2'], 'groups');
    assertDeepEqual(g.groups[0]!.batchNorms, [
      { layer: 'pw_bn', offset: 0, positions: 1, period: 4, expand: 1 },
      { layer: 'dw_bn', offset: 0, positions: 1, period: 8, expand: 2 },
    ], 'the depthwise output BN is coupled to the input group, two channels per input channel');
    assertDeepEqual(g.groups[0]!.depthwise.map((s) => s.layer), ['dw'], 'depthwise carries the group');
    assertDeepEqual(g.groups[0]!.consumers.map((s) => [s.layer, s.expand]), [['pw2', 2]], 'pw2 reads it expanded');
    assertEqual(graphParams(g), model.countParams(), 'parameters');
  });

  test('FlopsModel (constant + linear + edges) equals the FLOPs function at random widths', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(5);
    const graphs = [
      ...REFERENCE_TASKS.slice(1).map((t) => buildGraph(referenceModel(t, { seed: 1 }))),
      buildGraph(tinyResidual()),
      ...RANDOM_KINDS.map((k) => buildGraph(randomModel(k, rng))),
    ];
    for (const g of graphs) {
      const flops = flopsModel(g), params = paramsModel(g);
      assertEqual(flops.linear.length, g.groups.length, 'one linear term per group');
      assert(flops.edges.every((e) => e.coef > 0 && e.a <= e.b), 'edges are positive, a <= b');
      for (let trial = 0; trial < 20; trial++) {
        const n = g.groups.map((x) => 1 + Math.floor(rng() * x.width));
        const direct = graphFlops(g, n), model = evaluateQuadratic(flops, n);
        assert(Math.abs(direct - model) <= 1e-9 * direct, `${g.modelName}: FLOPs ${direct} vs FlopsModel ${model} at [${n}]`);
        assertEqual(evaluateQuadratic(params, n), graphParams(g, n), `${g.modelName}: parameters at [${n}]`);
      }
    }
  });

  test('graphs are plain data: only objects, arrays, strings, finite numbers, booleans and null', async () => {
    await useTfjsBackend('cpu');
    const g = buildGraph(tinyResidual());
    const impure: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) impure.push(`${path} = ${v}`);
        return;
      }
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
      if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
        return;
      }
      impure.push(`${path} is ${typeof v === 'object' ? (v as object).constructor?.name : typeof v}`);
    };
    walk(g, 'graph');
    assertDeepEqual(impure, [], 'values that are not plain data');
    // So it crosses a worker or a file unchanged (structured clone and JSON alike).
    assertDeepEqual(JSON.parse(JSON.stringify(g)), g, 'JSON round trip');
    assertDeepEqual(structuredClone(g), g, 'structured clone');
    assert(g.groups.length > 0 && g.layers.length > 5, 'the graph has groups and layers');
  });

  test('refusals name the layer and say what to do; convs without BN are fixed, not refused', async () => {
    await useTfjsBackend('cpu');
    const noBn = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [5, 5, 1], filters: 2, kernelSize: 3 }), tfl.layers.flatten(), tfl.layers.dense({ units: 2 })] });
    assertThrows(() => buildGraph(noBn), /has no BatchNormalization layer.*add one after every layer/, 'a model without BatchNormalization');

    const unknown = () => {
      const input = tfl.input({ shape: [4, 4, 2] });
      let x = tfl.layers.batchNormalization({ name: 'c_bn' }).apply(tfl.layers.conv2d({ name: 'c', filters: 4, kernelSize: 1 }).apply(input)) as T;
      x = tfl.layers.reshape({ name: 'weird', targetShape: [8, 8] }).apply(x) as T;
      x = tfl.layers.flatten().apply(x) as T;
      return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2 }).apply(x) as T });
    };
    assertThrows(() => buildGraph(unknown()), /layer 'weird' \(Reshape\) reads the prunable channels produced by 'c'.*unsupported: 'keep'/, 'an unknown layer on a pruned path');
    const kept = buildGraph(unknown(), { unsupported: 'keep' });
    assertEqual(kept.groups.length, 0, 'with unsupported: keep the group is fixed');
    assert(kept.fixed.some((f) => f.producers.includes('c') && f.reasons.some((r) => r.includes("'weird'"))), 'the reason names the layer');

    const sigmoid = tfl.sequential({ layers: [
      tfl.layers.conv2d({ name: 'c', inputShape: [4, 4, 2], filters: 3, kernelSize: 1 }), tfl.layers.batchNormalization(),
      tfl.layers.activation({ name: 'sig', activation: 'sigmoid' }), tfl.layers.flatten(), tfl.layers.dense({ units: 2 }),
    ] });
    assertThrows(() => buildGraph(sigmoid), /'sig' \(Activation\).*does not map 0 to 0/, 'sigmoid on a pruned path');

    const noBnConv = tfl.sequential({ layers: [
      tfl.layers.conv2d({ name: 'plain', inputShape: [5, 5, 1], filters: 3, kernelSize: 3 }), tfl.layers.reLU(),
      tfl.layers.conv2d({ name: 'normed', filters: 4, kernelSize: 3 }), tfl.layers.batchNormalization(), tfl.layers.reLU(),
      tfl.layers.flatten(), tfl.layers.dense({ units: 2 }),
    ] });
    const g = buildGraph(noBnConv);
    assertDeepEqual(producers(g), ['normed'], 'only the conv with a BN is prunable');
    assert(g.fixed.some((f) => f.producers.includes('plain') && f.reasons.some((r) => /not followed by a BatchNormalization/.test(r))), 'the plain conv is fixed, with its reason');

    const inner = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 1 }), tfl.layers.batchNormalization()] });
    const nested = tfl.sequential({ layers: [inner, tfl.layers.flatten(), tfl.layers.dense({ units: 2 })] });
    assertThrows(() => buildGraph(nested), /nested model.*one flat model/, 'a nested model');

    const input = tfl.input({ shape: [4, 4, 2] });
    const shared = tfl.layers.conv2d({ name: 'shared', filters: 2, kernelSize: 1 });
    const twice = shared.apply(tfl.layers.batchNormalization().apply(shared.apply(input))) as T;
    assertThrows(() => buildGraph(tfl.model({ inputs: input, outputs: twice })), /'shared' \(Conv2D\) is applied 2 times/, 'a shared layer');
  });
});
