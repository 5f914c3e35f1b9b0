/**
 * `slimprune run` (a saved model's top classes for image files) and `slimprune bench` (its latency
 * in slimprune/infer against a named peer in the same process: tfjs-backend-wasm with slimprune's
 * kernels for a model.json, onnxruntime-node for an .onnx file), both on slimprune/infer: the
 * model runs on the WebAssembly kernels, without tfjs.
 */
import { Command, InvalidArgumentError } from 'commander';
import { normalizeFlag } from './options.ts';
import {
  env, loadInferenceModel, readImageFile, readModelFiles, unitNormalization, useTrainingBackend, latencyMs, type InferenceModel,
} from 'slimprune/internal';

interface Normalization { readonly mean: readonly number[]; readonly std: readonly number[] }

/** --normalize of a saved model: 'unit' or the means and stds ('data', the training set's, is not known here). */
function meanStd(v: string): Normalization | 'unit' {
  const how = normalizeFlag(v);
  if (how === 'data') throw new InvalidArgumentError("give 'unit' (pixels/255) or the means and stds per channel as m1,m2,m3/s1,s2,s3 (0..1 scale)");
  return how;
}

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

/** The model's normalisation: the flag's, else what its model file says, else pixels/255 (and a note). */
function normalizationOf(model: InferenceModel, file: string, flag: Normalization | 'unit' | undefined, channels: number): Normalization {
  const chosen = flag === 'unit' ? unitNormalization(channels) : flag ?? model.description.normalization;
  if (!chosen) {
    process.stderr.write(`slimprune: ${file} says nothing of its input normalisation; using pixels/255 (pass --normalize)\n`);
    return unitNormalization(channels);
  }
  if (chosen.mean.length !== channels) throw new Error(`the normalisation has ${chosen.mean.length} channels, the model takes ${channels}`);
  return chosen;
}

/**
 * Where an image's pixels go in the model's input: channels-last [height, width, 1 or 3] (what
 * slimprune writes), else channels-first [1 or 3, height, width] (what PyTorch and most other
 * exporters' ONNX files take). Channels-last wins where both readings fit ([3, 3, 3]).
 */
export interface ImageLayout {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly channelsFirst: boolean;
}

export function imageLayoutOf(shape: readonly number[]): ImageLayout {
  const isChannels = (c: number | undefined): c is 1 | 3 => c === 1 || c === 3;
  if (shape.length === 3 && isChannels(shape[2])) return { height: shape[0]!, width: shape[1]!, channels: shape[2], channelsFirst: false };
  if (shape.length === 3 && isChannels(shape[0])) return { height: shape[1]!, width: shape[2]!, channels: shape[0], channelsFirst: true };
  throw new Error(
    `the model takes inputs of shape [${shape.join(', ')}] (batch left out); \`slimprune run\` feeds images, ` +
      '[height, width, 1 or 3] (channels-last) or [1 or 3, height, width] (channels-first)',
  );
}

/** Decoded pixels (height × width × channels, channels-last, 0..255) normalised into the model's layout. */
function placePixels(pixels: Uint8Array, layout: ImageLayout, norm: Normalization, out: Float32Array): void {
  const { height, width, channels, channelsFirst } = layout;
  const plane = height * width;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) {
      out[channelsFirst ? c * plane + p : p * channels + c] = (pixels[p * channels + c]! / 255 - norm.mean[c]!) / norm.std[c]!;
    }
  }
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

const MODEL_OPTION = ['--model <file>', 'the model: a model.json (e.g. the model-deployed/model.json of a prune run) or an .onnx file (e.g. its model-deployed.onnx)'] as const;
const isOnnxFile = (path: string) => /\.onnx$/i.test(path);

/** What slimprune/infer is measured against: one forward pass of `batch` samples, in ms (the median of `reps`). */
interface Peer {
  readonly name: string;
  /** The JSON field of its figures. */
  readonly key: 'tfjsWasmMs' | 'onnxruntimeMs';
  latencyMs(x: Float32Array, batch: number, reps: number): Promise<number>;
}

/** For a model.json: the same model in tfjs, on tfjs-backend-wasm with slimprune's kernels. */
async function tfjsPeer(path: string): Promise<Peer> {
  await useTrainingBackend('wasm');
  const tfjs = await readModelFiles(path);
  return { name: 'tfjs-wasm + slimprune kernels', key: 'tfjsWasmMs', latencyMs: (_x, batch, reps) => latencyMs(tfjs, batch, { reps, warmup: 3 }) };
}

/**
 * For an ONNX file: onnxruntime-node on one thread (slimprune/infer runs on one), when it is
 * installed; it is not a dependency of slimprune, so without it the figures are slimprune/infer's alone.
 */
