// A user's page bundled with esbuild and with rollup, with no flags beyond bundling (no externals,
// no stubs for Node modules), run in Chromium: the package's `browser` export condition must give
// bundlers a build that never reaches `node:*` and pulls no tfjs package it does not use, and the
// page must compute what the same code computes in Node.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build as esbuild, type Metafile } from 'esbuild';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { referenceModel, buildGraph, compactModel, fuseBatchNorm, exportModel, exportOnnx, writeModelFiles } from 'slimprune/internal';
import { randomMasks } from '../suites/random-models.ts';
import { testRng } from '../harness.ts';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import { pageResult, runnerHtml, serveFolder } from './chromium-page.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pagesDir = join(root, 'test/fixtures/bundle-pages');
const PAGES = ['kernels-page', 'prune-page', 'infer-page', 'infer-worker-page', 'infer-worker'] as const;
type PageName = (typeof PAGES)[number];

interface KernelsResult { kind: 'kernels'; outputs: number[]; maxDiff: number }
interface PruneResult { kind: 'prune'; widths: string[]; params: { before: number; after: number }; outputs: number[] }
interface InferResult { kind: 'infer'; outputs: number[]; onnxOutputs: number[] }
type PageRun = KernelsResult | PruneResult | InferResult;

let consumer: string;
let server: Awaited<ReturnType<typeof serveFolder>>;
const inputs = new Map<string, string[]>();
const gzipBytes = new Map<string, number>();
/** Per bundle: the modules of the chunks the entry loads by static imports, and their bytes gzip'd. */
const staticPart = new Map<string, { modules: string[]; gzipBytes: number }>();
let inferWant: number[] = [];

beforeAll(async () => {
  // A consumer project: its pages, and slimprune and tfjs as installed packages.
  consumer = await mkdtemp(join(tmpdir(), 'slimprune-bundlers-'));
  await mkdir(join(consumer, 'node_modules'));
  await symlink(root, join(consumer, 'node_modules/slimprune'), 'dir');
  await symlink(join(root, 'node_modules/@tensorflow'), join(consumer, 'node_modules/@tensorflow'), 'dir');
  for (const page of PAGES) await cp(join(pagesDir, `${page}.js`), join(consumer, `${page}.js`));
  // The infer page's model: a pruned, deployed LeNet, next to the bundles that load it, and what
  // tfjs computes for the page's input.
  await tf.setBackend('cpu');
  const lenet = referenceModel('mnist-lenet', { seed: 6 });
  const graph = buildGraph(lenet);
  const { model: compact } = await compactModel(lenet, randomMasks(graph, testRng(61), 0.5), { graph });
  const deployed = (await fuseBatchNorm(compact)).model;
  const files = await exportModel(deployed);
  const onnx = await exportOnnx(deployed);
  for (const dir of ['model', 'esbuild/model', 'rollup/infer-page/model', 'rollup/infer-worker-page/model']) {
    await writeModelFiles(join(consumer, dir), files);
    await writeFile(join(consumer, dir, 'model.onnx'), onnx);
  }
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 784 }, (_, i) => Math.sin(i * 0.13)), [2, 28, 28, 1]);
  inferWant = Array.from(tf.tidy(() => (deployed.predict(x) as tf.Tensor).dataSync()));
  tf.dispose([x]);
  [lenet, compact, deployed].forEach((m) => m.dispose());
  server = await serveFolder(consumer);
}, 30_000);

