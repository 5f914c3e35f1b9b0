// Pruned latency against FLOPs (METHOD.md §9, issue target: speedup ≥ 0.8 × the FLOPs ratio at
// batch 64): a reference network whole against the same network compacted to the given widths
// (one per prunable group, in graph order), as
// trained (conv → BN → ReLU as three tfjs ops) and deployed (fuseBatchNorm: one fused op),
// tfjs-backend-wasm with our kernels, in one process. Each figure is the median of --reps
// forward passes after warm-up, called as `model.execute` (the network alone) and as
// `model.predict` (which adds tfjs-layers' copy of the input batch, the same for both models);
// the rounds alternate the models so drift hits both alike.
//
//   npm run build
//   node bench/latency.mjs --widths 13,21,247      # the widths of a pruned LeNet (conv1,conv2,fc1)
//   node bench/latency.mjs --task cifar-vgg --widths 20,40,80,80,120,120,120,120
import { parseArgs } from 'node:util';
import {
  referenceModel, compactModel, buildGraph, graphFlops, keepBitsetFromIndices, latencyMs, useTrainingBackend, fuseBatchNorm,
} from '../dist/internal.js';

const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'mnist-lenet' }, widths: { type: 'string', default: '13,21,247' }, reps: { type: 'string', default: '41' }, rounds: { type: 'string', default: '5' } },
});
await useTrainingBackend('wasm');
const whole = referenceModel(args.task, { seed: 1 });
const graph = buildGraph(whole);
const widths = args.widths.split(',').map(Number);
if (widths.length !== graph.groups.length) {
  throw new Error(`--widths needs ${graph.groups.length} numbers for ${args.task} (${graph.groups.map((g) => `${g.producers.join("+")}: ${g.width}`).join(', ')})`);
}
const masks = graph.groups.map((g, l) => keepBitsetFromIndices(g.width, Array.from({ length: widths[l] }, (_, i) => i)));
const pruned = (await compactModel(whole, masks, { graph })).model;
const forms = {
  'as trained': [whole, pruned],
  deployed: [(await fuseBatchNorm(whole)).model, (await fuseBatchNorm(pruned)).model],
};
const flopsRatio = graphFlops(graph) / graphFlops(graph, widths);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${args.task}, widths ${widths.join(' / ')}: FLOPs ratio ${flopsRatio.toFixed(2)}×, target speedup ≥ ${(0.8 * flopsRatio).toFixed(2)}× at batch 64\n`);
console.log('| form | call | batch | whole (ms) | pruned (ms) | speedup | ÷ FLOPs ratio |');
console.log('|---|---|---|---|---|---|---|');
for (const [form, [a, b]] of Object.entries(forms)) {
  for (const call of ['execute', 'predict']) {
    for (const batch of [1, 64]) {
      const ta = [], tb = [];
      for (let r = 0; r < Number(args.rounds); r++) {
        ta.push(await latencyMs(a, batch, { reps: Number(args.reps), call }));
        tb.push(await latencyMs(b, batch, { reps: Number(args.reps), call }));
      }
      const speedup = median(ta) / median(tb);
      console.log(`| ${form} | ${call} | ${batch} | ${median(ta).toFixed(2)} | ${median(tb).toFixed(2)} | ${speedup.toFixed(2)}× | ${(speedup / flopsRatio).toFixed(2)} |`);
    }
  }
}