async function onnxruntimePeer(path: string, inputShape: readonly number[]): Promise<Peer | undefined> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch {
    process.stderr.write('slimprune: onnxruntime-node is not installed, so slimprune/infer is measured alone (npm install onnxruntime-node to compare)\n');
    return undefined;
  }
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const input = session.inputNames[0]!;
  return {
    name: 'onnxruntime-node (1 thread)',
    key: 'onnxruntimeMs',
    async latencyMs(x, batch, reps) {
      const feeds = { [input]: new ort.Tensor('float32', x, [batch, ...inputShape]) };
      for (let i = 0; i < 3; i++) await session.run(feeds);
      const times: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        await session.run(feeds);
        times.push(performance.now() - t0);
      }
      return median(times);
    },
  };
}

export function addInferCommands(program: Command): void {
  program
    .command('run')
    .description('the top classes of image files under a saved model, run on slimprune/infer (WebAssembly, no tfjs)')
    .requiredOption(...MODEL_OPTION)
    .requiredOption('--input <images...>', 'PNG, JPEG or WebP files, resized to the model input')
    .option('--top <k>', 'classes to show per image', positiveInt('--top'), 5)
    .option('--normalize <how>', "override the model's input normalisation: 'unit' (pixels/255) or m1,m2,m3/s1,s2,s3 (0..1 scale)", meanStd)
    .option('--json', 'print the results as JSON', false)
    .action(async (o: { model: string; input: string[]; top: number; normalize?: Normalization | 'unit'; json: boolean }) => {
      const model = await loadInferenceModel(o.model);
      const layout = imageLayoutOf(model.inputShape);
      const { height, width, channels } = layout;
      const norm = normalizationOf(model, o.model, o.normalize, channels);
      const perImage = height * width * channels;
      const x = new Float32Array(o.input.length * perImage);
      for (let i = 0; i < o.input.length; i++) {
        const pixels = await readImageFile(o.input[i]!, { height, width, channels });
        placePixels(pixels, layout, norm, x.subarray(i * perImage, (i + 1) * perImage));
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
    .description('latency of a saved model in slimprune/infer against a peer in this process: tfjs-backend-wasm with slimprune kernels (model.json) or onnxruntime-node (.onnx)')
    .requiredOption(...MODEL_OPTION)
    .option('--batches <list>', 'batch sizes', (v: string) => v.split(',').map(positiveInt('--batches')), [1, 64])
    .option('--reps <n>', 'passes per round (the median is taken)', positiveInt('--reps'), 15)
    .option('--rounds <n>', 'rounds, alternating the two (the median of the rounds is reported)', positiveInt('--rounds'), 3)
    .option('--json', 'print the figures as JSON', false)
    .action(async (o: { model: string; batches: number[]; reps: number; rounds: number; json: boolean }) => {
      const ours = await loadInferenceModel(o.model);
      const peer = isOnnxFile(o.model) ? await onnxruntimePeer(o.model, ours.inputShape) : await tfjsPeer(o.model);
      const rows = [];
      for (const batch of o.batches) {
        const x = new Float32Array(batch * ours.inputShape.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i));
        const out = new Float32Array(batch * ours.outputShape.reduce((a, b) => a * b, 1));
        const inferTimes: number[] = [];
        const peerTimes: number[] = [];
        for (let r = 0; r < o.rounds; r++) {
          if (peer) peerTimes.push(await peer.latencyMs(x, batch, o.reps));
          for (let i = 0; i < 3; i++) ours.predict(x, batch, out);
          const times: number[] = [];
          for (let i = 0; i < o.reps; i++) {
            const t0 = performance.now();
            ours.predict(x, batch, out);
            times.push(performance.now() - t0);
          }
          inferTimes.push(median(times));
        }
        rows.push({ batch, inferMs: median(inferTimes), ...(peer && { [peer.key]: median(peerTimes) }) });
      }
      if (o.json) {
        process.stdout.write(JSON.stringify({ model: o.model, runtime: env.runtime, ...(peer && { peer: peer.name }), rows }, null, 1) + '\n');
        return;
      }
      for (const r of rows) {
        const peerMs = peer ? (r as Record<string, number>)[peer.key]! : undefined;
        const against = peer && peerMs !== undefined ? `, ${peer.name} ${peerMs.toFixed(3)} ms (${(peerMs / r.inferMs).toFixed(2)}× faster)` : '';
        process.stdout.write(`batch ${r.batch}: slimprune/infer ${r.inferMs.toFixed(3)} ms${against}\n`);
      }
    });
}
