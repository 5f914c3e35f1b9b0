/**
 * The page: reads the form, starts a run on the run worker (run-worker.ts), shows its events as
 * status and live plots (plots.ts), and offers the results for download. The page itself never
 * trains, so it stays responsive; Cancel aborts the run's AbortSignal in the worker.
 */
import type { PruneMethod } from 'slimprune';
import type { DataChoice, MethodResult, ModelChoice, PageMessage, RunRequest, WorkerMessage } from './protocol.ts';
import { MethodPlots } from './plots.ts';
import { startFileServer, storeModelFiles } from './user-files.ts';
import { describeDataSets, type DataSets } from './data-sets.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('run-form');
const runButton = $<HTMLButtonElement>('run');
const cancelButton = $<HTMLButtonElement>('cancel');
const status = $('status');
const progress = $<HTMLProgressElement>('progress');
const errorBox = $('error');
const plots = $('plots');
const results = $('results');
const downloads = $('downloads');

let worker = startRunWorker();
let runId = 0;
let active: { id: number; plots: Map<string, MethodPlots>; results: MethodResult[]; started: number } | undefined;
let modelFiles: File[] = [];
let folderFiles: File[] = [];
let dataSets: DataSets | undefined;
let fileServer: Promise<void> | undefined;

const BUDGETS = {
  quick: { trainImages: 2000, epochs: 1, fineTuneEpochs: 1, restarts: 4 },
  standard: { trainImages: 30000, epochs: 3, fineTuneEpochs: 1, restarts: 8 },
} as const;

function showError(message: string | undefined): void {
  errorBox.hidden = message === undefined;
  errorBox.textContent = message ?? '';
}

function setRunning(running: boolean): void {
  runButton.disabled = running;
  cancelButton.disabled = !running;
  document.body.dataset.state = running ? 'running' : 'idle';
}

function chosen<T extends string>(name: string): T[] {
  return [...form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)].map((i) => i.value as T);
}

function numberField(id: string): number | undefined {
  const value = $<HTMLInputElement>(id).value.trim();
  return value === '' ? undefined : Number(value);
}

/** The form as a run request, or a message saying what to fix. */
async function request(): Promise<RunRequest> {
  const methods = chosen<PruneMethod>('method');
  if (methods.length === 0) throw new Error('choose at least one method');
  const dataValue = $<HTMLSelectElement>('data-select').value;
  let data: DataChoice;
  if (dataValue === 'folder') {
    if (folderFiles.length === 0) throw new Error('choose a folder of images (one sub-folder per class)');
    const name = (folderFiles[0] as File & { webkitRelativePath?: string }).webkitRelativePath?.split('/')[0] || 'images';
    data = { kind: 'folder', name, files: folderFiles };
  } else {
    const task = dataValue as 'mnist-lenet' | 'fashion-lenet';
    const set = dataSets?.[task];
    if (set && !set.available) throw new Error(set.note);
    data = { kind: 'builtin', task, url: new URL(`./data/${task === 'mnist-lenet' ? 'mnist' : 'fashion-mnist'}/`, location.href).href };
  }
  let model: ModelChoice = { kind: 'reference' };
  if (chosen('model')[0] === 'files') {
    if (modelFiles.length === 0) throw new Error('choose your model.json and its weight files (or drop them on the box)');
    fileServer ??= startFileServer();
    await fileServer;
    const stored = await storeModelFiles(modelFiles);
    model = { kind: 'files', ...stored };
  }
  const flops = numberField('flops-target');
  const lambda = numberField('lambda');
  const settings = {
    networks: numberField('networks') ?? 2,
    trainImages: numberField('train-images'),
    epochs: numberField('epochs'),
    fineTuneEpochs: numberField('fine-tune-epochs'),
    restarts: numberField('restarts'),
    seed: numberField('seed') ?? 1,
    workers: numberField('workers') ?? 2,
    // A schedule that fits the quick budget: tens of temperature steps per restart, not thousands.
    cooling: 0.9,
    movesPerTemperature: 50,
    ...(lambda !== undefined && { lambda }),
    ...(flops !== undefined && { target: { flops: flops / 100 } }),
  };
  return {
    type: 'run', id: ++runId, model, data, methods, settings,
    wasmPaths: new URL('./tfjs-wasm/', location.href).href,
  };
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (active || runButton.disabled) return;
  showError(undefined);
  // Busy from the click on: reading the form can take a moment (storing the user's model files).
  setRunning(true);
  cancelButton.disabled = true;
  status.textContent = 'preparing';
  let req: RunRequest;
  try {
    req = await request();
  } catch (error) {
    showError((error as Error).message);
    finish('not started (see the message)');
    return;
  }
  // The last finished run stays aside until this one finishes: a cancel or a failure puts it back.
  const settingsText = $('settings').textContent ?? '';
  previous ??= { parts: [plots, results, downloads].map((p) => [...p.childNodes]), settings: settingsText };
  plots.replaceChildren();
  results.replaceChildren();
  downloads.replaceChildren();
  active = { id: req.id, plots: new Map(), results: [], started: performance.now() };
  // What prune() is given besides the model and data: enough to repeat the run elsewhere.
  $('settings').textContent = JSON.stringify({ methods: req.methods, ...req.settings }, null, 2);
  $('settings-box').hidden = false;
  cancelButton.disabled = false;
  status.textContent = 'starting';
  send(req);
});

