// The browser app end to end in Debian's Chromium (playwright-core): the quick flow on MNIST —
// a model it cannot use refused with the library's message, a run cancelled mid-training, a
// run watched (the live plots grow) and downloaded — then, in Node, the downloaded model loaded
// in stock tfjs and in onnxruntime-node, its accuracy and its widths against the page's and
// against prune() run here with the same settings. Screenshots go to test-results/app/.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { evaluate, exportModel, loadTaskData, prune, testBatcher, useTrainingBackend, type PruneConfig, type TaskData } from 'slimprune/internal';
import { ownModel } from '../suites/own-data-fixtures.ts';
// @ts-expect-error: the app's server is a plain .mjs script without declarations.
import { serveApp } from '../../app/serve.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = resolve(ROOT, 'test-results/app');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether build/app/ is missing or older than a file of app/, src/report/ or the library's browser build. */
async function builtAppIsStale(): Promise<boolean> {
  const built = await stat(resolve(ROOT, 'build/app/index.html')).then((s) => s.mtimeMs, () => 0);
  for (const dir of ['app', 'src/report', 'dist/browser']) {
    for (const entry of await readdir(resolve(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && (await stat(resolve(entry.parentPath, entry.name))).mtimeMs > built) return true;
    }
  }
  return built === 0;
}

interface PageState {
  state: string | undefined;
  status: string;
  error: string;
  samples: Record<string, number>;
}

const pageState = (page: Page): Promise<PageState> => page.evaluate(() => ({
  state: document.body.dataset.state,
  status: document.getElementById('status')!.textContent ?? '',
  error: (document.getElementById('error') as HTMLElement).hidden ? '' : document.getElementById('error')!.textContent ?? '',
  samples: Object.fromEntries([...document.querySelectorAll<HTMLElement>('figure[data-plot]')].map((f) => [f.dataset.plot!, Number(f.dataset.samples)])),
}));

/** Polls the page every 250 ms until `done` holds; every state seen is returned. */
async function watch(page: Page, done: (s: PageState) => boolean, timeoutMs: number): Promise<PageState[]> {
  const seen: PageState[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await pageState(page);
    seen.push(s);
    if (done(s)) return seen;
    if (Date.now() > deadline) throw new Error(`the page did not get there in ${timeoutMs / 1000} s; last: ${JSON.stringify(s)}`);
    await page.waitForTimeout(250);
  }
}

describe('the browser app', () => {
  let server: { origin: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let data: TaskData;
  const problems: string[] = [];

  beforeAll(async () => {
    await mkdir(OUT, { recursive: true });
    // The app as `npm run app:build` makes it, from the built library (again when either changed).
    if (await builtAppIsStale()) await promisify(execFile)(process.execPath, [resolve(ROOT, 'app/build.mjs')], { cwd: ROOT });
    server = await serveApp({});
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page.on('pageerror', (e) => problems.push(e.stack ?? e.message));
    await page.goto(`${server.origin}/`);
    data = await loadTaskData('mnist-lenet');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('has labelled, keyboard-usable controls', async () => {
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')]
      .filter((c) => (c.labels?.length ?? 0) === 0).map((c) => c.id || c.name));
    expect(unlabelled).toEqual([]);
    expect(await page.evaluate(() => [...document.querySelectorAll('button')].every((b) => b.type === 'submit' || b.type === 'button'))).toBe(true);
    // Tab reaches the Run button.
    await page.focus('#workers');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('run');
  });

  it("refuses a model it cannot prune with the library's message, and stays usable", async () => {
    // A LeNet without BatchNorm: nothing for the γ-based methods to prune.
    const bad = tfl.sequential({ layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 5, activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ] });
    const dir = resolve(OUT, 'model-without-batchnorm');
    await mkdir(dir, { recursive: true });
    for (const f of (await exportModel(bad)).files) await writeFile(resolve(dir, f.name), f.bytes);
    bad.dispose();
    await page.check('input[name=model][value=files]');
    await page.setInputFiles('#model-input', [resolve(dir, 'model.json'), resolve(dir, 'weights.bin')]);
    await page.click('#run');
    const [last] = (await watch(page, (s) => s.error !== '', 30_000)).slice(-1);
    await page.check('input[name=model][value=reference]');
    // assertUsableModel's refusal, read in the run worker from the files the service worker serves.
    expect(last!.error).toMatch(/has no BatchNormalization layer.*add one after every layer whose channels should be prunable/);
    expect(last!.state).toBe('idle');
  }, 40_000);

  let pageWidths: number[];
  let pageAccuracy: number;
  let settings: Record<string, unknown>;
  const files: Record<string, string> = {};

  it('runs the quick flow (started from the keyboard), with live plots that grow, then offers the downloads', async () => {
    await page.focus('#run');
    await page.keyboard.press('Enter');
    const seen = await watch(page, (s) => s.state === 'idle', 90_000);
    const last = seen.at(-1)!;
    expect(last.error).toBe('');
    expect(last.status).toMatch(/^done/);
    // The training curves grew while it ran (several different sizes seen), then every plot came.
    const sizes = new Set(seen.map((s) => s.samples['training-loss']).filter((n) => n !== undefined));
    expect(sizes.size).toBeGreaterThanOrEqual(3);
    expect(seen.some((s) => s.samples['training-loss'] !== undefined && s.samples.widths === undefined)).toBe(true);
    expect(last.samples).toMatchObject({ gamma: 4, annealing: 4, widths: 3 });
    expect(await page.locator('figure[data-plot=annealing] path.best-so-far').count()).toBe(4);
    expect(await page.locator('figure[data-plot=gamma] svg').count()).toBe(3);

    pageWidths = (await page.getAttribute('tr[data-method=contrast-sa] td.widths', 'data-value'))!.split(',').map(Number);
    pageAccuracy = Number(await page.getAttribute('tr[data-method=contrast-sa] td.accuracy-after', 'data-value'));
    settings = JSON.parse((await page.textContent('#settings'))!);

    for (const link of await page.locator('#downloads a').all()) {
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const path = resolve(OUT, download.suggestedFilename());
      await download.saveAs(path);
      files[download.suggestedFilename()] = path;
    }
    expect(Object.keys(files).sort()).toEqual(['contrast-sa-deployed.onnx', 'contrast-sa-model.json', 'contrast-sa-weights.bin', 'report.html']);
    expect((await readFile(files['report.html']!, 'utf8')).match(/<path class="best-so-far"/g)).toHaveLength(4);

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: resolve(OUT, 'app-1280x800.png') });
    await page.screenshot({ path: resolve(OUT, 'app-1280-full.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // Readable at phone width: one column, nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: resolve(OUT, 'app-390-full.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(problems).toEqual([]);
  }, 100_000);

  it('cancels a second run mid-training: back to idle with a message, the first run shown again', async () => {
    await page.fill('#train-images', '8000');
    await page.click('#run');
    await watch(page, (s) => (s.samples['training-loss'] ?? 0) >= 2, 30_000);
    const clicked = Date.now();
    await page.click('#cancel');
    const [last] = (await watch(page, (s) => s.state === 'idle', 10_000)).slice(-1);
    expect(Date.now() - clicked).toBeLessThan(5_000);
    expect(last!.status).toMatch(/^cancelled/);
    expect(last!.error).toBe('');
    expect(last!.status).toMatch(/the previous run is shown again/);
    // The finished run's results and downloads are back, not the cancelled run's partial plots.
    expect(await page.locator('#downloads a').count()).toBe(4);
    expect(await page.getAttribute('tr[data-method=contrast-sa] td.widths', 'data-value')).toBe(pageWidths.join(','));
    expect(last!.samples.widths).toBe(3);
    expect(await page.isDisabled('#run')).toBe(false);
    await page.fill('#train-images', '2000');
  }, 40_000);

  // After the cancel: a run still works.
  it("prunes the user's own model on a folder of their images, and refuses a folder with a bad image with the library's message", async () => {
    const dir = resolve(OUT, 'own-model');
    await mkdir(dir, { recursive: true });
    const own = ownModel();
    for (const f of (await exportModel(own)).files) await writeFile(resolve(dir, f.name), f.bytes);
    own.dispose();
    await page.check('input[name=model][value=files]');
    await page.setInputFiles('#model-input', [resolve(dir, 'model.json'), resolve(dir, 'weights.bin')]);
    await page.selectOption('#data-select', 'folder');
    for (const m of ['contrast-sa', 'polarization']) await page.uncheck(`input[name=method][value=${m}]`);
    await page.check('input[name=method][value=slimming]');
    try {
      // A class folder holding a file that is not an image: refused before any training.
      const broken = resolve(OUT, 'broken-folder');
      await mkdir(resolve(broken, 'cats'), { recursive: true });
      await mkdir(resolve(broken, 'dogs'), { recursive: true });
      await writeFile(resolve(broken, 'cats/001.png'), 'not a png');
      await writeFile(resolve(broken, 'dogs/001.png'), 'not a png either');
      await page.setInputFiles('#folder-input', broken);
      await page.click('#run');
      const refused = (await watch(page, (s) => s.state === 'idle' && s.error !== '', 30_000)).at(-1)!;
      // The DataError of imageFolderFromFiles, listing each file with what is wrong.
      expect(refused.error).toMatch(/2 files cannot be used:\s+broken-folder\/cats\/001\.png: is not a PNG, JPEG or WebP image/);

      await page.setInputFiles('#folder-input', resolve(ROOT, 'test/fixtures/own-images'));
      await page.click('#run');
      const last = (await watch(page, (s) => s.state === 'idle', 60_000)).at(-1)!;
      expect(last.error).toBe('');
      expect(last.status).toMatch(/^done/);
      expect(last.samples.widths).toBeGreaterThan(0);
      expect(await page.textContent('#results')).toMatch(/slimming/);
    } finally {
      await page.check('input[name=model][value=reference]');
      await page.selectOption('#data-select', 'mnist-lenet');
      await page.uncheck('input[name=method][value=slimming]');
      await page.check('input[name=method][value=contrast-sa]');
    }
  }, 100_000);

  it('gives a model that stock tfjs loads, with the accuracy the page reported, and the same ONNX outputs', async () => {
    const json = JSON.parse(await readFile(files['contrast-sa-model.json']!, 'utf8')) as tf.io.ModelJSON;
    const weights = await readFile(resolve(OUT, json.weightsManifest[0]!.paths[0]!));
    const model = await tfl.loadLayersModel({
      load: async () => ({
        modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    });
    await useTrainingBackend('wasm');
    const { accuracy } = await evaluate(model, testBatcher(data));
    expect(accuracy).toBe(pageAccuracy);
    expect(accuracy).toBeGreaterThan(0.5);

    let x = new Float32Array(0);
    const n = 16;
    for await (const b of testBatcher(data).epoch(0)) {
      x = Float32Array.from(b.x.subarray(0, n * 784));
      break;
    }
    const expected = (model.predict(tf.tensor4d(x, [n, 28, 28, 1])) as tf.Tensor).dataSync();
    const session = await ort.InferenceSession.create(await readFile(files['contrast-sa-deployed.onnx']!));
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [n, 28, 28, 1]) });
    const got = out[session.outputNames[0]!]!.data as Float32Array;
    for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-4);
    model.dispose();
  }, 60_000);

  it('finds the same structure as prune() in Node with the same settings and seed', async () => {
    const { methods, ...rest } = settings as unknown as { methods: string[] } & PruneConfig;
    const restarts: { moves: number; t0: number }[] = [];
    const run = await prune({ ...rest, task: 'mnist-lenet', method: methods[0] as PruneConfig['method'] }, {
      data,
      onEvent: (e) => { if (e.type === 'anneal-restart') restarts.push(e.summary); },
    });
    expect(run.metrics.groups.map((g) => g.kept)).toEqual(pageWidths);
    expect(run.metrics.after.accuracy).toBe(pageAccuracy);
    // The quick run's defaults leave the annealing something to choose (a λ that polarizes every
    // γ to 0 leaves one candidate per layer: no move, a flat plot).
    expect(restarts.length).toBeGreaterThan(0);
    for (const r of restarts) {
      expect(r.moves).toBeGreaterThan(0);
      expect(r.t0).toBeGreaterThan(1e-6);
    }
    run.model.dispose();
  }, 60_000);
});
