// Where a pruned network's inference time goes: each layer of the deployed form (fuseBatchNorm)
// of a reference network, whole and compacted to the given widths, timed alone by layer.apply on
// its own input (batch --batch), rounds alternating the two networks; medians. The per-layer
// speedups against each layer's FLOPs ratio explain bench/latency.mjs's whole-network figure.
//   npm run build
//   node bench/layer-latency.mjs --widths 12,20,245
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  referenceModel, compactModel, buildGraph, keepBitsetFromIndices, useTrainingBackend, fuseBatchNorm,
} from '../dist/internal.js';
import { table } from './util.mjs';

const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'mnist-lenet' }, widths: { type: 'string', default: '12,20,245' },
    batch: { type: 'string', default: '64' }, rounds: { type: 'string', default: '80' },
  },
});
await useTrainingBackend('wasm');
const whole = referenceModel(args.task, { seed: 1 });
const graph = buildGraph(whole);
const widths = args.widths.split(',').map(Number);
if (widths.length !== graph.groups.length) throw new Error(`--widths needs ${graph.groups.length} numbers for ${args.task}`);
const masks = graph.groups.map((g, l) => keepBitsetFromIndices(g.width, Array.from({ length: widths[l] }, (_, i) => i)));
const pruned = (await compactModel(whole, masks, { graph })).model;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const batch = Number(args.batch);

// Each layer with the input it sees in its own network.
const networks = [];
for (const model of [whole, pruned]) {
  const deployed = (await fuseBatchNorm(model)).model;
  let x = tf.randomNormal([batch, ...deployed.inputs[0].shape.slice(1)], 0, 1, 'float32', 1);
  const steps = [];
  for (const layer of deployed.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const y = layer.apply(x);
    steps.push({ layer, x, times: [] });
    x = y;
  }
  networks.push(steps);
}
for (let r = 0; r < Number(args.rounds); r++) {
  for (const steps of networks) {
    for (const s of steps) {
      // tfjs-backend-wasm runs each kernel when it is called: no read-back needed (reading the
      // output back would add a copy that inference does not make, largest for conv1's output).
      const t0 = performance.now();
      const y = s.layer.apply(s.x);
      s.times.push(performance.now() - t0);
      y.dispose();
    }
  }
}
const totals = networks.map((steps) => steps.reduce((sum, s) => sum + median(s.times), 0));
const rows = networks[0].map((s, i) => {
  const [a, b] = [median(s.times), median(networks[1][i].times)];
  return [s.layer.name, networks[1][i].x.shape.join('×'), a.toFixed(3), b.toFixed(3), `${(a / b).toFixed(2)}×`, `${((100 * a) / totals[0]).toFixed(0)}% / ${((100 * b) / totals[1]).toFixed(0)}%`];
});
rows.push(['all layers', '', totals[0].toFixed(2), totals[1].toFixed(2), `${(totals[0] / totals[1]).toFixed(2)}×`, '']);
console.log(`${args.task}, widths ${widths.join(' / ')}, batch ${batch}, deployed form\n`);
console.log(table(['layer', 'pruned input', 'whole (ms)', 'pruned (ms)', 'speedup', 'share of time (whole / pruned)'], rows));