cancelButton.addEventListener('click', () => {
  if (!active) return;
  status.textContent = 'cancelling…';
  cancelButton.disabled = true;
  send({ type: 'cancel', id: active.id });
});

function send(message: PageMessage): void {
  worker.postMessage(message);
}

/** The run worker; one that died (failed to load, ran out of memory) is replaced, so the page can run again. */
function startRunWorker(): Worker {
  const w = new Worker(new URL('./run-worker.js', import.meta.url), { type: 'module' });
  w.addEventListener('message', (e: MessageEvent<WorkerMessage>) => onWorkerMessage(e.data));
  w.addEventListener('error', (e) => {
    showError(`the run worker stopped: ${e.message || 'it failed to load or ran out of memory'}; a new one is ready`);
    if (active) finish(`failed${restorePrevious() ? '; the previous run is shown again' : ''}`);
    w.terminate();
    worker = startRunWorker();
  });
  return w;
}

function onWorkerMessage(m: WorkerMessage): void {
  if (!active || m.id !== active.id) return;
  switch (m.type) {
    case 'status':
      status.textContent = m.message;
      break;
    case 'event':
      onEvent(m.method, m.event);
      break;
    case 'method-done':
      active.results.push(m.result);
      showResults(active.results);
      break;
    case 'done':
      addDownload('report.html', new Blob([m.reportHtml], { type: 'text/html' }), 'report.html (every method side by side)');
      forgetPrevious();
      finish(`done in ${((performance.now() - active.started) / 1000).toFixed(1)} s`);
      break;
    case 'cancelled':
      finish(`cancelled: nothing was kept of that run${restorePrevious() ? '; the previous run is shown again' : ''}; the page is ready for another`);
      break;
    case 'failed':
      showError(m.message);
      finish(`failed (see the message)${restorePrevious() ? '; the previous run is shown again' : ''}`);
      break;
  }
}

/** The last finished run's plots, results and downloads (their blob URLs still valid), while another runs. */
let previous: { parts: ChildNode[][]; settings: string } | undefined;

/** Puts the previous run back; false when there was none to show. */
function restorePrevious(): boolean {
  const kept = previous;
  previous = undefined;
  if (!kept || kept.parts.every((p) => p.length === 0)) return false;
  [plots, results, downloads].forEach((p, i) => p.replaceChildren(...kept.parts[i]!));
  $('settings').textContent = kept.settings;
  return true;
}

/** A new run finished: the previous one's downloads are released. */
function forgetPrevious(): void {
  for (const a of (previous?.parts[2] ?? []).flatMap((li) => [...(li as Element).querySelectorAll?.('a') ?? []])) URL.revokeObjectURL(a.href);
  previous = undefined;
}

function finish(message: string): void {
  status.textContent = message;
  document.body.dataset.outcome = message.split(/[ :]/)[0]!;
  progress.value = 0;
  active = undefined;
  setRunning(false);
}

