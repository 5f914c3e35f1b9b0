// slimprune/infer on ONNX: the bytes exportOnnx writes for a model, loaded with
// loadInferenceModel({ onnx }), give model.predict's outputs (within 1e-5 of the largest output)
// on the reference networks (pruned, compact and deployed), the random residual, depthwise and
// concat models and the model of every layer the runtime runs, at batch 1 and 3; and they run the
// very steps the model's model.json runs (same layers and fusions, no transposing copy). A graph
// written for NCHW as other exporters write it (NCHW input, symmetric pads, a Flatten of NCHW into
// a transposed Gemm) gives what tfjs's ops compute for it, and so do the activations with
// parameters that PyTorch writes (LeakyRelu, Elu, HardSigmoid, HardSwish, Clip) and a Pad with
// zeros before a convolution. Bad files are refused, each with what
// was wrong: an op it does not run, bytes cut short, a missing initializer, a cycle, sizes that
// would take memory or time without bound.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { suite, assert, assertDeepEqual, assertEqual, assertRejects, randomArray, testRng } from '../harness.ts';
import { useTfjsBackend } from '../tfjs.ts';
import {
  loadInferenceModel, exportModel, exportOnnx, encodeOnnxModel, fuseBatchNorm, referenceModel, buildGraph, compactModel,
  type InferenceModel, type OnnxAttribute, type OnnxInitializer, type OnnxModel, type OnnxNode,
} from 'slimprune/internal';
import { RANDOM_KINDS, randomMasks, randomModel, randomizeWeights } from './random-models.ts';
import { ownModel } from './own-data-fixtures.ts';
import { layerZoo, referenceAndOwnModels, runtimeAgreement } from './infer-models.ts';

const BATCHES = [1, 3] as const;

/** exportOnnx's bytes in slimprune/infer against model.predict, at each batch size. */
async function onnxAgreement(model: tfl.LayersModel, what: string, seed: number): Promise<void> {
  const bytes = await exportOnnx(model);
  for (const batch of BATCHES) {
    const error = runtimeAgreement(model, await loadInferenceModel({ onnx: bytes }), batch, seed + batch);
    assert(error <= 1e-5, `${what}, batch ${batch}: off by ${error} of the largest output`);
  }
}

/**
 * The classes of the steps a model runs, sorted (the two files may order independent branches
 * differently); a ReLU layer and an Activation layer are the same step.
 */
const stepClasses = (m: InferenceModel) => m.steps.map((s) => (s.className === 'ReLU' ? 'Activation' : s.className)).sort();

async function sameStepsAsModelJson(model: tfl.LayersModel, what: string): Promise<void> {
  const files = await exportModel(model);
  const fromJson = await loadInferenceModel({ modelJson: files.modelJson, weights: files.weights });
  const fromOnnx = await loadInferenceModel({ onnx: await exportOnnx(model) });
  assertDeepEqual(stepClasses(fromOnnx), stepClasses(fromJson), `${what}: the ONNX file's steps`);
  assertDeepEqual(fromOnnx.inputShape, fromJson.inputShape, `${what}: input shape`);
  assertDeepEqual(fromOnnx.outputShape, fromJson.outputShape, `${what}: output shape`);
  fromJson.dispose();
  fromOnnx.dispose();
}

const ints = (values: readonly number[]): OnnxAttribute => ({ ints: values });
const node = (opType: string, inputs: readonly string[], output: string, attributes?: Record<string, OnnxAttribute>): OnnxNode =>
  ({ opType, name: output, inputs, outputs: [output], ...(attributes && { attributes }) });
const floats = (name: string, dims: readonly number[], data: Float32Array): OnnxInitializer => ({ name, dims, data });

/** An ONNX model of `nodes` from one float input to one output, as encodeOnnxModel writes it. */
function graph(nodes: readonly OnnxNode[], initializers: readonly OnnxInitializer[], input: readonly (number | string)[], output: string, outputDims: readonly (number | string)[]): OnnxModel {
  return {
    graphName: 'test', nodes, initializers, inputs: [{ name: 'x', dims: input }], outputs: [{ name: output, dims: outputDims }],
    opset: 13, irVersion: 7, producerName: 'test', docString: '', metadata: {},
  };
}

