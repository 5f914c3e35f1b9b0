// Node-only: writing an exported model to disk. Both files land complete under their final names,
// nothing temporary is left behind, and stock tfjs loads the files it reads back from disk into a
// model with the same outputs.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { referenceModel, exportModel, writeModelFiles } from 'slimprune/internal';

describe('writeModelFiles', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'slimprune-model-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes model.json and weights.bin that stock tfjs loads', async () => {
    const model = referenceModel('mnist-lenet', { seed: 4 });
    const target = join(dir, 'nested', 'lenet');
    const path = await writeModelFiles(target, await exportModel(model));
    expect(path).toBe(join(target, 'model.json'));
    expect((await readdir(target)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(path, 'utf8'));
    const bin = await readFile(join(target, json.weightsManifest[0].paths[0]));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }));
    const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 1);
    const want = (model.predict(x) as tf.Tensor).dataSync();
    const got = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('overwrites an earlier export in place and leaves no temporary files', async () => {
    const target = join(dir, 'again');
    await writeModelFiles(target, await exportModel(referenceModel('mnist-lenet', { seed: 1 })));
    const second = await exportModel(referenceModel('mnist-lenet', { seed: 2 }));
    await writeModelFiles(target, second);
    expect((await readdir(target)).sort()).toEqual(['model.json', 'weights.bin']);
    // Buffer.equals: vitest's deep equality walks a 1.7 MB array element by element (seconds).
    expect(Buffer.from(second.weights).equals(await readFile(join(target, 'weights.bin')))).toBe(true);
  });
});
