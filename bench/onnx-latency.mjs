// Latency of the exported ONNX model against tfjs, in the same run: each reference network
// (random weights; latency does not depend on them) pruned through the library to a random half
// of every prunable group's channels, deployed (fuseBatchNorm: BatchNorm folded, ReLU fused),
// then timed as
// - tfjs-backend-wasm with slimprune's kernels registered (useTrainingBackend('wasm'), what
//   `slimprune eval` and the run's report measure): `model.execute` on a batch already in the
//   backend, output read back (latencyMs);
// - onnxruntime-node on exportOnnx's bytes, one intra-op and one inter-op thread (as tfjs-wasm
//   runs here), all graph optimisations: `session.run` on a prepared input tensor, output on the
//   CPU when it returns.
// Both on one thread, batch 1 and 64; each figure the median over rounds of the median of --reps
// passes, the rounds alternating the two runtimes so drift hits both alike.
//
//   npm run build
//   node bench/onnx-latency.mjs                 # --reps 15 --rounds 3 --tasks mnist-lenet,cifar-vgg,cifar-resnet
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import {
  referenceModel, compactModel, buildGraph, graphFlops, keepBitsetFromIndices, latencyMs, useTrainingBackend, fuseBatchNorm, exportOnnx, Xoshiro128,
} from '../dist/internal.js';
import { LATENCY_OPTIONS, halfMasks, median, medianMs, table } from './util.mjs';

const { values: args } = parseArgs({ options: LATENCY_OPTIONS });
const reps = Number(args.reps);
const rounds = Number(args.rounds);

await useTrainingBackend('wasm');


const rows = [];
for (const task of args.tasks.split(',')) {
  const whole = referenceModel(task, { seed: Number(args.seed) });
  const graph = buildGraph(whole);
  const { model: pruned, widths } = await compactModel(whole, halfMasks(graph, Number(args.seed), { keepBitsetFromIndices, Xoshiro128 }), { graph });
  const deployed = (await fuseBatchNorm(pruned)).model;
  const flops = graphFlops(graph, widths) / graphFlops(graph);
  const session = await ort.InferenceSession.create(await exportOnnx(deployed), {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  for (const batch of [1, 64]) {
    const shape = [batch, ...deployed.inputs[0].shape.slice(1)];
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape) };
    const tfjsTimes = [];
    const ortTimes = [];
    for (let r = 0; r < rounds; r++) {
      tfjsTimes.push(await latencyMs(deployed, batch, { reps, warmup: 3 }));
      ortTimes.push(await medianMs(() => session.run(feeds), { reps, warmup: 3 }));
    }
    const [a, b] = [median(tfjsTimes), median(ortTimes)];
    rows.push([task, widths.join('/'), `${(100 * flops).toFixed(1)}%`, batch, a.toFixed(batch === 1 ? 3 : 2), b.toFixed(batch === 1 ? 3 : 2), `${(a / b).toFixed(2)}×`]);
    console.error(`${task} batch ${batch}: tfjs-wasm ${a.toFixed(3)} ms, onnxruntime-node ${b.toFixed(3)} ms`);
  }
  await session.release();
  for (const m of [whole, pruned, deployed]) m.dispose();
}
console.log(`tfjs ${tf.version.tfjs} (backend ${tf.getBackend()}, slimprune kernels), onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}, Node ${process.version}; medians of ${rounds} rounds × ${reps} passes\n`);
console.log(table(['network (deployed)', 'widths kept', 'FLOPs kept', 'batch', 'tfjs-wasm + slimprune (ms)', 'onnxruntime-node (ms)', 'tfjs / ort'], rows));
