// Node only: `slimprune eval --images` on a folder of the user's own labelled images. The accuracy
// it prints is the share of files whose class tfjs ranks first for the same resized pixels,
// normalised as the model's model.json says (or as --normalize says); a folder whose classes are
// not the model's, in its order, and a model that says nothing of its normalisation are refused.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { exportModel, readImageFile, writeModelFiles } from 'slimprune/internal';
import { jpegFile, pngFile, randomPixels } from '../suites/image-files.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const CLASSES = ['cat', 'dog', 'owl'];
const NORMALIZATION = { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] };

let dir: string;
let model: tfl.LayersModel;
const files: { file: string; label: number }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slimprune-eval-images-'));
  await tf.setBackend('cpu');
  const input = tfl.input({ shape: [12, 10, 3] });
  const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(input) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten().apply(conv) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }).apply(flat) as tfl.SymbolicTensor;
  model = tfl.model({ inputs: input, outputs: out });
  await writeModelFiles(join(dir, 'described'), await exportModel(model, { metadata: { slimprune: { classNames: CLASSES, normalization: NORMALIZATION } } }));
  await writeModelFiles(join(dir, 'plain'), await exportModel(model));
  // PNGs at the model's size and other sizes, grey ones to convert, JPEGs.
  let seed = 10;
  for (const [label, name] of CLASSES.entries()) {
    await mkdir(join(dir, 'images', name), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const [w, h] = ([[10, 12], [16, 9], [7, 14], [10, 12]] as const)[i]!;
      const file = join(dir, 'images', name, `${i}.${i === 1 ? 'jpg' : 'png'}`);
      const bytes = i === 1 ? jpegFile(w, h, randomPixels(w * h * 3, seed++)) : pngFile(w, h, i === 2 ? 1 : 3, randomPixels(w * h * (i === 2 ? 1 : 3), seed++));
      await writeFile(file, bytes);
      files.push({ file, label });
    }
  }
}, 60_000);

afterAll(async () => {
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The share of files whose top class under tfjs is their folder's, for pixels normalised by `norm`. */
async function tfjsAccuracy(norm: { mean: number[]; std: number[] }): Promise<number> {
  let correct = 0;
  for (const { file, label } of files) {
    const pixels = await readImageFile(file, { height: 12, width: 10, channels: 3 });
    const x = tf.tensor4d(Float32Array.from(pixels, (p, i) => (p / 255 - norm.mean[i % 3]!) / norm.std[i % 3]!), [1, 12, 10, 3]);
    const top = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(-1).dataSync()[0]);
    x.dispose();
    if (top === label) correct++;
  }
  return correct / files.length;
}

describe('slimprune eval --images', () => {
  it("scores every image of the folder, normalised as the model's model.json says", async () => {
    const { stdout } = await run(process.execPath, [CLI, 'eval', '--model', join(dir, 'described', 'model.json'), '--images', join(dir, 'images'), '--json']);
    const figures = JSON.parse(stdout) as { count: number; accuracy: number; params: number };
    expect(figures.count).toBe(files.length);
    const want = await tfjsAccuracy(NORMALIZATION);
    expect(figures.accuracy).toBe(want);
    // The normalisation matters here: pixels/255 would score otherwise.
    expect(await tfjsAccuracy({ mean: [0, 0, 0], std: [1, 1, 1] })).not.toBe(want);
    expect(figures.params).toBe(model.countParams());
  }, 120_000);

  it('takes --normalize for a model that says nothing of it, and refuses to guess', async () => {
    const plain = join(dir, 'plain', 'model.json');
    const { stdout } = await run(process.execPath, [CLI, 'eval', '--model', plain, '--images', join(dir, 'images'), '--normalize', 'unit', '--json']);
    expect((JSON.parse(stdout) as { accuracy: number }).accuracy).toBe(await tfjsAccuracy({ mean: [0, 0, 0], std: [1, 1, 1] }));
    await expect(run(process.execPath, [CLI, 'eval', '--model', plain, '--images', join(dir, 'images')]))
      .rejects.toMatchObject({ stderr: expect.stringContaining('says nothing of how its inputs were normalised; pass --normalize') });
    await expect(run(process.execPath, [CLI, 'eval', '--model', plain, '--images', join(dir, 'images'), '--normalize', 'data']))
      .rejects.toMatchObject({ stderr: expect.stringContaining("by the test images' own statistics") });
  }, 120_000);

  it("refuses a folder whose classes are not the model's, in its order", async () => {
    const other = join(dir, 'other');
    for (const name of ['bat', 'cat', 'dog']) {
      await mkdir(join(other, name), { recursive: true });
      await writeFile(join(other, name, 'a.png'), pngFile(10, 12, 3, randomPixels(360, 99)));
    }
    await expect(run(process.execPath, [CLI, 'eval', '--model', join(dir, 'described', 'model.json'), '--images', other]))
      .rejects.toMatchObject({ stderr: expect.stringContaining("class folders (bat, cat, dog) are not") });
    await mkdir(join(other, 'eel'));
    await writeFile(join(other, 'eel', 'a.png'), pngFile(10, 12, 3, randomPixels(360, 98)));
    await expect(run(process.execPath, [CLI, 'eval', '--model', join(dir, 'plain', 'model.json'), '--images', other, '--normalize', 'unit']))
      .rejects.toMatchObject({ stderr: expect.stringContaining('has 4 class folders (bat, cat, dog, eel), but') });
  }, 120_000);
});
