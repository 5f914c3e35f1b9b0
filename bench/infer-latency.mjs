// slimprune/infer against tfjs-backend-wasm with slimprune's kernels registered, in the same run:
// each reference network (random weights; latency does not depend on them), whole and pruned to
// the default method's structure at seed 1 (RESULTS.md: its channels kept per group) and to a
// random half of every prunable group's channels, deployed (fuseBatchNorm), then timed as
// - tfjs-wasm + slimprune (useTrainingBackend('wasm'), what the run's report measures):
//   `model.execute` on a batch already in the backend, output read back (latencyMs);
// - slimprune/infer on the same model's files: `predict` from a Float32Array to a Float32Array.
// Both on one thread, batch 1 and 64; each figure the median over rounds of the median of --reps
// passes, the rounds alternating the two so drift hits both alike. The last column is the pruned
// model's speed-up over the whole one divided by its FLOPs ratio (1: latency falls as FLOPs do).
//
//   npm run build
//   node bench/infer-latency.mjs                 # --reps 15 --rounds 3 --tasks mnist-lenet,cifar-vgg,cifar-resnet
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  referenceModel, compactModel, buildGraph, graphFlops, keepBitsetFromIndices, latencyMs, useTrainingBackend, fuseBatchNorm,
  exportModel, loadInferenceModel, Xoshiro128,
} from '../dist/internal.js';
import { LATENCY_OPTIONS, halfMasks, median, medianMs, table } from './util.mjs';

const { values: args } = parseArgs({ options: LATENCY_OPTIONS });

/** The default's pruned structures at seed 1, channels kept per prunable group (RESULTS.md). */
const DEFAULT_STRUCTURES = {
  'mnist-lenet': [12, 20, 245],
  'cifar-vgg': [17, 28, 65, 69, 129, 124, 130, 31],
  'cifar-resnet': [9, 5, 3, 4, 10, 24, 13, 12, 24, 28, 25, 32],
};

/** The first `widths[l]` channels of each group (which ones does not change the latency). */
const firstChannels = (graph, widths) => graph.groups.map((g, l) => keepBitsetFromIndices(g.width, Array.from({ length: widths[l] }, (_, i) => i)));
const reps = Number(args.reps);
const rounds = Number(args.rounds);

await useTrainingBackend('wasm');


async function timeBoth(deployed, batch) {
  const exported = await exportModel(deployed);
  const runtime = await loadInferenceModel({ modelJson: exported.modelJson, weights: exported.weights });
  const x = new Float32Array(batch * runtime.inputShape.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i));
  const out = new Float32Array(batch * runtime.outputShape.reduce((a, b) => a * b, 1));
  const tfjsTimes = [];
  const ours = [];
  for (let r = 0; r < rounds; r++) {
    tfjsTimes.push(await latencyMs(deployed, batch, { reps, warmup: 3 }));
    ours.push(await medianMs(() => runtime.predict(x, batch, out), { reps, warmup: 3 }));
  }
  runtime.dispose();
  return [median(tfjsTimes), median(ours)];
}

const rows = [];
for (const task of args.tasks.split(',')) {
  const whole = referenceModel(task, { seed: Number(args.seed) });
  const graph = buildGraph(whole);
  const deployedWhole = (await fuseBatchNorm(whole)).model;
  const structures = [
    ["the default's (RESULTS.md)", firstChannels(graph, DEFAULT_STRUCTURES[task])],
    ['random half', halfMasks(graph, Number(args.seed), { keepBitsetFromIndices, Xoshiro128 })],
  ];
  const timesWhole = new Map();
  for (const [structure, masks] of structures) {
    const { model: pruned, widths } = await compactModel(whole, masks, { graph });
    const deployed = (await fuseBatchNorm(pruned)).model;
    const flops = graphFlops(graph, widths) / graphFlops(graph);
    for (const batch of [1, 64]) {
      if (!timesWhole.has(batch)) timesWhole.set(batch, await timeBoth(deployedWhole, batch));
      const [tfjsWhole, oursWhole] = timesWhole.get(batch);
      const [tfjsPruned, oursPruned] = await timeBoth(deployed, batch);
      const digits = batch === 1 ? 3 : 2;
      rows.push([
        task, structure, `${(100 * flops).toFixed(1)}%`, batch,
        tfjsWhole.toFixed(digits), oursWhole.toFixed(digits), `${(tfjsWhole / oursWhole).toFixed(2)}×`,
        tfjsPruned.toFixed(digits), oursPruned.toFixed(digits), `${(tfjsPruned / oursPruned).toFixed(2)}×`,
        ((oursWhole / oursPruned) * flops).toFixed(2), ((tfjsWhole / tfjsPruned) * flops).toFixed(2),
      ]);
      console.error(`${task} (${structure}) batch ${batch}: pruned tfjs ${tfjsPruned.toFixed(3)} ms, infer ${oursPruned.toFixed(3)} ms; whole tfjs ${tfjsWhole.toFixed(3)}, infer ${oursWhole.toFixed(3)}`);
    }
    pruned.dispose();
    deployed.dispose();
  }
  for (const m of [whole, deployedWhole]) m.dispose();
}
console.log(`tfjs ${tf.version.tfjs} (backend ${tf.getBackend()}, slimprune kernels), Node ${process.version}; medians of ${rounds} rounds × ${reps} passes\n`);
console.log(table([
  'network (deployed)', 'structure', 'FLOPs kept', 'batch', 'whole: tfjs (ms)', 'whole: infer (ms)', 'tfjs / infer',
  'pruned: tfjs (ms)', 'pruned: infer (ms)', 'tfjs / infer', 'infer: speed-up × FLOPs ratio', 'tfjs: speed-up × FLOPs ratio',
], rows));
