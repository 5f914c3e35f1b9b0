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
import { pathToFileURL } from 'node:url';
import {
  prune, loadTaskData, referenceModel, exportModel, writeModelFiles, readModelFiles, memoryNetworkCache, useTrainingBackend,
  evaluateModel, type TaskData,
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

/**
 * A functional model the reference networks do not cover: a residual Add, a depthwise conv and a
 * Concatenate, then fc1 (Dense). `extra` is applied after the concatenation.
 */
function functionalModel(options: { extra?: (x: tfl.SymbolicTensor) => tfl.SymbolicTensor } = {}): tfl.LayersModel {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  const conv = (x: tfl.SymbolicTensor, filters: number, name: string, seed: number) =>
    apply(tfl.layers.batchNormalization({ name: `${name}_bn` }), apply(tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', name, kernelInitializer: init(seed) }), x));
  const input = tfl.input({ shape: [28, 28, 1] });
  const a = apply(tfl.layers.maxPooling2d({ poolSize: 2 }), apply(tfl.layers.reLU(), conv(input, 8, 'conv1', 1)));
  const dw = apply(tfl.layers.reLU(), apply(tfl.layers.batchNormalization({ name: 'dw_bn' }),
    apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'dw', depthwiseInitializer: init(2) }), a)));
  const sum = apply(tfl.layers.reLU(), apply(tfl.layers.add(), [a, conv(dw, 8, 'conv2', 3)]));
  const side = apply(tfl.layers.reLU(), conv(sum, 4, 'conv3', 4));
  let x = apply(tfl.layers.concatenate(), [sum, side]);
  if (options.extra) x = options.extra(x);
  x = apply(tfl.layers.flatten(), apply(tfl.layers.maxPooling2d({ poolSize: 2 }), x));
  x = apply(tfl.layers.reLU(), apply(tfl.layers.batchNormalization({ name: 'fc1_bn' }), apply(tfl.layers.dense({ units: 16, name: 'fc1', kernelInitializer: init(5) }), x)));
  const out = apply(tfl.layers.dense({ units: 10, activation: 'softmax', name: 'out', kernelInitializer: init(6) }), x);
  return tfl.model({ inputs: input, outputs: out, name: 'functional' });
}