afterAll(async () => {
  await server?.close();
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

/** The chunks `entry` loads before it runs (its static imports, transitively), from `imports`. */
function staticChunks(entry: string, imports: (chunk: string) => readonly string[]): string[] {
  const seen = new Set<string>([entry]);
  const stack = [entry];
  while (stack.length > 0) for (const next of imports(stack.pop()!)) if (!seen.has(next)) seen.add(next), stack.push(next);
  return [...seen];
}

async function bundleWithEsbuild(page: PageName): Promise<string> {
  const out = `esbuild/${page}.js`;
  const result = await esbuild({
    entryPoints: [join(consumer, `${page}.js`)], outfile: join(consumer, out),
    bundle: true, format: 'esm', minify: true, metafile: true, logLevel: 'silent',
  });
  inputs.set(out, Object.keys((result.metafile as Metafile).inputs));
  gzipBytes.set(out, gzipSync(await readFile(join(consumer, out))).length);
  // The same page with code splitting, as bundlers that split by default (rollup, Vite, webpack) make it.
  const split = await esbuild({
    entryPoints: [join(consumer, `${page}.js`)], outdir: join(consumer, 'esbuild-split'), absWorkingDir: consumer,
    bundle: true, format: 'esm', minify: true, splitting: true, metafile: true, logLevel: 'silent',
  });
  const outputs = (split.metafile as Metafile).outputs;
  const chunks = staticChunks(`esbuild-split/${page}.js`, (c) => outputs[c]!.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path));
  staticPart.set(out, {
    modules: chunks.flatMap((c) => Object.keys(outputs[c]!.inputs)),
    gzipBytes: (await Promise.all(chunks.map(async (c) => gzipSync(await readFile(join(consumer, c))).length))).reduce((a, b) => a + b, 0),
  });
  return out;
}

async function bundleWithRollup(page: PageName, dir: string = page): Promise<string> {
  const bundle = await rollup({
    input: join(consumer, `${page}.js`),
    plugins: [nodeResolve({ browser: true }), commonjs()],
    onwarn: () => undefined,
  });
  try {
    const { output } = await bundle.write({ dir: join(consumer, 'rollup', dir), format: 'es' });
    inputs.set(`rollup/${page}/${page}.js`, output.flatMap((chunk) => ('modules' in chunk ? Object.keys(chunk.modules) : [])));
    const byName = new Map(output.flatMap((chunk) => ('modules' in chunk ? [[chunk.fileName, chunk] as const] : [])));
    const chunks = staticChunks(`${page}.js`, (c) => byName.get(c)?.imports ?? []).map((c) => byName.get(c)!);
    staticPart.set(`rollup/${dir}/${page}.js`, {
      modules: chunks.flatMap((c) => Object.keys(c.modules)),
      gzipBytes: chunks.reduce((n, c) => n + gzipSync(c.code).length, 0),
    });
  } finally {
    await bundle.close();
  }
  return `rollup/${dir}/${page}.js`;
}

async function runInChromium(script: string): Promise<PageRun> {
  const html = script.replace(/\.js$/, '.html');
  await writeFile(join(consumer, html), runnerHtml(`/${script}`));
  return pageResult<PageRun>(`${server.origin}/${html}`);
}

/** The same page module run in Node, on the package's default (Node) build. */
async function runInNode(page: PageName): Promise<PageRun> {
  const module = (await import(resolve(pagesDir, `${page}.js`))) as { run(): Promise<PageRun> };
  return module.run();
}

/** The worker page and its worker, each an entry of its own, bundled next to each other. */
const workerPageBundlers = {
  esbuild: async () => (await bundleWithEsbuild('infer-worker'), bundleWithEsbuild('infer-worker-page')),
  rollup: async () => (await bundleWithRollup('infer-worker', 'infer-worker-page'), bundleWithRollup('infer-worker-page')),
};

describe.each([
  ['esbuild', bundleWithEsbuild],
  ['rollup', bundleWithRollup],
] as const)('a page bundled with %s, no flags', (bundler, bundlePage) => {
  test('the kernels page: no tfjs, no node:*, and the conv2d Node computes, bit for bit', async () => {
    const script = await bundlePage('kernels-page');
    const modules = inputs.get(script)!;
    expect(modules.some((m) => m.includes('node:')), 'reaches a node:* module').toBe(false);
    expect(modules.filter((m) => m.includes('@tensorflow')), 'bundles tfjs').toEqual([]);
    const inPage = (await runInChromium(script)) as KernelsResult;
    const inNode = (await runInNode('kernels-page')) as KernelsResult;
    expect(inPage.maxDiff).toBeLessThan(1e-5);
    expect(inPage.outputs).toEqual(inNode.outputs);
  }, 60_000);

  test('the pruning page: no WebGL, converter or data package, and the structure and outputs of Node', async () => {
    const script = await bundlePage('prune-page');
    const modules = inputs.get(script)!;
    expect(modules.some((m) => m.includes('node:')), 'reaches a node:* module').toBe(false);
    for (const unused of ['tfjs-backend-webgl', 'tfjs-converter', 'tfjs-data']) {
      expect(modules.some((m) => m.includes(unused)), `bundles ${unused}`).toBe(false);
    }
    const inPage = (await runInChromium(script)) as PruneResult;
    const inNode = (await runInNode('prune-page')) as PruneResult;
    expect(inPage.params.after).toBeLessThan(inPage.params.before);
    expect(inPage.widths).toEqual(inNode.widths);
    expect(inPage.params).toEqual(inNode.params);
    const scale = Math.max(...inNode.outputs.map(Math.abs));
    inPage.outputs.forEach((y, i) => expect(Math.abs(y - inNode.outputs[i]!)).toBeLessThanOrEqual(1e-5 * scale));
    console.log(`${bundler}: the pruning page keeps ${inPage.widths.join(', ')}`);
  }, 90_000);

  test('the infer page: no tfjs at all, under 150 KB gzip\'d with its .wasm, the ONNX decoder split off, and the outputs of tfjs from model.json and .onnx', async () => {
    const script = await bundlePage('infer-page');
    const modules = inputs.get(script)!;
    expect(modules.some((m) => m.includes('node:')), 'reaches a node:* module').toBe(false);
    expect(modules.filter((m) => m.includes('@tensorflow')), 'bundles tfjs').toEqual([]);
    if (gzipBytes.has(script)) expect(gzipBytes.get(script)!).toBeLessThan(150_000);
    // Loading an ONNX model imports its decoder (protobufjs) and translation on first use: a
    // bundler that splits leaves them out of what a page of model.json files loads.
    const loaded = staticPart.get(script)!;
    expect(loaded.modules.filter((m) => /protobufjs|onnx-proto|load-onnx/.test(m)), 'the ONNX decoder in the chunks loaded up front').toEqual([]);
    const whole = gzipBytes.has(script) ? `${gzipBytes.get(script)!} B gzip'd in one file, ` : '';
    console.log(`${bundler}: the infer page is ${whole}${loaded.gzipBytes} B gzip'd in the chunks it loads up front (split)`);
    const inPage = (await runInChromium(script)) as InferResult;
    const scale = Math.max(...inferWant.map(Math.abs));
    expect(inPage.outputs).toHaveLength(inferWant.length);
    inPage.outputs.forEach((y, i) => expect(Math.abs(y - inferWant[i]!)).toBeLessThanOrEqual(1e-5 * scale));
    // The same model from its ONNX file, its decoder's chunks fetched when the page asks for them.
    expect(inPage.onnxOutputs).toHaveLength(inferWant.length);
    inPage.onnxOutputs.forEach((y, i) => expect(Math.abs(y - inferWant[i]!)).toBeLessThanOrEqual(1e-5 * scale));
  }, 60_000);

  test("the README's worker: the model runs in a module worker and posts back the outputs of tfjs", async () => {
    const script = await workerPageBundlers[bundler]();
    const inPage = (await runInChromium(script)) as InferResult;
    const scale = Math.max(...inferWant.map(Math.abs));
    expect(inPage.outputs).toHaveLength(inferWant.length);
    inPage.outputs.forEach((y, i) => expect(Math.abs(y - inferWant[i]!)).toBeLessThanOrEqual(1e-5 * scale));
  }, 60_000);
});
