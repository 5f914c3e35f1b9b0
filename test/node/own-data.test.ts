// Node-only: pruning a model and images of the user's own, as a new user would, through the CLI
// and through prune(): a folder of real PNG and JPEG files (root/<class>/…), a functional model
// with a residual Add, a depthwise conv and a Concatenate that was trained before (pretrained),
// the report's data and class figures, pruning to a target with each method, and the refusals of
// input that does not fit (each before any training, leaving no output behind).
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  prune, loadRunData, resolveConfig, exportModel, writeModelFiles, readModelFiles, useTrainingBackend, evaluate, testBatcher,
  type PruneConfig, type TaskData,
} from 'slimprune/internal';
import { OWN_CLASSES, OWN_IMAGE, ownFolderFiles, ownImage, ownModel } from '../suites/own-data-fixtures.ts';
import { Xoshiro128 } from 'slimprune/internal';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
// A tiny folder takes few steps, so the recipe's λ rescaled to it would exceed 1 and be refused: λ is given.
const SMALL = { networks: 2, epochs: 3, batchSize: 16, lambda: 0.3, fineTuneEpochs: 1, restarts: 2, cooling: 0.9, movesPerTemperature: 50 } as const;

async function writeFolder(root: string, files: readonly { path: string; bytes: Uint8Array }[]): Promise<void> {
  for (const f of files) {
    await mkdir(dirname(join(root, f.path)), { recursive: true });
    await writeFile(join(root, f.path), f.bytes);
  }
}

/** Trains the model on freshly drawn images of the classes (the "pretrained" model a user brings). */
async function pretrain(model: tfl.LayersModel): Promise<void> {
  const rng = new Xoshiro128(99);
  const n = 240;
  const [h, w, c] = OWN_IMAGE;
  const x = new Float32Array(n * h * w * c);
  const y = new Float32Array(n * OWN_CLASSES.length);
  for (let i = 0; i < n; i++) {
    const label = i % OWN_CLASSES.length;
    const pixels = ownImage(label, rng);
    for (let p = 0; p < pixels.length; p++) x[i * pixels.length + p] = pixels[p]! / 255;
    y[i * OWN_CLASSES.length + label] = 1;
  }
  const xs = tf.tensor4d(x, [n, h, w, c]);
  const ys = tf.tensor2d(y, [n, OWN_CLASSES.length]);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(xs, ys, { epochs: 12, batchSize: 32, shuffle: true, verbose: 0 });
  tf.dispose([xs, ys]);
}

