// Node-only: exportOnnx's bytes run in onnxruntime-node and agree with tfjs's model.predict on
// the same random NHWC batch, within max |ONNX − tfjs| ≤ 1e-5 · max |tfjs| (RELATIVE_TOLERANCE):
// the reference networks and the own-data model, each compact (with BatchNorm) and deployed
// (BatchNorm folded), whole and pruned to a random channel mask; a model of every other layer
// kind; the refusals; and `slimprune export` end to end.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { exportOnnx, exportModel, writeModelFiles, samePadding } from 'slimprune/internal';
import { deployed, layerZoo, NETWORKS, randomInputs, randomizeBatchNorm, randomlyPruned, relativeError, RELATIVE_TOLERANCE, tfjsOutputs } from './onnx-fixtures.ts';
import { ownModel } from '../suites/own-data-fixtures.ts';
import { RANDOM_KINDS, randomMasks, randomModel, randomizeWeights } from '../suites/random-models.ts';
import { buildGraph, compactModel } from 'slimprune/internal';
import { testRng } from '../harness.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const BATCH = 3;

/** Runs `bytes` in onnxruntime-node on the model's random inputs; the relative error of each output. */
async function onnxAgreement(model: tfl.LayersModel, bytes: Uint8Array, batch = BATCH, seed = 5): Promise<Record<string, number>> {
  const inputs = randomInputs(model, batch, seed);
  const want = tfjsOutputs(model, inputs);
  const session = await ort.InferenceSession.create(bytes);
  try {
    expect(session.inputNames).toEqual(inputs.map((x) => x.name));
    expect(session.outputNames).toEqual([...want.keys()]);
    const got = await session.run(Object.fromEntries(inputs.map((x) => [x.name, new ort.Tensor('float32', x.data, x.shape)])));
    return Object.fromEntries([...want].map(([name, values]) => {
      const out = got[name]!;
      expect(out.dims).toEqual([batch, ...(model.outputs.find((t) => t.sourceLayer.name === name)!.shape.slice(1) as number[])]);
      return [name, relativeError(out.data as Float32Array, values)];
    }));
  } finally {
    await session.release();
  }
}