function onEvent(method: PruneMethod, event: Extract<WorkerMessage, { type: 'event' }>['event']): void {
  let p = active!.plots.get(method);
  if (!p) {
    p = new MethodPlots(method);
    active!.plots.set(method, p);
    plots.append(p.element);
  }
  p.add(event);
  if (event.type !== 'progress') return;
  const { stage, message, training } = event.progress;
  if (training) {
    status.textContent = `${method} · ${stage} · ${message} · epoch ${training.epoch + 1}/${training.epochs} · batch ${training.batch}/${training.batches} · ` +
      `loss ${training.loss.toFixed(3)} · ETA ${Math.ceil(training.etaSeconds)} s`;
    progress.value = (training.epoch * training.batches + training.batch) / (training.epochs * training.batches);
  } else {
    status.textContent = `${method} · ${stage} · ${message}`;
  }
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function showResults(list: readonly MethodResult[]): void {
  // data-value: the exact figures, for scripts that read the page (its test compares them with Node's).
  const rows = list.map((r) => `<tr data-method="${r.method}"><td>${r.method}</td><td>${pct(r.accuracyBefore)}</td><td class="accuracy-after" data-value="${r.accuracyAfter}">${pct(r.accuracyAfter)}</td>` +
    `<td>${pct(r.flopsKept)}</td><td>${pct(r.paramsKept)}</td><td class="widths" data-value="${r.widths.map((w) => w.kept).join(',')}">${r.widths.map((w) => w.kept).join(' · ')}</td><td>${r.seconds.toFixed(1)} s</td></tr>`);
  results.innerHTML = `<table><thead><tr><th>method</th><th>accuracy before</th><th>after fine-tuning</th><th>FLOPs kept</th><th>params kept</th><th>widths</th><th>time</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>` +
    `<p class="hint">Test accuracy on ${list[0]!.testImages.toLocaleString('en-US')} test images.</p>` +
    list.flatMap((r) => r.warnings.map((w) => `<p class="hint">${r.method}: ${escapeHtml(w)}</p>`)).join('');
  const last = list.at(-1)!;
  // model.json names its weights file: each method's pair is consistent on its own.
  const weightsName = `${last.method}-weights.bin`;
  const json = JSON.parse(last.modelJson) as { weightsManifest: { paths: string[] }[] };
  for (const group of json.weightsManifest) group.paths = [weightsName];
  addDownload(`${last.method}-model.json`, new Blob([JSON.stringify(json)], { type: 'application/json' }), `${last.method}: model.json (tfjs)`);
  addDownload(weightsName, new Blob([last.weights as Uint8Array<ArrayBuffer>]), `${last.method}: weights.bin`);
  if (last.onnx instanceof Uint8Array) addDownload(`${last.method}-deployed.onnx`, new Blob([last.onnx as Uint8Array<ArrayBuffer>]), `${last.method}: ONNX (BatchNorm folded)`);
  else downloads.insertAdjacentHTML('beforeend', `<li>${last.method}: no ONNX (${escapeHtml(last.onnx.error)})</li>`);
}

function addDownload(name: string, blob: Blob, label: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.textContent = label;
  const li = document.createElement('li');
  li.append(a);
  downloads.append(li);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

// The form's dependent parts.
const modelBox = $('model-files');
const folderBox = $('folder-files');
for (const radio of form.querySelectorAll<HTMLInputElement>('input[name=model]')) {
  radio.addEventListener('change', () => { modelBox.hidden = chosen('model')[0] !== 'files'; });
}
$<HTMLSelectElement>('data-select').addEventListener('change', showDataSource);
$<HTMLSelectElement>('preset').addEventListener('change', () => {
  const b = BUDGETS[$<HTMLSelectElement>('preset').value as keyof typeof BUDGETS];
  $<HTMLInputElement>('train-images').value = String(b.trainImages);
  $<HTMLInputElement>('epochs').value = String(b.epochs);
  $<HTMLInputElement>('fine-tune-epochs').value = String(b.fineTuneEpochs);
  $<HTMLInputElement>('restarts').value = String(b.restarts);
});

function setModelFiles(files: File[]): void {
  modelFiles = files;
  $('model-name').textContent = files.length === 0 ? '' : `chosen: ${files.map((f) => f.name).join(', ')}`;
}
$<HTMLInputElement>('model-input').addEventListener('change', (e) => setModelFiles([...((e.target as HTMLInputElement).files ?? [])]));
modelBox.addEventListener('dragover', (e) => { e.preventDefault(); modelBox.classList.add('dragging'); });
modelBox.addEventListener('dragleave', () => modelBox.classList.remove('dragging'));
modelBox.addEventListener('drop', (e) => {
  e.preventDefault();
  modelBox.classList.remove('dragging');
  setModelFiles([...(e.dataTransfer?.files ?? [])]);
});
$<HTMLInputElement>('folder-input').addEventListener('change', (e) => {
  folderFiles = [...((e.target as HTMLInputElement).files ?? [])];
  $('folder-name').textContent = `${folderFiles.length} files chosen`;
});

function showDataSource(): void {
  const value = $<HTMLSelectElement>('data-select').value;
  folderBox.hidden = value !== 'folder';
  const set = value === 'folder' ? undefined : dataSets?.[value as keyof DataSets];
  $('data-source').textContent = value === 'folder'
    ? 'your images are decoded in this page and never uploaded; classes are the sub-folders, 20% of each held out for testing; needs your own model'
    : set?.note ?? '';
}

void describeDataSets().then((sets) => {
  dataSets = sets;
  showDataSource();
});
setRunning(false);
