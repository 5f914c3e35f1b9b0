// Node-only: what a user meets when the input is wrong. Each bad model, file or folder is refused
// with a message that says what is wrong and what to do, before any training starts, and nothing
// is left behind (no output folder, no cache entry). A user's own model.json is pruned like a
// reference network, and `slimprune eval` measures a saved model.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  prune, loadTaskData, referenceModel, exportModel, writeModelFiles, readModelFiles, memoryNetworkCache, useTrainingBackend,
  type TaskData,
} from 'slimprune/internal';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const TINY = { task: 'mnist-lenet' as const, trainImages: 600, epochs: 1, fineTuneEpochs: 1, restarts: 2, cooling: 0.9, movesPerTemperature: 50 };

function lenetLike(options: { bn?: boolean; inputShape?: number[]; extra?: (x: tfl.SymbolicTensor) => tfl.SymbolicTensor } = {}): tfl.LayersModel {
  const input = tfl.input({ shape: options.inputShape ?? [28, 28, 1] });
  let x = tfl.layers.conv2d({ filters: 6, kernelSize: 5, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(input) as tfl.SymbolicTensor;
  if (options.bn !== false) x = tfl.layers.batchNormalization().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  if (options.extra) x = options.extra(x);
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'user_model' });
}

describe('bad input and user models', () => {
  let dir: string;
  let data: TaskData;
  const save = async (name: string, model: tfl.LayersModel) => writeModelFiles(join(dir, name), await exportModel(model));

  beforeAll(async () => {
    await useTrainingBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'slimprune-bad-'));
    data = await loadTaskData('mnist-lenet');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a model with no BatchNormalization, saying where to add one', async () => {
    const path = await save('no-bn', lenetLike({ bn: false }));
    await expect(prune({ ...TINY, model: path }, { data })).rejects.toThrow(/has no BatchNormalization layer.*add one after every layer/);
  });

  it('refuses a layer it cannot prune through, naming it and the way out', async () => {
    const path = await save('reshape', lenetLike({ extra: (x) => tfl.layers.reshape({ targetShape: [12, 12, 6] }).apply(x) as tfl.SymbolicTensor }));
    await expect(prune({ ...TINY, model: path }, { data })).rejects.toThrow(/reads the prunable channels.*unsupported: 'keep'/);
  });

  it('refuses NaN and Inf weights, naming the weight', async () => {
    for (const bad of [NaN, Infinity]) {
      const model = lenetLike();
      const weights = model.getWeights();
      const values = weights[0]!.dataSync().slice();
      values[7] = bad;
      model.setWeights([tf.tensor(values, weights[0]!.shape), ...weights.slice(1)]);
      const path = await save(`nan-${String(bad)}`, model);
      await expect(prune({ ...TINY, model: path }, { data })).rejects.toThrow(new RegExp(`weight .*kernel.* holds ${String(bad)} at index 7; the model diverged`));
    }
  });

  it('refuses a model whose input does not fit the data', async () => {
    const path = await save('cifar-shaped', lenetLike({ inputShape: [32, 32, 3] }));
    await expect(prune({ ...TINY, model: path }, { data })).rejects.toThrow(/takes inputs of shape \[32, 32, 3\] but the .* images are \[28, 28, 1\]/);
  });

  it('refuses missing, truncated and non-model files with the file named', async () => {
    const path = await save('truncated', lenetLike());
    await expect(readModelFiles(join(dir, 'nowhere', 'model.json'))).rejects.toThrow(/cannot read the model .*nowhere/);
    await writeFile(join(dir, 'truncated', 'weights.bin'), new Uint8Array(10));
    await expect(readModelFiles(path)).rejects.toThrow(/hold 10 bytes but its manifest describes \d+; the files are truncated/);
    await writeFile(join(dir, 'text.json'), 'hello');
    await expect(readModelFiles(join(dir, 'text.json'))).rejects.toThrow(/text\.json is not JSON/);
    await writeFile(join(dir, 'other.json'), '{"a": 1}');
    await expect(readModelFiles(join(dir, 'other.json'))).rejects.toThrow(/is not a tfjs layers model/);
  });

  it("prunes a user's model.json from its own weights, and the result is the same through the cache", async () => {
    const path = await save('user', lenetLike());
    const cache = memoryNetworkCache();
    const config = { ...TINY, method: 'contrast-sa' as const, networks: 2, lambda: 0.05, model: path };
    const first = await prune(config, { data, cache });
    expect(first.metrics.groups.map((g) => g.width)).toEqual([6]);
    expect(first.metrics.before.accuracy).toBeGreaterThan(0.5);
    expect(first.metrics.after.params).toBe(first.model.countParams());
    const again = await prune(config, { data, cache });
    expect(again.metrics.networksTrained.map((n) => n.cached)).toEqual([true, true, true]);
    expect(again.metrics.after.accuracy).toBe(first.metrics.after.accuracy);
  }, 120_000);

  it('the CLI refuses an existing output folder before training, and writes nothing', async () => {
    const out = join(dir, 'exists');
    await mkdir(out);
    const started = Date.now();
    const failed = await run('node', [CLI, 'prune', '--out', out, '--no-cache'], { encoding: 'utf8' }).then(() => undefined, (e: { stderr: string; code: number }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/output folder .*exists already; choose another --out or remove it/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await readdir(out)).toEqual([]);
  });

  it('`slimprune eval` measures a saved model on the test set', async () => {
    const model = referenceModel('mnist-lenet', { seed: 5 });
    const path = await save('eval', model);
    const { stdout } = await run('node', [CLI, 'eval', '--model', path, '--task', 'mnist-lenet', '--json'], { encoding: 'utf8' });
    const figures = JSON.parse(stdout);
    expect(figures.params).toBe(model.countParams());
    expect(figures.flops).toBe(2_293_000);
    expect(figures.accuracy).toBeGreaterThanOrEqual(0);
    expect(figures.accuracy).toBeLessThan(0.3); // untrained: near chance
    expect(figures.weightBytes).toBe((await readFile(join(dir, 'eval', 'weights.bin'))).byteLength);
    expect(figures.latencyBatch64Ms).toBeGreaterThan(0);
  }, 60_000);
});