async function expectAgreement(model: tfl.LayersModel): Promise<void> {
  const errors = await onnxAgreement(model, await exportOnnx(model));
  for (const [name, e] of Object.entries(errors)) expect(e, `output ${name}: relative error`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
}

describe('exportOnnx: onnxruntime-node agrees with tfjs', () => {
  for (const [name, build] of Object.entries(NETWORKS)) {
    describe(name, () => {
      let model: tfl.LayersModel;
      let pruned: tfl.LayersModel;
      beforeAll(async () => {
        model = build();
        pruned = await randomlyPruned(model, 9);
      });
      afterAll(() => {
        model.dispose();
        pruned.dispose();
      });

      it('compact (BatchNorm layers)', () => expectAgreement(model));
      it('deployed (BatchNorm folded, ReLU fused)', async () => {
        const d = await deployed(model);
        expect(d.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
        await expectAgreement(d);
        d.dispose();
      });
      it('pruned to a random half of the channels, compact and deployed', async () => {
        expect(pruned.countParams()).toBeLessThan(model.countParams());
        await expectAgreement(pruned);
        const d = await deployed(pruned);
        await expectAgreement(d);
        d.dispose();
      });
    });
  }

  it('random chain, residual, concat and depthwise models (the graph suites\' generator), compact, deployed and pruned', async () => {
    const rng = testRng(307);
    for (const kind of RANDOM_KINDS) {
      for (let trial = 0; trial < 3; trial++) {
        const model = randomModel(kind, rng);
        randomizeWeights(model, rng);
        const graph = buildGraph(model);
        const pruned = (await compactModel(model, randomMasks(graph, rng, 0.5), { graph })).model;
        const fused = await deployed(pruned);
        for (const [form, m] of [['compact', model], ['pruned', pruned], ['pruned, deployed', fused]] as const) {
          const errors = await onnxAgreement(m, await exportOnnx(m), 2, trial);
          for (const [name, e] of Object.entries(errors)) expect(e, `${kind} #${trial} ${form}: output ${name}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
        }
        [model, pruned, fused].forEach((m) => m.dispose());
      }
    }
  });

  it('every other layer kind: strided, dilated and depthwise convolutions, paddings, poolings, merges, activations, two inputs, three outputs', async () => {
    const model = layerZoo();
    // The stride-2 'same' convolution reads 16 × 18: TensorFlow pads one pixel, at the bottom/right.
    expect(samePadding(16, 3, 2, 1)).toEqual([0, 1]);
    expect(samePadding(15, 3, 2, 1)).toEqual([1, 1]);
    await expectAgreement(model);
    model.dispose();
  });

  it('a layer called twice (shared weights): each call its own nodes, on its own input', async () => {
    const input = tfl.input({ shape: [6, 6, 4], name: 'x' });
    const shared = tfl.layers.conv2d({ name: 'shared', filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 8 }) });
    const once = shared.apply(input) as tfl.SymbolicTensor;
    const twice = shared.apply(tfl.layers.add({ name: 'skip' }).apply([once, input]) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'out', units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 9 }) }).apply(tfl.layers.flatten().apply(twice) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    await expectAgreement(model);
    model.dispose();
  });

  it("an input of any height and width: 'same' padding as auto_pad SAME_UPPER, TensorFlow's rule at run time", async () => {
    const input = tfl.input({ shape: [null, null, 2], name: 'any_size' });
    let x = tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 6 }) }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'map' }).apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: x });
    const session = await ort.InferenceSession.create(await exportOnnx(model));
    for (const [h, w] of [[16, 18], [15, 17]] as const) {
      const feed = { name: 'any_size', shape: [2, h, w, 2], data: Float32Array.from({ length: 2 * h * w * 2 }, (_, i) => Math.sin(i * 0.37 + h)) };
      const want = tfjsOutputs(model, [feed]).get('map')!;
      const got = (await session.run({ any_size: new ort.Tensor('float32', feed.data, feed.shape) }))['map']!;
      const out = (n: number) => Math.ceil(Math.ceil(Math.ceil(n / 2) / 2) / 2);
      expect(got.dims).toEqual([2, out(h), out(w), 3]);
      expect(relativeError(got.data as Float32Array, want), `${h}×${w}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
    }
    await session.release();
    model.dispose();
  });

  it('a batch of one, and a fixed batch size when asked', async () => {
    const model = randomizeBatchNorm(ownModel(3), 6);
    const single = await onnxAgreement(model, await exportOnnx(model), 1);
    expect(Object.values(single)[0]).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
    const fixed = await exportOnnx(model, { batchSize: 2 });
    expect(Object.values(await onnxAgreement(model, fixed, 2))[0]).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
    await expect(onnxAgreement(model, fixed, 3)).rejects.toThrow(/dimension|Got: 3/i);
    model.dispose();
  });

  it('a wrong export fails these checks: a kernel not transposed to OIHW, caught by the comparison', async () => {
    // The comparison must be able to fail: the same network with a conv's kernel replaced by its
    // transpose over the spatial axes differs from what was exported.
    const model = NETWORKS['LeNet-5-BN']!();
    const bytes = await exportOnnx(model);
    const conv = model.getLayer('conv2');
    const [kernel] = conv.getWeights();
    conv.setWeights([kernel!.transpose([1, 0, 2, 3])]);
    const errors = await onnxAgreement(model, bytes);
    expect(Object.values(errors)[0]).toBeGreaterThan(100 * RELATIVE_TOLERANCE);
    model.dispose();
  });
});

describe('exportOnnx refuses what it cannot write, naming the layer, its class and what to do', () => {
  it('layers without a converter, all of them in one message', async () => {
    const input = tfl.input({ shape: [4, 4, 2], name: 'grid' });
    const seq = tfl.layers.reshape({ name: 'to_sequence', targetShape: [16, 2] }).apply(input) as tfl.SymbolicTensor;
    const rnn = tfl.layers.lstm({ name: 'recurrent', units: 3 }).apply(seq) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'out', units: 2 }).apply(rnn) as tfl.SymbolicTensor;
    const model = tfl.model({ name: 'sequence_model', inputs: input, outputs: out });
    await expect(exportOnnx(model)).rejects.toThrow(
      /model 'sequence_model' has layers that exportOnnx cannot write: 'to_sequence' \(Reshape\), 'recurrent' \(LSTM\)\. It writes InputLayer, Conv2D, .*; replace those layers/,
    );
  });

  it('a model used as a layer', async () => {
    const inner = tfl.sequential({ name: 'inner', layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
    const input = tfl.input({ shape: [3] });
    const model = tfl.model({ inputs: input, outputs: inner.apply(input) as tfl.SymbolicTensor });
    await expect(exportOnnx(model)).rejects.toThrow(/'inner' \(Sequential: a model used as a layer; build the outer model from its layers instead\)/);
  });

  it('an activation, layout or dilation it does not write', async () => {
    const gelu = tfl.sequential({ layers: [tfl.layers.conv2d({ name: 'odd', inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'gelu_new' as never })] });
    await expect(exportOnnx(gelu)).rejects.toThrow(/layer 'odd' \(Conv2D\) has activation 'gelu_new', which exportOnnx does not write; use one of linear, relu, /);
    const dilated = tfl.sequential({ layers: [tfl.layers.depthwiseConv2d({ name: 'holes', inputShape: [6, 6, 2], kernelSize: 3, dilationRate: 2 })] });
    await expect(exportOnnx(dilated)).rejects.toThrow(/layer 'holes' \(DepthwiseConv2D\) has dilationRate \[2, 2\], which tfjs-layers' DepthwiseConv2D ignores .*; rebuild the layer with dilationRate 1/);
    const first = tfl.sequential({ layers: [tfl.layers.maxPooling2d({ name: 'chw', inputShape: [1, 6, 6], poolSize: 2, dataFormat: 'channelsFirst' })] });
    await expect(exportOnnx(first)).rejects.toThrow(/layer 'chw' \(MaxPooling2D\) has dataFormat 'channelsFirst'; .*rebuild the model with channelsLast/);
  });

  it('something that is not a LayersModel, and a bad batch size', async () => {
    await expect(exportOnnx({} as tfl.LayersModel)).rejects.toThrow(/expected a tfjs LayersModel/);
    const model = ownModel(2);
    await expect(exportOnnx(model, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
  });
});

describe('slimprune export', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slimprune-onnx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the ONNX file of a saved model, which agrees with it; refuses an existing --out', async () => {
    const model = randomizeBatchNorm(ownModel(5), 7);
    const json = await writeModelFiles(join(dir, 'own'), await exportModel(model));
    const out = join(dir, 'exported', 'own.onnx');
    const { stdout } = await run('node', [CLI, 'export', '--model', json, '--format', 'onnx', '--out', out], { encoding: 'utf8' });
    expect(stdout).toMatch(/wrote .*own\.onnx \([\d,]+ B, ONNX opset 13\); input 'image' \[N, 16, 16, 3\], NHWC/);
    const bytes = new Uint8Array(await readFile(out));
    expect(Object.values(await onnxAgreement(model, bytes))[0]).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
    expect(await readdir(join(dir, 'exported'))).toEqual(['own.onnx']);

    const again = await run('node', [CLI, 'export', '--model', json, '--out', out], { encoding: 'utf8' }).then(() => undefined, (e: { stderr: string; code: number }) => e);
    expect(again?.code).toBe(1);
    expect(again?.stderr).toMatch(/own\.onnx exists already; choose another --out or remove it/);
    expect(new Uint8Array(await readFile(out))).toEqual(bytes);
    model.dispose();
  }, 60_000);

  it('a model it cannot write: exit code 1, the layer named, no file and no temporary left', async () => {
    const model = tfl.sequential({
      name: 'reshaping', layers: [tfl.layers.flatten({ inputShape: [4, 4, 1] }), tfl.layers.reshape({ name: 'back_to_grid', targetShape: [4, 4, 1] })],
    });
    const json = await writeModelFiles(join(dir, 'reshaping'), await exportModel(model));
    const out = join(dir, 'reshaping.onnx');
    const failed = await run('node', [CLI, 'export', '--model', json, '--format', 'onnx', '--out', out], { encoding: 'utf8' })
      .then(() => undefined, (e: { stderr: string; code: number }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/slimprune: exportOnnx: model 'reshaping' has layers that exportOnnx cannot write: 'back_to_grid' \(Reshape\)/);
    expect((await readdir(dir)).filter((f) => f.startsWith('reshaping.onnx'))).toEqual([]);
  }, 60_000);

  it('--format takes only onnx', async () => {
    await writeFile(join(dir, 'unused.json'), '{}');
    const failed = await run('node', [CLI, 'export', '--model', join(dir, 'unused.json'), '--format', 'tflite', '--out', join(dir, 'x')], { encoding: 'utf8' })
      .then(() => undefined, (e: { stderr: string; code: number }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/'tflite' is invalid.*onnx/);
  });
});
