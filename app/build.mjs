// Builds the app into build/app/ (or --out <dir>): static files that any web server can host.
//   index.html, style.css      the page
//   main.js                    the page's script (form, status, live plots, downloads)
//   run-worker.js              prune() in a dedicated worker, so the page never freezes
//   worker.js                  the pool's worker, next to run-worker.js: the library starts it as
//                              new URL('./worker.js', import.meta.url); bundled with tfjs
//   file-server-sw.js          the service worker that serves the user's own model files
//   tfjs-wasm/                 tfjs-backend-wasm's .wasm files (the wasmPaths every worker gets)
//   webp_dec.wasm              libwebp's decoder for WebP images in a user's folder
// The data sets are not copied (MNIST is 53 MB): serve.mjs serves them under data/, and a static
// host needs them copied there (README: the browser app).
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import { stripTypes } from '../scripts/strip-types.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outFlag = process.argv.indexOf('--out');
const out = resolve(root, outFlag > 0 ? process.argv[outFlag + 1] : 'build/app');

/** The package as a user's bundler sees it: the browser build of every subpath. */
function slimpruneAlias() {
  const targets = { slimprune: resolve(root, 'dist/browser/index.js') };
  for (const s of ['kernels', 'tfjs', 'data', 'worker', 'internal']) targets[`slimprune/${s}`] = resolve(root, `dist/browser/${s}.js`);
  return { name: 'slimprune-alias', resolveId: (id) => targets[id] ?? null };
}

/** One self-contained ES module per entry: a worker sees no import map and shares no chunk. */
async function bundle(input, file) {
  const build = await rollup({
    input,
    plugins: [slimpruneAlias(), nodeResolve({ browser: true, preferBuiltins: false }), commonjs(), stripTypes()],
    onwarn(warning, warn) {
      // tfjs's ESM sets `this` at top level and has circular imports; both are harmless.
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  });
  try {
    await build.write({ file: resolve(out, file), format: 'es', inlineDynamicImports: true });
  } finally {
    await build.close();
  }
}

const started = performance.now();
await rm(out, { recursive: true, force: true });
await mkdir(resolve(out, 'tfjs-wasm'), { recursive: true });
await Promise.all([
  bundle(resolve(root, 'app/main.ts'), 'main.js'),
  bundle(resolve(root, 'app/run-worker.ts'), 'run-worker.js'),
  bundle(resolve(root, 'dist/browser/worker.js'), 'worker.js'),
  bundle(resolve(root, 'app/file-server-sw.ts'), 'file-server-sw.js'),
]);
for (const f of ['index.html', 'style.css']) await copyFile(resolve(root, 'app', f), resolve(out, f));
const tfjsWasm = dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm/package.json')));
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  await copyFile(resolve(tfjsWasm, 'dist', f), resolve(out, 'tfjs-wasm', f));
}
await copyFile(fileURLToPath(import.meta.resolve('@jsquash/webp/codec/dec/webp_dec.wasm')), resolve(out, 'webp_dec.wasm'));
console.log(`app built in ${out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
