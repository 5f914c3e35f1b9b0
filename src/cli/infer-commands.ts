/**
 * `slimprune run` (a saved model's top classes for image files) and `slimprune bench` (its latency
 * in slimprune/infer against tfjs-backend-wasm with slimprune's kernels, in the same process),
 * both on slimprune/infer: the model runs on the WebAssembly kernels, without tfjs.
 */
import { Command, InvalidArgumentError } from 'commander';
import {
  env, loadInferenceModel, readImageFile, readModelFiles, useTrainingBackend, latencyMs, type InferenceModel,
} from 'slimprune/internal';

interface Normalization { readonly mean: readonly number[]; readonly std: readonly number[] }

function meanStd(v: string): Normalization | 'unit' {
  if (v === 'unit') return v;
  const [mean, std, rest] = v.split('/').map((part) => part.split(',').map(Number));
  if (!mean || !std || rest || mean.length !== std.length || [...mean, ...std].some((x) => !Number.isFinite(x))) {
    throw new InvalidArgumentError("give 'unit' (pixels/255) or the means and stds per channel as m1,m2,m3/s1,s2,s3 (0..1 scale)");
  }
  return { mean, std };
}

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

/** The model's normalisation: the flag's, else what its model.json says, else pixels/255 (and a note). */
function normalizationOf(model: InferenceModel, flag: Normalization | 'unit' | undefined, channels: number): Normalization {
  const unit = { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
  const chosen = flag === 'unit' ? unit : flag ?? model.description.normalization;
  if (!chosen) {
    process.stderr.write('slimprune: model.json says nothing of its input normalisation; using pixels/255 (pass --normalize)\n');
    return unit;
  }
  if (chosen.mean.length !== channels) throw new Error(`the normalisation has ${chosen.mean.length} channels, the model takes ${channels}`);
  return chosen;
}

/** Each row as probabilities: kept if it already is one (a softmax output), else the softmax of the logits. */
function probabilities(scores: Float32Array, classes: number): { values: Float32Array; softmaxed: boolean } {
  const rows = scores.length / classes;
  let already = true;
  for (let r = 0; r < rows && already; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = scores[r * classes + c]!;
      if (v < 0) already = false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) already = false;
  }
  if (already) return { values: scores, softmaxed: false };
  const values = new Float32Array(scores.length);
  for (let r = 0; r < rows; r++) {
    const row = scores.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    let sum = 0;
    row.forEach((v, c) => (sum += values[r * classes + c] = Math.exp(v - max)));
    for (let c = 0; c < classes; c++) values[r * classes + c] = values[r * classes + c]! / sum;
  }
  return { values, softmaxed: true };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function addInferCommands(program: Command): void {
  program
    .command('run')
    .description('the top classes of image files under a saved model, run on slimprune/infer (WebAssembly, no tfjs)')
    .requiredOption('--model <model.json>', 'the model (e.g. the model-deployed/model.json of a prune run)')
    .requiredOption('--input <images...>', 'PNG, JPEG or WebP files, resized to the model input')
    .option('--top <k>', 'classes to show per image', positiveInt('--top'), 5)
    .option('--normalize <how>', "override the model's input normalisation: 'unit' (pixels/255) or m1,m2,m3/s1,s2,s3 (0..1 scale)", meanStd)
    .option('--json', 'print the results as JSON', false)
    .action(async (o: { model: string; input: string[]; top: number; normalize?: Normalization | 'unit'; json: boolean }) => {
      const model = await loadInferenceModel(o.model);
      const shape = model.inputShape;
      if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) {
        throw new Error(`the model takes inputs of shape [${shape.join(', ')}]; \`slimprune run\` feeds images, [height, width, 1 or 3]`);
      }
      const [height, width, channels] = shape as [number, number, 1 | 3];
      const { mean, std } = normalizationOf(model, o.normalize, channels);
      const perImage = height * width * channels;
      const x = new Float32Array(o.input.length * perImage);
      for (let i = 0; i < o.input.length; i++) {
        const pixels = await readImageFile(o.input[i]!, { height, width, channels });
        for (let p = 0; p < perImage; p++) x[i * perImage + p] = (pixels[p]! / 255 - mean[p % channels]!) / std[p % channels]!;
      }
      const classes = model.outputShape.reduce((a, b) => a * b, 1);
      const { values, softmaxed } = probabilities(model.predict(x, o.input.length), classes);
      const names = model.description.classNames?.length === classes ? model.description.classNames : undefined;
      const results = o.input.map((file, i) => {
        const row = Array.from(values.subarray(i * classes, (i + 1) * classes), (p, c) => ({ class: names?.[c] ?? String(c), index: c, probability: p }));
        return { file, top: row.sort((a, b) => b.probability - a.probability).slice(0, o.top) };
      });
      if (o.json) {
        process.stdout.write(JSON.stringify({ model: o.model, runtime: env.runtime, softmaxOfLogits: softmaxed, results }, null, 1) + '\n');
        return;
      }
      for (const r of results) {
        process.stdout.write(`${r.file}: ${r.top.map((t) => `${t.class} ${(100 * t.probability).toFixed(1)}%`).join(', ')}\n`);
      }
    });

  program
    .command('bench')
    .description('latency of a saved model in slimprune/infer against tfjs-backend-wasm with slimprune kernels, in this process')
    .requiredOption('--model <model.json>', 'the model (e.g. the model-deployed/model.json of a prune run)')
    .option('--batches <list>', 'batch sizes', (v: string) => v.split(',').map(positiveInt('--batches')), [1, 64])
    .option('--reps <n>', 'passes per round (the median is taken)', positiveInt('--reps'), 15)
    .option('--rounds <n>', 'rounds, alternating the two (the median of the rounds is reported)', positiveInt('--rounds'), 3)
    .option('--json', 'print the figures as JSON', false)
    .action(async (o: { model: string; batches: number[]; reps: number; rounds: number; json: boolean }) => {
      const ours = await loadInferenceModel(o.model);
      await useTrainingBackend('wasm');
      const tfjs = await readModelFiles(o.model);
      const rows = [];
      for (const batch of o.batches) {
        const x = new Float32Array(batch * ours.inputShape.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i));
        const out = new Float32Array(batch * ours.outputShape.reduce((a, b) => a * b, 1));
        const inferTimes: number[] = [];
        const tfjsTimes: number[] = [];
        for (let r = 0; r < o.rounds; r++) {
          tfjsTimes.push(await latencyMs(tfjs, batch, { reps: o.reps, warmup: 3 }));
          for (let i = 0; i < 3; i++) ours.predict(x, batch, out);
          const times: number[] = [];
          for (let i = 0; i < o.reps; i++) {
            const t0 = performance.now();
            ours.predict(x, batch, out);
            times.push(performance.now() - t0);
          }
          inferTimes.push(median(times));
        }
        rows.push({ batch, inferMs: median(inferTimes), tfjsWasmMs: median(tfjsTimes) });
      }
      if (o.json) {
        process.stdout.write(JSON.stringify({ model: o.model, runtime: env.runtime, rows }, null, 1) + '\n');
        return;
      }
      for (const r of rows) {
        process.stdout.write(
          `batch ${r.batch}: slimprune/infer ${r.inferMs.toFixed(3)} ms, tfjs-wasm + slimprune kernels ${r.tfjsWasmMs.toFixed(3)} ms ` +
            `(${(r.tfjsWasmMs / r.inferMs).toFixed(2)}× faster)\n`,
        );
      }
    });
}
