/**
 * The run worker: prune() runs here, not in the page, so the page never freezes — not while the
 * K networks train on the pool's workers (which this worker starts) and not while the one
 * network fine-tunes or the annealing runs, both in this thread. It posts every PruneEvent to the
 * page as it comes, and the results (model files, ONNX, report.html) at the end.
 */
import {
  prune, exportModel, exportOnnx, fuseBatchNorm, readModelFiles, reportHtml, useTrainingBackend,
  type PruneConfig, type PruneMethod, type PruneRun, type TaskData,
} from 'slimprune';
import { imageFolderFromFiles, filesFromFileList, channelStats } from 'slimprune/data';
import { loadRunData, resolveConfig } from 'slimprune/internal';
import type { DataChoice, MethodResult, PageMessage, RunRequest, WorkerMessage } from './protocol.ts';

const post = (message: WorkerMessage, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);
const running = new Map<number, AbortController>();

self.addEventListener('message', (e: MessageEvent<PageMessage>) => {
  const message = e.data;
  if (message.type === 'cancel') running.get(message.id)?.abort();
  else void run(message);
});

async function run(request: RunRequest): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    const runs: PruneRun[] = [];
    const base = baseConfig(request);
    // Before anything builds a model: tfjs-backend-wasm finds its .wasm files only where it is told.
    await useTrainingBackend('wasm', { wasmPaths: request.wasmPaths });
    const data = await loadData(request, base, controller.signal);
    for (const method of request.methods) {
      controller.signal.throwIfAborted();
      post({ type: 'status', id: request.id, message: `${method}: starting` });
      const started = performance.now();
      const result = await prune({ ...base, method }, {
        data,
        signal: controller.signal,
        onEvent: (event) => post({ type: 'event', id: request.id, method, event }),
      });
      runs.push(result);
      const summary = await methodResult(method, result, (performance.now() - started) / 1000);
      post({ type: 'method-done', id: request.id, result: summary }, [summary.weights.buffer as ArrayBuffer]);
    }
    post({ type: 'done', id: request.id, reportHtml: reportHtml(runs[0]!, runs.slice(1)) });
    for (const r of runs) r.model.dispose();
  } catch (error) {
    if (controller.signal.aborted) post({ type: 'cancelled', id: request.id });
    else post({ type: 'failed', id: request.id, message: (error as Error).message ?? String(error) });
  } finally {
    running.delete(request.id);
  }
}

/** The prune() config every method of the request shares. */
function baseConfig(request: RunRequest): PruneConfig {
  const { data, model } = request;
  return {
    ...request.settings,
    ...(data.kind === 'builtin' ? { task: data.task, dataSource: data.url } : { images: { folder: data.name } }),
    ...(model.kind === 'files' && { model: model.url }),
    // The folder's images are in this worker's memory only: a pool worker could not load them.
    ...(data.kind === 'folder' && { workers: 1 }),
    wasmPaths: request.wasmPaths,
  };
}

/** The run's data, loaded once for every method: a built-in set by URL, a folder from its files. */
async function loadData(request: RunRequest, config: PruneConfig, signal: AbortSignal): Promise<TaskData> {
  const say = (message: string) => post({ type: 'status', id: request.id, message });
  if (request.data.kind === 'builtin') return loadRunData(resolveConfig({ ...config, method: request.methods[0]! }), say);
  if (request.model.kind !== 'files') {
    throw new Error('a folder of your own images needs your own model: choose its model.json and weight files (the reference networks take MNIST-sized digits)');
  }
  return folderData(request.data, request.model.url, say, signal);
}

async function folderData(choice: Extract<DataChoice, { kind: 'folder' }>, modelUrl: string, say: (m: string) => void, signal: AbortSignal): Promise<TaskData> {
  // The images are resized to the model's input, so the model is read first.
  const model = await readModelFiles(modelUrl);
  const [, height, width, channels] = model.inputs[0]!.shape;
  model.dispose();
  if (typeof height !== 'number' || typeof width !== 'number') {
    throw new Error(`the model takes inputs of shape [${model.inputs[0]!.shape.join(', ')}], without a fixed height and width to resize the images to`);
  }
  say(`reading ${choice.files.length} files of ${choice.name}`);
  const folder = await imageFolderFromFiles(filesFromFileList(choice.files), {
    root: choice.name, height, width, seed: 1,
    ...(channels === 1 || channels === 3 ? { channels } : {}),
  });
  signal.throwIfAborted();
  return {
    train: folder.train,
    test: folder.test,
    spec: { folder: choice.name, height, width, seed: 1 },
    normalization: await channelStats(folder.train),
    augment: false,
    classNames: folder.classNames,
    description: choice.name,
  };
}

async function methodResult(method: PruneMethod, run: PruneRun, seconds: number): Promise<MethodResult> {
  const m = run.metrics;
  const exported = await exportModel(run.model);
  let onnx: MethodResult['onnx'];
  try {
    const deployed = (await fuseBatchNorm(run.model)).model;
    try {
      onnx = await exportOnnx(deployed);
    } finally {
      deployed.dispose();
    }
  } catch (error) {
    onnx = { error: (error as Error).message };
  }
  return {
    method,
    accuracyBefore: m.before.accuracy,
    accuracyAfter: m.after.accuracy,
    flopsKept: m.after.flops / m.before.flops,
    paramsKept: m.after.params / m.before.params,
    widths: m.groups.map((g) => ({ layers: g.layers, width: g.width, kept: g.kept })),
    testImages: m.data.testImages,
    seconds,
    warnings: m.warnings,
    modelJson: JSON.stringify(exported.modelJson),
    weights: exported.weights.slice(),
    onnx,
  };
}