/** OIHW values as tfjs's HWIO kernel. */
const hwio = (data: Float32Array, [o, i, kh, kw]: readonly number[]) => tf.transpose(tf.tensor4d(data, [o!, i!, kh!, kw!]), [2, 3, 1, 0]) as tf.Tensor4D;

export const inferOnnxSuite = suite('slimprune/infer ONNX', (test) => {
  test('≡ model.predict on LeNet, the VGG, ResNet-20 and a residual/depthwise/concat model, pruned, compact and deployed, at batch 1 and 3', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(451);
    for (const [name, model] of referenceAndOwnModels()) {
      randomizeWeights(model, rng);
      const { model: folded } = await fuseBatchNorm(model);
      const graph = buildGraph(model);
      const { model: compact } = await compactModel(model, randomMasks(graph, rng, 0.5), { graph });
      const { model: deployed } = await fuseBatchNorm(compact);
      for (const [form, m] of [['unpruned, deployed', folded], ['pruned, compact', compact], ['pruned, deployed', deployed]] as const) {
        await onnxAgreement(m, `${name} ${form}`, 11);
      }
      [model, folded, compact, deployed].forEach((m) => m.dispose());
    }
  }, 120_000);

  test('≡ model.predict on random chain, residual, concat and depthwise models, compact and deployed, at batch 1 and 3', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(452);
    for (const kind of RANDOM_KINDS) {
      for (let trial = 0; trial < 2; trial++) {
        const model = randomModel(kind, rng);
        randomizeWeights(model, rng);
        const { model: deployed } = await fuseBatchNorm(model);
        await onnxAgreement(model, `${kind} #${trial} compact`, trial);
        await onnxAgreement(deployed, `${kind} #${trial} deployed`, trial);
        model.dispose();
        deployed.dispose();
      }
    }
  }, 120_000);

  test('≡ model.predict on a model of every layer and option slimprune/infer runs, at odd sizes', async () => {
    await useTfjsBackend('cpu');
    const model = layerZoo(31);
    randomizeWeights(model, testRng(453));
    await onnxAgreement(model, 'layer zoo', 5);
    model.dispose();
  });

  test("runs the steps of the model's model.json: the same layers and fusions, no transposing copy", async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(454);
    const models: [string, tfl.LayersModel][] = [
      ['mnist-lenet', referenceModel('mnist-lenet', { seed: 4 })],
      ['cifar-resnet', referenceModel('cifar-resnet', { seed: 5 })],
      ['own', ownModel(6)],
      ...RANDOM_KINDS.map((kind): [string, tfl.LayersModel] => [kind, randomModel(kind, rng)]),
    ];
    for (const [name, model] of models) {
      const { model: deployed } = await fuseBatchNorm(model);
      await sameStepsAsModelJson(model, `${name} compact`);
      await sameStepsAsModelJson(deployed, `${name} deployed`);
      const steps = stepClasses(await loadInferenceModel({ onnx: await exportOnnx(deployed) }));
      assert(!steps.includes('Permute'), `${name}: a Permute among the steps (${steps.join(', ')})`);
      assert(!steps.includes('Activation'), `${name} deployed: every ReLU fused into its layer (${steps.join(', ')})`);
      model.dispose();
      deployed.dispose();
    }
  }, 60_000);

  test('an NCHW graph as other exporters write it ≡ tfjs ops: NCHW input, symmetric pads at stride 2, a Flatten (or Reshape) of NCHW into a transposed Gemm', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(455);
    const w1 = randomArray(4 * 3 * 3 * 3, rng, -0.5, 0.5);
    const b1 = randomArray(4, rng, -0.5, 0.5);
    const w2 = randomArray(5 * 4, rng, -0.5, 0.5);
    const scale = randomArray(9, rng, 0.5, 1.5);
    const shift = randomArray(9, rng, -0.5, 0.5);
    const mean = randomArray(9, rng, -0.5, 0.5);
    const variance = randomArray(9, rng, 0.5, 1.5);
    const fc = randomArray(6 * 9 * 4 * 4, rng, -0.2, 0.2);
    const fcBias = randomArray(6, rng, -0.5, 0.5);
    for (const flatten of ['Flatten', 'Reshape'] as const) {
      const model = graph([
        node('Conv', ['x', 'w1', 'b1'], 'c1', { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }),
        node('Relu', ['c1'], 'r1'),
        node('Conv', ['r1', 'w2'], 'c2', { kernel_shape: ints([1, 1]) }),
        node('Concat', ['r1', 'c2'], 'cat', { axis: { int: 1 } }),
        node('BatchNormalization', ['cat', 'scale', 'shift', 'mean', 'variance'], 'bn', { epsilon: { float: 1e-3 } }),
        flatten === 'Flatten' ? node('Flatten', ['bn'], 'flat', { axis: { int: 1 } }) : node('Reshape', ['bn', 'shape'], 'flat'),
        node('Gemm', ['flat', 'fc', 'fc_bias'], 'logits', { transB: { int: 1 } }),
        node('Softmax', ['logits'], 'y', { axis: { int: -1 } }),
      ], [
        floats('w1', [4, 3, 3, 3], w1), floats('b1', [4], b1), floats('w2', [5, 4, 1, 1], w2),
        floats('scale', [9], scale), floats('shift', [9], shift), floats('mean', [9], mean), floats('variance', [9], variance),
        floats('fc', [6, 144], fc), floats('fc_bias', [6], fcBias),
        { name: 'shape', dims: [2], data: BigInt64Array.of(0n, -1n) },
      ], ['batch', 3, 8, 8], 'y', ['batch', 6]);
      const runtime = await loadInferenceModel({ onnx: await encodeOnnxModel(model) });
      assertDeepEqual(runtime.inputShape, [3, 8, 8], `${flatten}: the input shape is the graph's own (NCHW)`);
      // The input goes channels-last once; the Gemm reads the channels-last values with its rows
      // permuted; the ReLU and the softmax are the convolution's and the dense layer's.
      assertDeepEqual(runtime.steps.map((s) => s.className), ['Permute', 'Conv2D', 'Conv2D', 'Concatenate', 'BatchNormalization', 'Dense'], `${flatten}: steps`);
      for (const batch of BATCHES) {
        const x = randomArray(batch * 3 * 8 * 8, rng, -1, 1);
        const want = tf.tidy(() => {
          const nhwc = tf.transpose(tf.tensor4d(x, [batch, 3, 8, 8]), [0, 2, 3, 1]) as tf.Tensor4D;
          const r1 = tf.relu(tf.add(tf.conv2d(nhwc, hwio(w1, [4, 3, 3, 3]), 2, [[0, 0], [1, 1], [1, 1], [0, 0]]), b1));
          const c2 = tf.conv2d(r1 as tf.Tensor4D, hwio(w2, [5, 4, 1, 1]), 1, 'valid');
          const bn = tf.batchNorm(tf.concat([r1, c2], -1), mean, variance, shift, scale, 1e-3);
          const flat = tf.reshape(tf.transpose(bn, [0, 3, 1, 2]), [batch, 144]);
          return tf.softmax(tf.add(tf.matMul(flat, tf.tensor2d(fc, [6, 144]), false, true), fcBias)).dataSync();
        });
        const got = runtime.predict(x, batch);
        let worst = 0;
        want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
        assert(worst <= 1e-5 * Math.max(...Array.from(want, Math.abs)), `${flatten}, batch ${batch}: off by ${worst}`);
      }
      runtime.dispose();
    }
  });

  test('an NCHW output is given in NCHW: a pooled feature map comes back channels-first', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(456);
    const w = randomArray(6 * 2 * 3 * 3, rng, -0.5, 0.5);
    const model = graph([
      node('Conv', ['x', 'w'], 'c', { kernel_shape: ints([3, 3]), auto_pad: { string: 'SAME_UPPER' } }),
      node('Clip', ['c', 'zero', 'six'], 'r'),
      node('MaxPool', ['r'], 'y', { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }),
    ], [floats('w', [6, 2, 3, 3], w), floats('zero', [], Float32Array.of(0)), floats('six', [], Float32Array.of(6))], [1, 2, 7, 7], 'y', [1, 6, 4, 4]);
    const runtime = await loadInferenceModel({ onnx: await encodeOnnxModel(model) });
    assertDeepEqual(runtime.outputShape, [6, 4, 4], 'output shape (NCHW, batch left out)');
    assertDeepEqual(runtime.steps.map((s) => s.className), ['Permute', 'Conv2D', 'MaxPooling2D', 'Permute'], 'steps: the ReLU6 fused into the convolution');
    const x = randomArray(2 * 7 * 7, rng, -3, 3);
    const want = tf.tidy(() => {
      const nhwc = tf.transpose(tf.tensor4d(x, [1, 2, 7, 7]), [0, 2, 3, 1]) as tf.Tensor4D;
      const r = tf.clipByValue(tf.conv2d(nhwc, hwio(w, [6, 2, 3, 3]), 1, 'same'), 0, 6) as tf.Tensor4D;
      // ONNX's pads [1, 1, 1, 1] over 7 pixels at stride 2: 4 windows, padded cells never the max.
      const pooled = tf.maxPool(tf.pad(r, [[0, 0], [1, 1], [1, 1], [0, 0]], -1e30), 3, 2, 'valid');
      return tf.transpose(pooled, [0, 3, 1, 2]).dataSync();
    });
    const got = runtime.predict(x, 1);
    want.forEach((v, i) => assert(Math.abs(v - got[i]!) <= 1e-5 * 6, `value ${i}: want ${v}, got ${got[i]}`));
    runtime.dispose();
  });

  test('the activations with parameters ≡ tfjs ops: LeakyRelu, Elu of alpha ≠ 1, HardSigmoid, HardSwish, Clip (PyTorch\'s forms)', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(456);
    const w = randomArray(5 * 3 * 3 * 3, rng, -0.6, 0.6);
    // One branch per activation over a convolution's output, summed: each reads the same tensor.
    const model = {
      ...graph([
        node('Conv', ['x', 'w'], 'c', { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) }),
        node('LeakyRelu', ['c'], 'leaky', { alpha: { float: 0.1 } }),
        node('Elu', ['c'], 'elu', { alpha: { float: 0.5 } }),
        node('HardSigmoid', ['c'], 'hsig', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }),
        node('HardSwish', ['c'], 'hswish'),
        node('Clip', ['c', 'lo', 'hi'], 'clip'),
        node('Sum', ['leaky', 'elu', 'hsig', 'hswish', 'clip'], 'y'),
      ], [floats('w', [5, 3, 3, 3], w), floats('lo', [], Float32Array.of(-0.5)), floats('hi', [], Float32Array.of(0.7))], ['N', 3, 6, 7], 'y', ['N', 5, 6, 7]),
      opset: 14,
    };
    const runtime = await loadInferenceModel({ onnx: await encodeOnnxModel(model) });
    assertDeepEqual(runtime.steps.map((s) => s.className).sort(), ['Add', 'Clip', 'Conv2D', 'ELU', 'HardSigmoid', 'HardSwish', 'LeakyReLU', 'Permute', 'Permute'], `steps (the NCHW output permuted back): ${runtime.steps.map((s) => s.className).join(', ')}`);
    for (const batch of BATCHES) {
      const x = randomArray(batch * 3 * 6 * 7, rng, -3, 3);
      const want = tf.tidy(() => {
        const nhwc = tf.transpose(tf.tensor4d(x, [batch, 3, 6, 7]), [0, 2, 3, 1]) as tf.Tensor4D;
        const c = tf.conv2d(nhwc, hwio(w, [5, 3, 3, 3]), 1, 'same');
        const hardSigmoid = (v: tf.Tensor, alpha: number) => tf.clipByValue(tf.add(tf.mul(v, alpha), 0.5), 0, 1);
        const y = tf.addN([
          tf.leakyRelu(c, 0.1),
          tf.where(tf.less(c, 0), tf.mul(tf.expm1(c), 0.5), c),
          hardSigmoid(c, 1 / 6),
          tf.mul(c, hardSigmoid(c, 1 / 6)),
          tf.clipByValue(c, -0.5, 0.7),
        ]);
        return tf.transpose(y, [0, 3, 1, 2]).dataSync();
      });
      const got = runtime.predict(x, batch);
      let worst = 0;
      want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
      assert(worst <= 1e-5 * Math.max(...Array.from(want, Math.abs)), `batch ${batch}: off by ${worst}`);
    }
    runtime.dispose();
  });

  test('Pad with zeros around H and W ≡ tfjs ops, pads as an input (opset 13) or over axes (opset 18); other pads refused', async () => {
    await useTfjsBackend('cpu');
    const rng = testRng(457);
    const w = randomArray(4 * 2 * 3 * 3, rng, -0.6, 0.6);
    const pads = (name: string, values: number[]) => ({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    const padded = (opset: number, padInputs: string[], extra: OnnxInitializer[]) => ({
      ...graph([node('Pad', ['x', ...padInputs], 'p', { mode: { string: 'constant' } }), node('Conv', ['p', 'w'], 'y', { kernel_shape: ints([3, 3]) })],
        [floats('w', [4, 2, 3, 3], w), ...extra], ['N', 2, 5, 6], 'y', ['N', 4, 7, 6]),
      opset,
    });
    const cases: [string, OnnxModel][] = [
      ['opset 13', padded(13, ['pads'], [pads('pads', [0, 0, 1, 0, 0, 0, 3, 2])])],
      ['opset 18, axes [2, 3]', padded(18, ['pads', '', 'axes'], [pads('pads', [1, 0, 3, 2]), pads('axes', [2, 3])])],
    ];
    for (const [what, model] of cases) {
      const runtime = await loadInferenceModel({ onnx: await encodeOnnxModel(model) });
      assertDeepEqual(runtime.outputShape, [4, 7, 6], `${what}: output shape`);
      // The Pad becomes the convolution's padding: no copy of the padded tensor.
      assert(!runtime.steps.some((s) => s.className === 'ZeroPadding2D'), `${what}: the Pad fused into the Conv (${runtime.steps.map((s) => s.className).join(', ')})`);
      for (const batch of BATCHES) {
        const x = randomArray(batch * 2 * 5 * 6, rng, -1, 1);
        const want = tf.tidy(() => {
          const nhwc = tf.transpose(tf.tensor4d(x, [batch, 2, 5, 6]), [0, 2, 3, 1]) as tf.Tensor4D;
          const y = tf.conv2d(tf.pad(nhwc, [[0, 0], [1, 3], [0, 2], [0, 0]]), hwio(w, [4, 2, 3, 3]), 1, 'valid');
          return tf.transpose(y, [0, 3, 1, 2]).dataSync();
        });
        const got = runtime.predict(x, batch);
        let worst = 0;
        want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
        assert(worst <= 1e-5 * Math.max(...Array.from(want, Math.abs)), `${what}, batch ${batch}: off by ${worst}`);
      }
      runtime.dispose();
    }
    const refused: [string, OnnxModel, RegExp][] = [
      ['reflect', { ...padded(13, ['pads'], [pads('pads', [0, 0, 1, 1, 0, 0, 1, 1])]), nodes: [node('Pad', ['x', 'pads'], 'p', { mode: { string: 'reflect' } }), node('Conv', ['p', 'w'], 'y', { kernel_shape: ints([3, 3]) })] },
        /ONNX node 'p' \(Pad\) pads in mode 'reflect'/],
      ['channels', padded(13, ['pads'], [pads('pads', [0, 1, 0, 0, 0, 0, 0, 0])]), /ONNX node 'p' \(Pad\) has pads \[0, 1, 0, 0, 0, 0, 0, 0\]; slimprune\/infer pads height and width only/],
      ['a crop', padded(13, ['pads'], [pads('pads', [0, 0, -1, 0, 0, 0, 0, 0])]), /pads height and width only, by non-negative amounts/],
      ['a value', padded(13, ['pads', 'v'], [pads('pads', [0, 0, 1, 1, 0, 0, 1, 1]), floats('v', [], Float32Array.of(1))]), /pads with the value 1; slimprune\/infer pads with zeros/],
      ['a huge pad', padded(13, ['pads'], [pads('pads', [0, 0, 2 ** 20, 2 ** 20, 0, 0, 2 ** 20, 2 ** 20])]), /ONNX node 'p' \(Pad\) .*more than/],
    ];
    for (const [what, model, pattern] of refused) await assertRejects(async () => loadInferenceModel({ onnx: await encodeOnnxModel(model) }), pattern, what);
  });

  test('refuses an op it does not run, naming the node and listing what it runs', async () => {
    await useTfjsBackend('cpu');
    const lrn = graph([node('Relu', ['x'], 'r'), node('LRN', ['r'], 'norm', { size: { int: 3 } })], [], ['N', 2, 6, 6], 'norm', ['N', 2, 6, 6]);
    await assertRejects(
      async () => loadInferenceModel({ onnx: await encodeOnnxModel(lrn) }),
      /cannot run the ONNX nodes 'norm' \(LRN\); it runs Conv \(2-D, group 1 or depthwise\),.* Gemm/s,
      'LRN',
    );
    const emptyClip = graph([node('Clip', ['x', 'lo', 'hi'], 'y')], [floats('lo', [], Float32Array.of(1)), floats('hi', [], Float32Array.of(0))], ['N', 2], 'y', ['N', 2]);
    await assertRejects(async () => loadInferenceModel({ onnx: await encodeOnnxModel(emptyClip) }), /ONNX node 'y' \(Clip\) clips to \[1, 0\], an empty range/, 'an empty Clip');
    const grouped = graph([node('Conv', ['x', 'w'], 'y', { group: { int: 2 } })], [floats('w', [4, 2, 1, 1], new Float32Array(8))], ['N', 4, 5, 5], 'y', ['N', 4, 5, 5]);
    await assertRejects(async () => loadInferenceModel({ onnx: await encodeOnnxModel(grouped) }), /ONNX node 'y' \(Conv\) has group 2 over 4 input channels; .*depthwise/, 'a grouped convolution');
    const broadcast = graph([node('Relu', ['x'], 'r'), node('GlobalAveragePool', ['r'], 'g'), node('Add', ['r', 'g'], 'y')], [], ['N', 2, 3, 3], 'y', ['N', 2, 3, 3]);
    await assertRejects(async () => loadInferenceModel({ onnx: await encodeOnnxModel(broadcast) }), /ONNX node 'y' \(Add\) combines tensors of dimensions \[2, 3, 3\] and \[2, 1, 1\].*does not broadcast/, 'broadcasting');
  });

  test('refuses bytes cut short or that are not ONNX, with a message, at every cut', async () => {
    await useTfjsBackend('cpu');
    const model = referenceModel('mnist-lenet', { seed: 7 });
    const bytes = await exportOnnx(model);
    model.dispose();
    for (const end of [0, 1, 10, 100, 1000, Math.floor(bytes.length / 2), bytes.length - 4, bytes.length - 1]) {
      await assertRejects(() => loadInferenceModel({ onnx: bytes.subarray(0, end) }), /^slimprune\/infer: (the ONNX model|ONNX node)/, `the first ${end} of ${bytes.length} bytes`);
    }
    await assertRejects(() => loadInferenceModel({ onnx: new TextEncoder().encode('{"modelTopology": {}}') }), /slimprune\/infer: the ONNX model (cannot be decoded|has no graph)/, 'a model.json given as ONNX');
    await assertRejects(() => loadInferenceModel({ onnx: 'model.onnx' as unknown as Uint8Array }), /\{ onnx \} takes the bytes of an ONNX model/, 'a string as the bytes');
  });

  test('refuses a missing initializer, a cycle, a tensor written twice, several inputs', async () => {
    const conv = (w: string) => node('Conv', ['x', w], 'y', { kernel_shape: ints([1, 1]) });
    const cases: [string, OnnxModel, RegExp][] = [
      ['missing initializer', graph([conv('w')], [], ['N', 2, 4, 4], 'y', ['N', 3, 4, 4]), /ONNX node 'y' \(Conv\) reads 'w', which no node, initializer or graph input defines/],
      ['cycle', graph([node('Relu', ['b'], 'a'), node('Relu', ['a'], 'b')], [], ['N', 2], 'b', ['N', 2]), /ONNX node '[ab]' \(Relu\) is on a cycle/],
      ['written twice', graph([node('Relu', ['x'], 'y'), node('Sigmoid', ['x'], 'y')], [], ['N', 2], 'y', ['N', 2]), /writes 'y', which node 'y' writes too/],
      ['output of nothing', graph([node('Relu', ['x'], 'r')], [], ['N', 2], 'y', ['N', 2]), /has the output 'y', which no node computes/],
      ['symbolic size', graph([node('Relu', ['x'], 'y')], [], ['N', 'height', 4], 'y', ['N', 'height', 4]), /takes input 'x' \[N, height, 4\]; .*every other dimension fixed/],
    ];
    for (const [what, model, pattern] of cases) await assertRejects(async () => loadInferenceModel({ onnx: await encodeOnnxModel(model) }), pattern, what);
    const twoInputs = { ...graph([node('Add', ['x', 'z'], 'y')], [], ['N', 2], 'y', ['N', 2]), inputs: [{ name: 'x', dims: ['N', 2] }, { name: 'z', dims: ['N', 2] }] };
    await assertRejects(async () => loadInferenceModel({ onnx: await encodeOnnxModel(twoInputs) }), /has 2 input\(s\) and 1 output\(s\).*one input and one output/, 'two inputs');
  });

  test('refuses sizes that would take memory or time without bound, before allocating or running', async () => {
    const started = Date.now();
    const relu = [node('Relu', ['x'], 'y')];
    const huge: [string, OnnxModel, RegExp][] = [
      ['a huge input', graph(relu, [], ['N', 65536, 65536, 3], 'y', ['N', 65536, 65536, 3]), /values per sample, more than the 268435456 slimprune\/infer holds/],
      ['a dimension past 2^31', graph(relu, [], ['N', 2 ** 40], 'y', ['N', 2 ** 40]), /values per sample, more than/],
      ['a weight claiming 10^10 values', graph([node('Conv', ['x', 'w'], 'y')], [floats('w', [100000, 100000, 1, 1], new Float32Array(4))], ['N', 2, 2, 2], 'y', ['N', 2, 2, 2]), /tensor 'w' of dimensions \[100000, 100000, 1, 1\].*more than slimprune\/infer can hold|holding 4/],
      ['a window of 10^19 taps', graph([node('MaxPool', ['x'], 'y', { kernel_shape: ints([60000, 60000]), pads: ints([59999, 59999, 59999, 59999]) })], [], ['N', 1, 1, 1], 'y', ['N', 1, 60000, 60000]), /ONNX node 'y' \(MaxPool\) takes \d+ multiply-adds per sample, more than the 2\^36/],
    ];
    for (const [what, model, pattern] of huge) await assertRejects(async () => loadInferenceModel({ onnx: await encodeOnnxModel(model) }), pattern, what);
    assert(Date.now() - started < 10_000, `the refusals took ${Date.now() - started} ms`);
  });

  test('reads the description a run writes into the file, and the metadata-less file as having none', async () => {
    await useTfjsBackend('cpu');
    const model = referenceModel('mnist-lenet', { seed: 8 });
    const description = { classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], normalization: { mean: [0.1], std: [0.3] } };
    const described = await loadInferenceModel({ onnx: await exportOnnx(model, { description }) });
    assertDeepEqual(described.description, description, 'description');
    const plain = await loadInferenceModel({ onnx: (await exportOnnx(model)).slice().buffer });
    assertDeepEqual(plain.description, {}, 'no description');
    assertEqual(plain.outputShape.join(','), '10', 'output shape');
    [described, plain].forEach((m) => m.dispose());
    model.dispose();
  });
});