describe('your model, your data', () => {
  let dir: string;
  let folder: string;
  let modelPath: string;
  let data: TaskData;
  const base = (extra: Partial<PruneConfig> = {}): PruneConfig => ({
    ...SMALL, model: modelPath, images: { folder, normalization: 'unit' }, ...extra,
  });

  beforeAll(async () => {
    await useTrainingBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'slimprune-own-'));
    folder = join(dir, 'images');
    await writeFolder(folder, ownFolderFiles(30, 5));
    const model = ownModel();
    await pretrain(model);
    modelPath = await writeModelFiles(join(dir, 'model'), await exportModel(model));
    model.dispose();
    data = await loadRunData(resolveConfig(base()));
  }, 240_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the folder: classes in sorted order, a seeded per-class split, sized for the model', () => {
    expect(data.classNames).toEqual([...OWN_CLASSES].sort());
    expect(data.train.count + data.test.count).toBe(90);
    expect(data.test.count).toBe(18); // 0.2 of each class of 30
    expect([data.train.height, data.train.width, data.train.channels]).toEqual([...OWN_IMAGE]);
    expect(data.fingerprint).toMatch(/^[0-9a-f]{32}-/);
  });

  it('prunes it end to end through the CLI: the report names the data, the classes and the accuracy before anything changed', async () => {
    const out = join(dir, 'cli-run');
    const { stdout } = await run(process.execPath, [
      CLI, 'prune', '--model', modelPath, '--data', folder, '--normalize', 'unit', '--networks', '2', '--epochs', '3', '--lambda', '0.3', '--batch-size', '16',
      '--fine-tune-epochs', '1', '--restarts', '2', '--no-cache', '--workers', '1', '--out', out, '--json',
    ], { maxBuffer: 1 << 26 });
    const m = JSON.parse(stdout);
    expect(m.task).toBeNull();
    expect(m.data.description).toBe(folder);
    expect(m.data.classNames).toEqual(['circles', 'squares', 'stripes']);
    expect(m.pretrained.accuracy).toBeGreaterThan(0.8);
    expect(m.pretrained.classAccuracy).toHaveLength(3);
    expect(m.classAccuracy.after).toHaveLength(3);
    expect(m.after.flops).toBeLessThanOrEqual(m.before.flops);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    for (const name of OWN_CLASSES) expect(html).toContain(name);
    expect(html).toContain('before anything changed');
    // The shipped model loads in stock tfjs and scores what the run measured, on the same split.
    const shipped = await readModelFiles(join(out, 'model', 'model.json'));
    expect((await evaluate(shipped, testBatcher(data))).accuracy).toBe(m.after.accuracy);
    shipped.dispose();
  }, 300_000);

  for (const method of ['slimming', 'contrast-sa', 'polarization'] as const) {
    it(`${method} prunes the pretrained model to --target flops=0.5 within 5%`, async () => {
      const r = await prune(base({ method, target: { flops: 0.5 } }), { data });
      const kept = r.metrics.after.flops / r.metrics.before.flops;
      expect(Math.abs(kept / 0.5 - 1)).toBeLessThanOrEqual(0.05);
      expect(r.metrics.target!.reached).toBeCloseTo(kept, 6);
      expect(r.metrics.target!.how).toMatch(method === 'slimming' ? /percentile/ : method === 'polarization' ? /λ search/ : /α search/);
      // A sweep's cost counts every network a run trained: the λ search's discarded trials too.
      if (method === 'polarization') {
        const trials = Number(/\((\d+) trainings/.exec(r.metrics.target!.how)![1]);
        expect(trials).toBeGreaterThan(1);
        expect(r.metrics.searchNetworks).toEqual({ trained: trials - 1, cached: 0 });
      } else {
        expect(r.metrics.searchNetworks).toBeUndefined();
      }
      r.model.dispose();
    }, 300_000);
  }

  it('prunes to a batch-1 latency measured here, and refuses one no structure reaches', async () => {
    const r = await prune(base({ method: 'slimming', target: { latencyMs: 1e4 } }), { data });
    expect(r.metrics.target!.how).toMatch(/latencies measured, batch 1, on node/);
    // A bound, not a size: a model already fast enough keeps every channel.
    expect(r.metrics.channels.kept).toBe(r.metrics.channels.total);
    r.model.dispose();
    await expect(prune(base({ method: 'slimming', target: { latencyMs: 1e-6 } }), { data })).rejects.toThrow(/cannot reach a latency of 0.000001 ms.*ask for/);
  }, 300_000);

  it('refuses a model whose class count does not fit the folder, a target it cannot reach, and an empty folder, leaving nothing', async () => {
    const four = ownModel(7, 4);
    const fourPath = await writeModelFiles(join(dir, 'four'), await exportModel(four));
    four.dispose();
    const fail = async (args: string[]) => {
      const out = join(dir, `refused-${Math.random().toString(36).slice(2)}`);
      const error = await run(process.execPath, [CLI, 'prune', ...args, '--no-cache', '--out', out]).then(() => undefined, (e: { stderr: string }) => e);
      expect(error).toBeDefined();
      expect(await readdir(dir)).not.toContain(out.split('/').at(-1));
      return error!.stderr;
    };
    expect(await fail(['--model', fourPath, '--data', folder])).toMatch(/4 units|3 classes/);
    const gray = ownModel(7, 3, 1);
    const grayPath = await writeModelFiles(join(dir, 'gray'), await exportModel(gray));
    gray.dispose();
    expect(await fail(['--model', grayPath, '--data', folder])).toContain('--channels 1');
    expect(await fail(['--model', modelPath, '--data', folder, '--channels', '1'])).toContain('[16, 16, 1]');
    expect(await fail(['--model', modelPath, '--data', folder, '--method', 'slimming', '--target', 'flops=0.0001'])).toMatch(/cannot prune to 0.01% of the FLOPs.*ask for/);
    const empty = join(dir, 'empty');
    await mkdir(empty);
    expect(await fail(['--model', modelPath, '--data', empty])).toContain(empty);
    expect(await fail(['--data', folder])).toMatch(/--model/);
  }, 300_000);
});
