// Node only: `slimprune run` and `slimprune bench` on slimprune/infer, end to end through the CLI.
// A pruned, deployed LeNet written with the run folder's metadata (class names, normalisation),
// PNG and JPEG files written by the test: the classes `run` prints are the ones tfjs gives for
// the same pixels, normalised the same way; `bench` measures both runtimes; the same model as
// an .onnx file (written by `slimprune export`, its metadata carried along) gives the same
// classes, and `bench` measures it against onnxruntime-node; an ONNX file that takes NCHW
// images (as PyTorch writes them) gets its pixels channels-first, ranked as onnxruntime-node
// ranks them; bad input is refused.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  referenceModel, buildGraph, compactModel, fuseBatchNorm, exportModel, writeModelFiles, readImageFile, encodeOnnxModel,
} from 'slimprune/internal';
import { randomMasks, randomizeWeights } from '../suites/random-models.ts';
import { randomArray, testRng } from '../harness.ts';
import { jpegFile, pngFile, randomPixels } from '../suites/image-files.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const CLASSES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const NORMALIZATION = { mean: [0.13], std: [0.31] };

let folder: string;
let deployed: tfl.LayersModel;
const images: string[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'slimprune-infer-cli-'));
  await tf.setBackend('cpu');
  const lenet = referenceModel('mnist-lenet', { seed: 8 });
  randomizeWeights(lenet, testRng(81));
  const graph = buildGraph(lenet);
  const { model: compact } = await compactModel(lenet, randomMasks(graph, testRng(82), 0.5), { graph });
  deployed = (await fuseBatchNorm(compact)).model;
  const metadata = { slimprune: { classNames: CLASSES, normalization: NORMALIZATION, inputShape: [28, 28, 1] } };
  await writeModelFiles(join(folder, 'model-deployed'), await exportModel(deployed, { metadata }));
  // A grey PNG at the model's size, an RGB JPEG to be converted and resized.
  images.push(join(folder, 'digit.png'), join(folder, 'photo.jpg'));
  await writeFile(images[0]!, pngFile(28, 28, 1, randomPixels(28 * 28, 1)));
  await writeFile(images[1]!, jpegFile(40, 36, randomPixels(40 * 36 * 3, 2)));
}, 60_000);

