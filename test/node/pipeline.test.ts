// Node-only: prune() end to end on a tiny budget of real MNIST, the run folder written
// atomically, and the checks a user meets first (bad config, an existing output folder).
import { mkdtemp, readdir, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  prune, resolveConfig, baselineConfigs, networkJobs, writeRunFolder, loadTaskData, memoryNetworkCache, folderNetworkCache, loadInferenceModel, type PruneConfig, type PruneRun, type TaskData,
} from 'slimprune/internal';

const TINY = { task: 'mnist-lenet' as const, trainImages: 900, epochs: 1, fineTuneEpochs: 1, restarts: 2, cooling: 0.9, movesPerTemperature: 50 };

describe('prune pipeline', () => {
  let dir: string;
  let data: TaskData;
  let run: PruneRun;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slimprune-run-'));
    data = await loadTaskData('mnist-lenet');
    run = await prune({ ...TINY, method: 'contrast-sa', networks: 3, lambda: 0.05 }, { data });
  }, 240_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains K networks, selects a structure, compacts and measures', () => {
    const m = run.metrics;
    // The default structure variant ('full'): K = 3 networks on thirds, one on the whole set.
    expect(m.config.structureFrom).toBe('full');
    expect(m.networksTrained.map((n) => n.images)).toEqual([300, 300, 300, 900]);
    expect(m.network).toBe(3);
    expect(m.groups.map((g) => g.kept)).toEqual(run.decision.selection!.widths[run.decision.network]);
    expect(m.groups.map((g) => g.width)).toEqual([20, 50, 500]);
    for (const g of m.groups) expect(g.kept).toBeGreaterThanOrEqual(1);
    expect(m.after.params).toBeLessThanOrEqual(m.before.params);
    expect(m.after.flops).toBeLessThanOrEqual(m.before.flops);
    expect(m.before.accuracy).toBeGreaterThan(0.3); // 300 images, one epoch: far above chance
    expect(run.model.countParams()).toBe(m.after.params);
    expect(run.decision.selection?.restarts).toHaveLength(2);
    expect(m.fineTuneAccuracy).toHaveLength(1);
    expect(m.fineTuneAccuracy.at(-1)).toBe(m.after.accuracy);
  });

  it('takes networks trained with identical inputs from the cache, and gives the same run', async () => {
    const cache = memoryNetworkCache();
    const full = { ...TINY, method: 'contrast-sa' as const, networks: 3, lambda: 0.05, structureFrom: 'full' as const };
    const first = await prune(full, { data, cache });
    expect(first.metrics.networksTrained.map((n) => n.cached)).toEqual([false, false, false, false]);
    // The networks equal those of the run without a cache (same inputs).
    expect(first.metrics.networksTrained.map((n) => n.testAccuracy)).toEqual(run.metrics.networksTrained.map((n) => n.testAccuracy));
    expect(first.metrics.after.accuracy).toBe(run.metrics.after.accuracy);
    const again = await prune(full, { data, cache });
    expect(again.metrics.networksTrained.map((n) => n.cached)).toEqual([true, true, true, true]);
    expect(again.metrics.after.accuracy).toBe(first.metrics.after.accuracy);
    expect(again.metrics.groups).toEqual(first.metrics.groups);
    // 'joint' anneals the same four networks and prunes the full-set one at its own θ*.
    const joint = await prune({ ...full, structureFrom: 'joint' }, { data, cache });
    expect(joint.metrics.networksTrained.map((n) => n.cached)).toEqual([true, true, true, true]);
    expect(joint.metrics.network).toBe(3);
    expect(joint.decision.selection!.widths).toHaveLength(4);
    expect(joint.metrics.groups.map((g) => g.kept)).toEqual(joint.decision.selection!.widths[3]);
    expect(joint.metrics.before.accuracy).toBe(first.metrics.before.accuracy);
    // Distillation changes the fine-tuning only; the teacher (the network before compaction) is
    // measured after it and must be untouched.
    const distilled = await prune({ ...full, distill: { temperature: 3, weight: 0.7 } }, { data, cache });
    expect(distilled.metrics.config.distill).toEqual({ temperature: 3, weight: 0.7 });
    expect(distilled.metrics.groups).toEqual(first.metrics.groups);
    expect(distilled.metrics.afterCompaction.accuracy).toBe(first.metrics.afterCompaction.accuracy);
    expect(distilled.metrics.before.accuracy).toBe(first.metrics.before.accuracy);
    expect(distilled.metrics.fineTuneAccuracy).toHaveLength(1);
    // A fade fine-tunes the full-width network while the pruned channels fall to 0, then compacts
    // it: the same structure, and the shipped model scores what the faded network scored (compact
    // ≡ masked; at most one test image apart on a near-tie). Network Slimming prunes half the
    // channels at any budget, so the fade has channels to act on.
    const slimming = { ...TINY, method: 'slimming' as const };
    const cut = await prune(slimming, { data, cache });
    const faded = await prune({ ...slimming, fadeEpochs: 1 }, { data, cache });
    expect(faded.metrics.networksTrained.map((n) => n.cached)).toEqual([true]);
    expect(faded.metrics.channels.kept).toBeLessThan(faded.metrics.channels.total);
    expect(faded.metrics.groups).toEqual(cut.metrics.groups);
    expect(faded.metrics.afterCompaction.accuracy).toBe(cut.metrics.afterCompaction.accuracy);
    expect(faded.model.countParams()).toBe(cut.metrics.after.params);
    expect(faded.metrics.fineTuneAccuracy).toHaveLength(1);
    expect(Math.abs(faded.metrics.after.accuracy - faded.metrics.fineTuneAccuracy[0]!)).toBeLessThanOrEqual(1 / 10_000 + 1e-12);
    const weights = (r: PruneRun) => r.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(faded)).not.toEqual(weights(cut));
    // A whole-set network of its own λ (0: no sparsity) is trained anew; the K are the same, so
    // 'full' applies the same widths to it.
    const dense = await prune({ ...full, wholeSetLambda: 0 }, { data, cache });
    expect(dense.metrics.networksTrained.map((n) => n.cached)).toEqual([true, true, true, false]);
    expect(dense.metrics.groups.map((g) => g.kept)).toEqual(first.metrics.groups.map((g) => g.kept));
    expect(dense.metrics.networksTrained[3]!.polarization).not.toEqual(first.metrics.networksTrained[3]!.polarization);
    // Polarization's network is the §7 variant's full-set network: the same key, so not retrained.
    const polarization = await prune({ ...TINY, method: 'polarization', lambda: 0.05 }, { data, cache });
    expect(polarization.metrics.networksTrained.map((n) => n.cached)).toEqual([true]);
    expect(polarization.metrics.before.accuracy).toBe(first.metrics.before.accuracy);
  }, 600_000);

  it('keeps networks in a folder cache between runs', async () => {
    const folder = join(dir, 'networks');
    const config = { ...TINY, method: 'polarization' as const, lambda: 0.05, trainImages: 300 };
    const first = await prune(config, { data, cache: folderNetworkCache(folder) });
    const entries = (await readdir(folder)).sort();
    expect(entries).toHaveLength(2);
    expect(entries.filter((f) => f.includes('tmp'))).toEqual([]);
    const again = await prune(config, { data, cache: folderNetworkCache(folder) });
    expect(again.metrics.networksTrained[0]!.cached).toBe(true);
    expect(again.metrics.before.accuracy).toBe(first.metrics.before.accuracy);
    expect(again.metrics.after.accuracy).toBe(first.metrics.after.accuracy);
    // A truncated entry is not trusted: the network is trained again.
    const bin = entries.find((f) => f.endsWith('.bin'))!;
    await writeFile(join(folder, bin), new Uint8Array(12));
    const retrained = await prune(config, { data, cache: folderNetworkCache(folder) });
    expect(retrained.metrics.networksTrained[0]!.cached).toBe(false);
    expect(retrained.metrics.before.accuracy).toBe(first.metrics.before.accuracy);
  }, 240_000);

  it('writes the run folder atomically and refuses an existing one', async () => {
    const out = join(dir, 'run');
    await writeRunFolder(out, run);
    expect((await readdir(out)).sort()).toEqual(['history.json', 'metrics.json', 'model', 'model-deployed', 'model-deployed.onnx', 'report.html']);
    // The ONNX file is the deployed model: onnxruntime reads it, with the tfjs model's NHWC input.
    const session = await ort.InferenceSession.create(await readFile(join(out, 'model-deployed.onnx')));
    expect(session.inputNames).toEqual([run.model.inputs[0]!.sourceLayer.name]);
    // And it says, as model.json does, what the classes are and how pixels become inputs.
    const onnx = await loadInferenceModel(join(out, 'model-deployed.onnx'));
    expect(onnx.description).toEqual({ classNames: run.metrics.data.classNames, normalization: run.metrics.data.normalization });
    onnx.dispose();
    expect((await readdir(out + '/model-deployed')).sort()).toEqual(['model.json', 'weights.bin']);
    expect((await readdir(out + '/model')).sort()).toEqual(['model.json', 'weights.bin']);
    // Both model files say how their inputs are made and what the classes are called.
    for (const folder of ['model', 'model-deployed']) {
      const meta = JSON.parse(await readFile(join(out, folder, 'model.json'), 'utf8')).userDefinedMetadata.slimprune;
      expect(meta.classNames).toEqual(run.metrics.data.classNames);
      expect(meta.normalization).toEqual(run.metrics.data.normalization);
      expect(meta.inputShape).toEqual([28, 28, 1]);
    }
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('contrast-sa');
    expect(html).toContain('1 fine-tuning epoch.');
    expect(JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')).method).toBe('contrast-sa');
    await expect(writeRunFolder(out, run)).rejects.toThrow(/already exists/);
    await mkdir(join(dir, 'other'));
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('a model exportOnnx cannot write still gets its run folder: no ONNX file, the reason in the warnings', async () => {
    const out = join(dir, 'run-no-onnx');
    const input = tfl.input({ shape: [28, 28, 1] });
    const rows = tfl.layers.reshape({ name: 'rows', targetShape: [28, 28] }).apply(input) as tfl.SymbolicTensor;
    const logits = tfl.layers.dense({ units: 10 }).apply(tfl.layers.flatten().apply(rows) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const model = tfl.model({ name: 'with_reshape', inputs: input, outputs: logits });
    const warned: string[] = [];
    await writeRunFolder(out, { ...run, model }, [], { onWarning: (w) => warned.push(w) });
    expect((await readdir(out)).sort()).toEqual(['history.json', 'metrics.json', 'model', 'model-deployed', 'report.html']);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/^model-deployed\.onnx not written: exportOnnx: model 'with_reshape' has layers that exportOnnx cannot write: 'rows' \(Reshape\)/);
    expect(JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')).warnings).toContain(warned[0]);
    model.dispose();
  });

  it('rejects bad configurations with what to do', () => {
    expect(() => resolveConfig({ task: 'mnist-lenet', method: 'contrast-sa', networks: 1 })).toThrow(/--networks 2 or more/);
    expect(() => resolveConfig({ task: 'nope' as 'mnist-lenet' })).toThrow(/unknown task 'nope'; choose one of/);
    expect(() => resolveConfig({ task: 'mnist-lenet', method: 'magic' as 'slimming' })).toThrow(/unknown method/);
    expect(() => resolveConfig({ task: 'mnist-lenet', sampleFraction: 0 })).toThrow(/sampleFraction must be in/);
    expect(() => resolveConfig({ task: 'mnist-lenet', epochs: 0 })).toThrow(/epochs must be a positive integer/);
    expect(() => resolveConfig({ task: 'mnist-lenet', fineTuneEpochs: 2, fadeEpochs: 3 })).toThrow(/fadeEpochs must be a whole number from 0 to fineTuneEpochs \(2\), got 3/);
    expect(resolveConfig({ task: 'mnist-lenet' }).fadeEpochs).toBe(0);
    expect(() => resolveConfig({ task: 'mnist-lenet', wholeSetLambda: -1 })).toThrow(/wholeSetLambda must be a finite number >= 0 \(got -1\)/);
    // A whole-set λ for a run that trains no whole-set network is refused, not ignored.
    for (const c of [{ method: 'polarization' }, { method: 'slimming' }, { structureFrom: 'k-star' }] as const) {
      expect(() => resolveConfig({ task: 'mnist-lenet', wholeSetLambda: 0, ...c })).toThrow(/only contrast-sa with structureFrom 'full' or 'joint' trains; this run \((polarization|slimming|contrast-sa with structureFrom 'k-star')\) trains none/);
    }
    expect(resolveConfig({ task: 'mnist-lenet', structureFrom: 'joint', wholeSetLambda: 0 }).wholeSetLambda).toBe(0);
    expect(() => resolveConfig({ task: 'mnist-lenet', fineTuneLearningRate: 0 })).toThrow(/fineTuneLearningRate must be a finite number > 0, got 0/);
  });
});

describe('baselines', () => {
  it("expands --baselines with each regularizer's own λ", async () => {
    const methods = (cs: PruneConfig[]) => cs.map((c) => `${c.method}${c.method === 'contrast-sa' ? `/${c.structureFrom}` : ''}`);
    const main: PruneConfig = { ...TINY, method: 'contrast-sa', structureFrom: 'full', lambda: 5e-3, t: 0.8 };
    const configs = baselineConfigs(main);
    expect(methods(configs)).toEqual(['contrast-sa/full', 'contrast-sa/k-star', 'contrast-sa/joint', 'polarization', 'slimming']);
    // The polarization-based runs share λ and t; Network Slimming keeps its recipe's L1 λ …
    for (const c of configs.slice(0, 4)) expect([c.lambda, c.t]).toEqual([5e-3, 0.8]);
    expect([configs[4]!.lambda, configs[4]!.t]).toEqual([undefined, undefined]);
    const data = await loadTaskData('mnist-lenet');
    const regularizer = (c: PruneConfig) => networkJobs(resolveConfig(c), data)[0]!.recipe.regularizer;
    expect(regularizer(configs[4]!)).toEqual(regularizer({ ...TINY, method: 'slimming' }));
    expect(regularizer(configs[3]!)).toEqual({ kind: 'polarization', lambda: 5e-3, t: 0.8 });
    // … or takes the one given for it.
    expect(baselineConfigs(main, { slimmingLambda: 2e-3 })[4]!.lambda).toBe(2e-3);
    // A Network Slimming run's λ is L1's: its Polarization baseline keeps the polarization recipe's λ.
    const fromSlimming = baselineConfigs({ ...TINY, method: 'slimming', lambda: 2e-3 });
    expect(methods(fromSlimming)).toEqual(['slimming', 'polarization']);
    expect(fromSlimming[1]!.lambda).toBeUndefined();
    // The whole-set λ of contrast-sa reaches the variants that train a whole-set network (full,
    // joint), not k-star or the classic baselines.
    const dense = baselineConfigs({ ...main, wholeSetLambda: 0 });
    expect(dense.map((c) => c.wholeSetLambda)).toEqual([0, undefined, 0, undefined, undefined]);
    for (const c of dense) expect(() => resolveConfig(c)).not.toThrow();
    const wholeSet = (c: PruneConfig) => networkJobs(resolveConfig(c), data).at(-1)!.recipe.regularizer;
    expect(wholeSet(dense[0]!)).toEqual({ kind: 'polarization', lambda: 0, t: 0.8 });
    expect(wholeSet(dense[3]!)).toEqual({ kind: 'polarization', lambda: 5e-3, t: 0.8 });
  });
});
