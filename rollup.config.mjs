// Two ESM builds: the library and the worker entry. The kernels' .wasm is inlined as base64 by
// scripts/embed-wasm.mjs (why: see that file), and also written to dist/ as files by
// scripts/wasm-files.mjs (for runtimes that need a declared module). Declarations come from
// `tsc -p tsconfig.build.json`, run after this.
//
// The library keeps tfjs and comlink external: they are dependencies that the user's bundler or
// runtime resolves once, so slimprune and the user's code share one tfjs engine (its backends and
// kernel registry) rather than each holding a private copy. Its entries (the package's subpaths)
// are built together, so they share one copy of every module (one kernel cache, one pool), and
// every chunk is written to dist/ itself, because src/platform/spawn-worker.ts finds the worker as
// `new URL('./worker.js', import.meta.url)`, which must resolve next to whichever chunk holds it.
//
// The worker entry bundles comlink instead: a module Web Worker resolves bare specifiers through
// no import map (browsers do not apply the page's import map to workers), so dist/worker.js must
// be loadable by URL alone, in every runtime, for the jobs that need no tfjs (annealing). Its copy
// of comlink talks to the library's by messages only, so the two copies never share state. The
// 'train' job imports tfjs lazily: Node and Deno resolve it; for a browser, the app's bundler
// bundles the worker with tfjs, as test/run-browser.mjs does.
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { stripTypes } from './scripts/strip-types.mjs';
import { browserBuild } from './scripts/browser-build.mjs';
import { wasmFiles } from './scripts/wasm-files.mjs';

const isTfjs = (id) => id.startsWith('@tensorflow/');
// Small dependencies of the data stage (pure JS, and libwebp's WASM build with its .wasm), loaded
// lazily (dynamic import) and resolved by the user's runtime or bundler like tfjs.
const isDataDependency = (id) =>
  id.startsWith('@noble/hashes/') || id === 'fast-png' || id === 'jpeg-js' || id.startsWith('@jsquash/webp/');
// protobufjs (the ONNX export's encoder, src/onnx/model-proto.ts): CommonJS, loaded lazily the same way.
const isExportDependency = (id) => id === 'protobufjs' || id.startsWith('protobufjs/');
// bullmq and ioredis (sweeps over a queue, src/sweep/queue.ts): optional peer dependencies, loaded lazily;
// the browser build never reaches it (queue.browser.ts).
const isQueueDependency = (id) => id === 'bullmq' || id.startsWith('bullmq/') || id === 'ioredis';
const isComlink = (id) => id === 'comlink' || id.startsWith('comlink/');
const isNodeBuiltin = (id) => id.startsWith('node:');

const output = {
  dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js',
};
/** The package's subpaths: 'slimprune' is index; see package.json's exports. */
const LIBRARY_ENTRIES = ['index', 'kernels', 'infer', 'tfjs', 'data', 'internal'];

const typeChecked = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    // The CLI imports the package by name; `npm run typecheck` checks it against the sources.
    exclude: ['src/cli/**'],
    compilerOptions: { noEmit: false, declaration: false, sourceMap: true, paths: {} },
    noEmitOnError: true,
  });

/** The same entries for browsers and workers (the package's `browser` condition): dist/browser/. */
const browserOutput = { ...output, dir: 'dist/browser' };

export default [
  {
    input: Object.fromEntries(LIBRARY_ENTRIES.map((name) => [name, `src/${name}.ts`])),
    external: (id) => isTfjs(id) || isComlink(id) || isDataDependency(id) || isExportDependency(id) || isQueueDependency(id) || isNodeBuiltin(id),
    output,
    // Type-checks all of src/, the worker's sources included (noEmitOnError fails the build).
    plugins: [typeChecked(), wasmFiles()],
  },
  {
    input: { worker: 'src/worker.ts' },
    external: (id) => isTfjs(id) || isDataDependency(id) || isExportDependency(id) || isNodeBuiltin(id),
    output,
    // The library build above has type-checked these sources; a second check would cost seconds.
    plugins: [nodeResolve(), stripTypes()],
  },
  {
    // Browsers, web workers and workerd: the same sources with every `node:*` import replaced by a
    // rejection (those branches never run there, but bundlers would try to resolve them) and the
    // training gradients taken from tfjs-core's ES modules instead of the umbrella package. Both
    // library builds above type-checked these sources.
    input: Object.fromEntries(LIBRARY_ENTRIES.map((name) => [name, `src/${name}.ts`])),
    external: (id) => isTfjs(id) || isComlink(id) || isDataDependency(id) || isExportDependency(id),
    output: browserOutput,
    plugins: [browserBuild(), stripTypes()],
  },
  {
    input: { worker: 'src/worker.ts' },
    external: (id) => isTfjs(id) || isDataDependency(id) || isExportDependency(id),
    output: browserOutput,
    plugins: [browserBuild(), nodeResolve({ browser: true }), stripTypes()],
  },
  {
    // The command-line front end: imports the library by its package name (resolved to
    // dist/internal.js through the package's exports), so the CLI carries no second copy of it.
    input: { cli: 'src/cli/launch.ts' },
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    output: { ...output, chunkFileNames: 'cli-[name]-[hash].js', banner: (chunk) => (chunk.isEntry ? '#!/usr/bin/env node' : '') },
    plugins: [stripTypes()],
  },
];