/** The layer config named `name` in a model.json's topology (Sequential or functional). */
function layerConfig(json: { modelTopology: unknown }, name: string): Record<string, unknown> {
  const topology = json.modelTopology as { model_config?: { config: { layers: { config: Record<string, unknown> }[] } }; config?: { layers: { config: Record<string, unknown> }[] } };
  const layers = (topology.model_config ?? topology).config!.layers;
  const layer = layers.find((l) => l.config['name'] === name);
  if (!layer) throw new Error(`no layer ${name} in the topology`);
  return layer.config;
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

  // --- issue 21: bad and hostile input on a functional model -----------------------------------

  it('refuses a budget so small that the rescaled λ exceeds 1, before training, saying what to pass', async () => {
    const started = Date.now();
    await expect(prune({ ...TINY }, { data })).rejects.toThrow(/λ 5e-4, rescaled to this budget .* is 1\.\d+, more than 1, .*pass a smaller lambda \(--lambda\), e\.g\. 0\.05, or a larger budget/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('the CLI refuses a run whose sparsity training drove every γ of a network to 0, and writes nothing', async () => {
    const out = join(dir, 'collapsed');
    const failed = await run('node', [CLI, 'prune', '--train-images', '2000', '--epochs', '1', '--fine-tune-epochs', '1', '--restarts', '2',
      '--workers', '1', '--no-cache', '--out', out], { encoding: 'utf8' }).then(() => undefined, (e: { stderr: string; code: number }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/sparsity training drove every γ of network 1 .* below 0\.05: λ = 0\.\d+ \(the recipe's 5e-4 rescaled to \d+ images × 1 epoch per network\) is too strong, .*pass a smaller lambda \(--lambda\)/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  }, 120_000);

  it('the CLI warns on stderr and in the report, and `slimprune eval` takes the model-deployed/ the run wrote', async () => {
    const out = join(dir, 'warned');
    const { stderr } = await run('node', [CLI, 'prune', '--method', 'slimming', '--train-images', '900', '--epochs', '1', '--fine-tune-epochs', '1',
      '--workers', '1', '--no-cache', '--out', out], { encoding: 'utf8' });
    expect(stderr).toMatch(/warning: network 1: bn1: \d+% of its 20 γ lie between .* not polarized/);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<h2>Warnings<\/h2>[^]*network 1: bn1: \d+% of its 20 γ lie between/);
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.warnings.some((w: string) => /not polarized/.test(w))).toBe(true);
    for (const folder of ['model', 'model-deployed']) {
      const { stdout } = await run('node', [CLI, 'eval', '--model', join(out, folder, 'model.json'), '--json'], { encoding: 'utf8' });
      const figures = JSON.parse(stdout);
      expect(figures.accuracy).toBeCloseTo(metrics.after.accuracy, 2);
      expect(figures.flops).toBe(metrics.after.flops);
    }
  }, 120_000);

  it('prune() disposes the networks it trained: the tensor count stays flat over calls; the compaction names its network', async () => {
    const cache = memoryNetworkCache();
    const config = { ...TINY, method: 'contrast-sa' as const, networks: 2, lambda: 0.05, model: await save('loop', lenetLike()) };
    const counts: number[] = [];
    const compacting: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await prune(config, { data, cache, onProgress: (p) => p.stage === 'compact' && compacting.push(p.message) });
      r.model.dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(counts).toEqual([counts[0], counts[0], counts[0], counts[0]]);
    // 'full' compacts the network trained on the whole set (k*'s widths), not network k*.
    expect(compacting[0]).toMatch(/^removing pruned channels of the network trained on the whole set \(network 3\), at the widths of network [12]$/);
    const joint = await prune({ ...config, structureFrom: 'joint' }, { data, cache, onProgress: (p) => p.stage === 'compact' && compacting.push(p.message) });
    joint.model.dispose();
    expect(compacting.at(-1)).toMatch(/^removing pruned channels of network 3 \(the network trained on the whole set\)$/);
  }, 240_000);

  it('refuses a topology that does not match its weight manifest before allocating it', async () => {
    const path = await save('huge', functionalModel());
    const json = JSON.parse(await readFile(path, 'utf8'));
    layerConfig(json, 'fc1')['units'] = 500_000;
    await writeFile(path, JSON.stringify(json));
    // In a child process: were the kernel allocated, it would take gigabytes.
    const script = `
      import { readModelFiles, useTrainingBackend } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'dist', 'index.js'))};
      await useTrainingBackend('wasm');
      const rss = process.memoryUsage().rss, started = Date.now();
      const message = await readModelFiles(${JSON.stringify(path)}).then(() => 'loaded', (e) => e.message);
      console.log(JSON.stringify({ message, ms: Date.now() - started, rssMB: (process.memoryUsage().rss - rss) / 2 ** 20 }));`;
    const { stdout } = await run('node', ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const outcome = JSON.parse(stdout) as { message: string; ms: number; rssMB: number };
    expect(outcome.message).toMatch(/layer 'fc1' \(Dense\) of .*model\.json would hold a weight kernel of shape \[588, 500000\], but its weight manifest gives fc1\/kernel the shape \[588, 16\]; the topology and the weights belong to different models/);
    expect(outcome.ms).toBeLessThan(3_000);
    expect(outcome.rssMB).toBeLessThan(100);
  }, 60_000);

  it('refuses weight paths that leave the model folder', async () => {
    const path = await save('escape', functionalModel());
    const json = JSON.parse(await readFile(path, 'utf8'));
    const weights = await readFile(join(dir, 'escape', 'weights.bin'));
    await writeFile(join(dir, 'outside.bin'), weights);
    for (const [where, location] of [['path', path], ['file URL', pathToFileURL(path).href]] as const) {
      for (const bad of ['../outside.bin', join(dir, 'outside.bin'), pathToFileURL(join(dir, 'outside.bin')).href, 'sub/../../outside.bin', '%2e%2e/outside.bin']) {
        json.weightsManifest[0].paths = [bad];
        await writeFile(path, JSON.stringify(json));
        await expect(readModelFiles(location), `${bad} from a ${where}`).rejects.toThrow(/lists the weight file .*, which is not a file in the model's folder; weight paths must be names relative to model\.json/);
      }
    }
    json.weightsManifest[0].paths = ['weights.bin'];
    await writeFile(path, JSON.stringify(json));
    (await readModelFiles(pathToFileURL(path).href)).dispose();
  });

  it('`slimprune eval` refuses NaN and Inf weights with the same check as prune', async () => {
    for (const bad of [NaN, -Infinity]) {
      const model = functionalModel();
      const weights = model.getWeights();
      const values = weights[0]!.dataSync().slice();
      values[3] = bad;
      model.setWeights([tf.tensor(values, weights[0]!.shape), ...weights.slice(1)]);
      const path = await save(`eval-nan-${String(bad)}`, model);
      await expect(evaluateModel(await readModelFiles(path), data)).rejects.toThrow(new RegExp(`weight conv1/kernel\\S* holds ${String(bad)} at index 3; the model diverged`));
    }
  });

  it("prunes through a layer it cannot trace with { unsupported: 'keep' } (CLI --unsupported keep), keeping the channels it reads", async () => {
    const reshape = (x: tfl.SymbolicTensor) => tfl.layers.reshape({ targetShape: [14, 14, 12], name: 'reshape' }).apply(x) as tfl.SymbolicTensor;
    const path = await save('keep', functionalModel({ extra: reshape }));
    const config = { ...TINY, method: 'contrast-sa' as const, networks: 2, lambda: 0.05, model: path };
    await expect(prune(config, { data })).rejects.toThrow(/reads the prunable channels.*pass \{ unsupported: 'keep' \} \(CLI: --unsupported keep\)/);
    await expect(prune({ ...config, unsupported: 'nope' as 'keep' }, { data })).rejects.toThrow(/unsupported must be 'refuse' or 'keep', got nope/);
    const r = await prune({ ...config, unsupported: 'keep' }, { data });
    // conv1, dw, conv2 (one group: the residual Add) and conv3 reach the Reshape; fc1 stays prunable.
    expect(r.metrics.groups.map((g) => g.layers)).toEqual([['fc1']]);
    expect(r.graph.fixed.some((f) => f.reasons.some((why) => /read by 'reshape' \(Reshape\)/.test(why)))).toBe(true);
    expect(r.metrics.after.params).toBe(r.model.countParams());
    expect(r.model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor).toBeDefined();
    r.model.dispose();
    const { stdout } = await run('node', [CLI, 'prune', '--help'], { encoding: 'utf8' });
    expect(stdout).toMatch(/--unsupported <what>/);
  }, 120_000);

  it('`slimprune eval` reports the layers its FLOPs leave out', async () => {
    const input = tfl.input({ shape: [28, 28, 1] });
    const small = tfl.layers.maxPooling2d({ poolSize: 4 }).apply(input) as tfl.SymbolicTensor;
    const up = tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, name: 'deconv' }).apply(small) as tfl.SymbolicTensor;
    const rows = tfl.layers.reshape({ targetShape: [15, 15 * 2] }).apply(up) as tfl.SymbolicTensor;
    const lstm = tfl.layers.lstm({ units: 8, name: 'lstm' }).apply(rows) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 10, activation: 'softmax', name: 'out' }).apply(lstm) as tfl.SymbolicTensor;
    const path = await save('uncounted', tfl.model({ inputs: input, outputs: out, name: 'uncounted' }));
    const figures = await evaluateModel(await readModelFiles(path), data);
    expect(figures.flops).toBe(8 * 10);
    expect(figures.uncountedLayers).toEqual([{ name: 'deconv', className: 'Conv2DTranspose' }, { name: 'lstm', className: 'LSTM' }]);
    const { stdout } = await run('node', [CLI, 'eval', '--model', path], { encoding: 'utf8' });
    expect(stdout).toMatch(/FLOPs 80 \(not counted: 'deconv' \(Conv2DTranspose\), 'lstm' \(LSTM\); slimprune counts conv2d, depthwise conv2d and dense layers\)/);
  }, 60_000);
});