afterAll(async () => {
  deployed?.dispose();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('slimprune run / bench (slimprune/infer)', () => {
  it("run: each file's top classes, named, as tfjs ranks them for the same normalised pixels", async () => {
    const { stdout } = await run(process.execPath, [CLI, 'run', '--model', join(folder, 'model-deployed/model.json'), '--input', ...images, '--top', '3', '--json']);
    const printed = JSON.parse(stdout) as { softmaxOfLogits: boolean; results: { file: string; top: { class: string; index: number; probability: number }[] }[] };
    expect(printed.softmaxOfLogits).toBe(true);
    for (const [i, file] of images.entries()) {
      const pixels = await readImageFile(file, { height: 28, width: 28, channels: 1 });
      const x = tf.tensor4d(Float32Array.from(pixels, (p) => (p / 255 - NORMALIZATION.mean[0]!) / NORMALIZATION.std[0]!), [1, 28, 28, 1]);
      const probabilities = tf.tidy(() => tf.softmax(deployed.predict(x) as tf.Tensor2D).dataSync());
      x.dispose();
      const want = Array.from(probabilities, (p, c) => ({ c, p })).sort((a, b) => b.p - a.p).slice(0, 3);
      const got = printed.results[i]!;
      expect(got.file).toBe(file);
      expect(got.top.map((t) => t.index)).toEqual(want.map((w) => w.c));
      expect(got.top.map((t) => t.class)).toEqual(want.map((w) => CLASSES[w.c]));
      got.top.forEach((t, k) => expect(Math.abs(t.probability - want[k]!.p)).toBeLessThan(1e-5));
    }
  }, 60_000);

  it('bench: both runtimes at each batch size, in one process', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'bench', '--model', join(folder, 'model-deployed/model.json'), '--batches', '1,4', '--reps', '3', '--rounds', '1', '--json']);
    const { rows } = JSON.parse(stdout) as { rows: { batch: number; inferMs: number; tfjsWasmMs: number }[] };
    expect(rows.map((r) => r.batch)).toEqual([1, 4]);
    for (const r of rows) {
      expect(r.inferMs).toBeGreaterThan(0);
      expect(r.tfjsWasmMs).toBeGreaterThan(0);
    }
  }, 60_000);

  it('run and bench on the same model as an .onnx file: the classes and probabilities of its model.json, onnxruntime-node as the peer', async () => {
    const onnx = join(folder, 'model-deployed.onnx');
    await run(process.execPath, [CLI, 'export', '--model', join(folder, 'model-deployed/model.json'), '--out', onnx]);
    type Printed = { results: { file: string; top: { class: string; index: number; probability: number }[] }[] };
    const args = ['--input', ...images, '--top', '3', '--json'];
    const fromJson = JSON.parse((await run(process.execPath, [CLI, 'run', '--model', join(folder, 'model-deployed/model.json'), ...args])).stdout) as Printed;
    const fromOnnx = await run(process.execPath, [CLI, 'run', '--model', onnx, ...args]);
    // The class names and the normalisation came along in the file: no fallback to pixels/255.
    expect(fromOnnx.stderr).not.toContain('normalisation');
    const printed = JSON.parse(fromOnnx.stdout) as Printed;
    expect(printed.results.map((r) => r.top.map((t) => t.class))).toEqual(fromJson.results.map((r) => r.top.map((t) => t.class)));
    printed.results.forEach((r, i) => r.top.forEach((t, k) => expect(Math.abs(t.probability - fromJson.results[i]!.top[k]!.probability)).toBeLessThan(1e-5)));

    const { stdout } = await run(process.execPath, [CLI, 'bench', '--model', onnx, '--batches', '1,3', '--reps', '3', '--rounds', '1', '--json']);
    const bench = JSON.parse(stdout) as { peer: string; rows: { batch: number; inferMs: number; onnxruntimeMs: number }[] };
    expect(bench.peer).toBe('onnxruntime-node (1 thread)');
    expect(bench.rows.map((r) => r.batch)).toEqual([1, 3]);
    for (const r of bench.rows) {
      expect(r.inferMs).toBeGreaterThan(0);
      expect(r.onnxruntimeMs).toBeGreaterThan(0);
    }
  }, 90_000);

  it('run on an ONNX file that takes NCHW images: the pixels go channels-first, ranked as onnxruntime-node ranks them', async () => {
    // Conv (3 → 4, 3×3, same) → ReLU → global average → Gemm: a small classifier as exporters
    // write one, on a 12 × 10 input so that height and width cannot be swapped unnoticed.
    const rng = testRng(83);
    const ints = (values: number[]) => ({ ints: values });
    const bytes = await encodeOnnxModel({
      graphName: 'nchw', opset: 13, irVersion: 7, producerName: 'test', docString: '', metadata: {},
      inputs: [{ name: 'x', dims: ['batch', 3, 12, 10] }], outputs: [{ name: 'logits', dims: ['batch', 5] }],
      nodes: [
        { opType: 'Conv', name: 'conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attributes: { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) } },
        { opType: 'Relu', name: 'relu', inputs: ['c'], outputs: ['r'] },
        { opType: 'GlobalAveragePool', name: 'gap', inputs: ['r'], outputs: ['g'] },
        { opType: 'Flatten', name: 'flat', inputs: ['g'], outputs: ['f'], attributes: { axis: { int: 1 } } },
        { opType: 'Gemm', name: 'fc', inputs: ['f', 'fc', 'fc_b'], outputs: ['logits'], attributes: { transB: { int: 1 } } },
      ],
      initializers: [
        { name: 'w', dims: [4, 3, 3, 3], data: randomArray(4 * 27, rng, -1, 1) },
        { name: 'b', dims: [4], data: randomArray(4, rng, -0.2, 0.2) },
        { name: 'fc', dims: [5, 4], data: randomArray(20, rng, -2, 2) },
        { name: 'fc_b', dims: [5], data: randomArray(5, rng, -0.2, 0.2) },
      ],
    });
    const onnx = join(folder, 'nchw.onnx');
    await writeFile(onnx, bytes);
    const norm = { mean: [0.4, 0.5, 0.6], std: [0.2, 0.25, 0.3] };
    const { stdout } = await run(process.execPath, [CLI, 'run', '--model', onnx, '--input', ...images, '--top', '5', '--normalize', '0.4,0.5,0.6/0.2,0.25,0.3', '--json']);
    const printed = JSON.parse(stdout) as { results: { top: { index: number; probability: number }[] }[] };
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(onnx);
    for (const [i, file] of images.entries()) {
      const pixels = await readImageFile(file, { height: 12, width: 10, channels: 3 });
      const chw = new Float32Array(3 * 120);
      for (let p = 0; p < 120; p++) for (let c = 0; c < 3; c++) chw[c * 120 + p] = (pixels[p * 3 + c]! / 255 - norm.mean[c]!) / norm.std[c]!;
      const logits = (await session.run({ x: new ort.Tensor('float32', chw, [1, 3, 12, 10]) })).logits!.data as Float32Array;
      const max = Math.max(...logits);
      const e = Array.from(logits, (v) => Math.exp(v - max));
      const total = e.reduce((a, b) => a + b, 0);
      const want = e.map((v, c) => ({ c, p: v / total })).sort((a, b) => b.p - a.p);
      const got = printed.results[i]!.top;
      expect(got.map((t) => t.index)).toEqual(want.map((w) => w.c));
      got.forEach((t, k) => expect(Math.abs(t.probability - want[k]!.p)).toBeLessThan(1e-5));
    }
    await session.release();
  }, 60_000);

  it('refuses a file that is not an image, naming it, and a model it cannot run', async () => {
    const bogus = join(folder, 'notes.png');
    await writeFile(bogus, 'not an image');
    await expect(run(process.execPath, [CLI, 'run', '--model', join(folder, 'model-deployed/model.json'), '--input', bogus]))
      .rejects.toMatchObject({ stderr: expect.stringContaining('notes.png') });
    await expect(run(process.execPath, [CLI, 'run', '--model', join(folder, 'absent/model.json'), '--input', images[0]!]))
      .rejects.toMatchObject({ stderr: expect.stringMatching(/absent[\\/]model\.json/) });
    const notOnnx = join(folder, 'notes.onnx');
    await writeFile(notOnnx, 'not a model');
    await expect(run(process.execPath, [CLI, 'run', '--model', notOnnx, '--input', images[0]!]))
      .rejects.toMatchObject({ stderr: expect.stringContaining('slimprune/infer: the ONNX model cannot be decoded') });
    // A model of vectors, not images.
    const vectors = join(folder, 'vectors.onnx');
    await writeFile(vectors, await encodeOnnxModel({
      graphName: 'vectors', opset: 13, irVersion: 7, producerName: 'test', docString: '', metadata: {},
      inputs: [{ name: 'x', dims: ['batch', 7] }], outputs: [{ name: 'y', dims: ['batch', 2] }],
      nodes: [{ opType: 'Gemm', name: 'fc', inputs: ['x', 'w'], outputs: ['y'], attributes: { transB: { int: 1 } } }],
      initializers: [{ name: 'w', dims: [2, 7], data: new Float32Array(14) }],
    }));
    await expect(run(process.execPath, [CLI, 'run', '--model', vectors, '--input', images[0]!]))
      .rejects.toMatchObject({ stderr: expect.stringContaining('the model takes inputs of shape [7] (batch left out)') });
  }, 60_000);
});
