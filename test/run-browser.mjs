// Runs the runtime-neutral suites in headless Chromium: bundles test/browser/entry.ts into
// build/browser/, serves the repository over HTTP on 127.0.0.1 (cross-origin isolated, as a page
// that shares memory with workers must be), opens the page, prints each case and ends with one
// summary line. Exit code 1 if a case failed or the page errored.
import { createServer } from 'node:http';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import { chromium } from 'playwright-core';
import { stripTypes } from '../scripts/strip-types.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(root, 'build/browser');
// Debian's package (see .ci/run); CHROMIUM_PATH for a developer machine that keeps it elsewhere.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The whole run; each case also has its own timeout inside the page (test/run-case.ts). */
const RUN_TIMEOUT_MS = 10 * 60_000;
/** Marks the page's console lines that are results (see test/browser/entry.ts). */
const RESULT_PREFIX = '[slimprune-test]';
/** SLIMPRUNE_SUITES=<regex>: run only the suites whose name matches (the page reads ?suites=). */
const SUITES = process.env.SLIMPRUNE_SUITES;

/**
 * `slimprune` is the built bundle, as in vitest.config.ts and deno.json: here its browser build,
 * what the package's `browser` export condition gives a user's bundler.
 */
function slimpruneAlias() {
  const targets = { slimprune: resolve(root, 'dist/browser/index.js') };
  for (const s of ['kernels', 'infer', 'tfjs', 'data', 'worker', 'internal']) targets[`slimprune/${s}`] = resolve(root, `dist/browser/${s}.js`);
  return { name: 'slimprune-alias', resolveId: (id) => targets[id] ?? null };
}

/** What a user's bundler does for a browser: resolve the packages, convert CommonJS. */
function browserPlugins() {
  return [
    slimpruneAlias(),
    // `browser`: the packages' own browser maps stub fs, worker_threads and friends.
    nodeResolve({ browser: true, preferBuiltins: false }),
    // tfjs's ESM imports CommonJS-only packages (long, seedrandom, the emscripten glue).
    commonjs(),
    // Not @rollup/plugin-typescript: `npm run typecheck` checks these files already, and a
    // second type-checking pass doubled the time of this runner.
    stripTypes(),
  ];
}

async function bundleOne(input, output) {
  const build = await rollup({
    input,
    plugins: browserPlugins(),
    // The suites' own Node-only branches (reading fixtures from disk) never run here; the
    // library's browser build reaches no Node module, and the bundle fails if it does.
    external: (id, importer) => id.startsWith('node:') && importer !== undefined && importer.startsWith(resolve(root, 'test') + sep),
    onwarn(warning, warn) {
      // tfjs's ESM sets `this` at top level and has circular imports; both are harmless.
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  });
  try {
    return (await build.write({ dir: outDir, format: 'es', ...output })).output;
  } finally {
    await build.close();
  }
}

/**
 * The package's .wasm exports (package.json `exports`, e.g. 'slimprune/kernels.wasm') as an
 * import map for the page, so that `import.meta.resolve` finds them where the exports map says,
 * as a bundler or a runtime resolving the package would (the loader suite checks the files).
 */
async function wasmImportMap() {
  const { exports } = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8'));
  const entries = Object.entries(exports).filter(([subpath]) => subpath.endsWith('.wasm'));
  return Object.fromEntries(entries.map(([subpath, target]) => [`slimprune/${subpath.slice(2)}`, `/${target.slice(2)}`]));
}

async function bundle() {
  await rm(outDir, { recursive: true, force: true });
  const page = await bundleOne(resolve(root, 'test/browser/entry.ts'), { entryFileNames: 'entry.js', chunkFileNames: 'page-chunks/[name]-[hash].js' });
  // The library starts its worker as `new URL('./worker.js', import.meta.url)`; once bundled,
  // import.meta.url is the chunk that holds that line (entry.js, or a chunk rollup splits off
  // when the code is shared with a dynamic import), so the worker goes next to that chunk,
  // bundled with the packages it imports (tfjs for the 'train' job): a module Web Worker sees no
  // import map.
  const starter = page.find((chunk) => chunk.type === 'chunk' && chunk.code.includes("new URL('./worker.js', import.meta.url)"));
  if (!starter) throw new Error("no chunk of the page starts the library's worker (new URL('./worker.js', import.meta.url))");
  const starterDir = dirname(starter.fileName);
  await bundleOne(resolve(root, 'dist/browser/worker.js'), {
    entryFileNames: join(starterDir, 'worker.js'), chunkFileNames: join(starterDir, 'worker-chunks/[name]-[hash].js'),
  });
  // @jsquash/webp's decoder (the JS decoding path, src/data/folder/decode.ts) loads its .wasm as
  // new URL('webp_dec.wasm', import.meta.url); bundlers such as Vite and webpack 5 copy it next to
  // the chunk, which rollup does not, so do it here.
  await copyFile(resolve(root, 'node_modules/@jsquash/webp/codec/dec/webp_dec.wasm'), resolve(outDir, 'page-chunks/webp_dec.wasm'));
  await writeFile(
    resolve(outDir, 'index.html'),
    `<!doctype html>
<meta charset="utf-8">
<title>slimprune tests</title>
<link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports: await wasmImportMap() })}</script>
<script type="module" src="./entry.js" onerror="globalThis.__slimpruneLoadError = 'entry.js did not load'"></script>
`,
  );
}

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the repository root, so the page can also fetch tfjs-backend-wasm's .wasm files from
 * node_modules (test/tfjs.ts points the backend there). COOP + COEP make the page cross-origin
 * isolated: SharedArrayBuffer and wasm threads work, as in a deployed app that uses workers.
 */
function serve() {
  const server = createServer(async (request, response) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    };
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = resolve(root, `.${pathname}`);
    if (!file.startsWith(root) || file.includes(`${sep}.git${sep}`)) {
      response.writeHead(403, headers).end();
      return;
    }
    try {
      const body = await readFile(file);
      const type = MIME_TYPES[extname(file)] ?? 'application/octet-stream';
      response.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
    } catch {
      response.writeHead(404, headers).end();
    }
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveServer(server));
  });
}

function indent(text) {
  return text.replace(/^/gm, '      ');
}

async function runPage(origin) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox', // we run as root in CI, where Chromium's sandbox cannot start
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    console.log(`browser: Chromium ${browser.version()}, page ${origin}/build/browser/index.html`);
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    page.on('crash', () => pageErrors.push('the page crashed'));
    page.on('requestfailed', (request) => console.log(`  [page] request failed: ${request.url()}`));
    page.on('response', (response) => {
      if (response.status() >= 400) console.log(`  [page] HTTP ${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      const text = message.text();
      if (!text.startsWith(RESULT_PREFIX)) {
        console.log(`  [page ${message.type()}] ${text}`);
        return;
      }
      const result = JSON.parse(text.slice(RESULT_PREFIX.length));
      if (result.skipped !== undefined) console.log(`  skip ${result.name}: ${result.skipped}`);
      else console.log(`  ${result.ok ? 'pass' : 'FAIL'} ${result.name} (${Math.round(result.ms)} ms)`);
      if (!result.ok) console.log(indent(result.error));
    });

    await page.goto(`${origin}/build/browser/index.html${SUITES ? `?suites=${encodeURIComponent(SUITES)}` : ''}`);
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    const state = () =>
      page.evaluate(() => ({
        run: globalThis.__slimpruneTests ?? null,
        loadError: globalThis.__slimpruneLoadError ?? null,
      }));
    let current = await state();
    while (!current.run?.done && !current.loadError && pageErrors.length === 0) {
      if (Date.now() > deadline) {
        pageErrors.push(`the run did not finish within ${RUN_TIMEOUT_MS / 1000} s`);
        break;
      }
      await new Promise((wake) => setTimeout(wake, 200));
      current = await state();
    }
    if (current.loadError) pageErrors.push(current.loadError);
    if (!current.run) pageErrors.push('the test entry never started (see the page output above)');
    return { run: current.run, pageErrors };
  } finally {
    await browser.close();
  }
}

let exitCode = 1;
let server;
try {
  await bundle();
  server = await serve();
  const { port } = server.address();
  const { run, pageErrors } = await runPage(`http://127.0.0.1:${port}`);
  const results = run?.results ?? [];
  const skipped = results.filter((r) => r.skipped !== undefined).length;
  const passed = results.filter((r) => r.ok).length - skipped;
  const notRun = Math.max(0, (run?.total ?? 0) - results.length);
  const failed = results.length - passed - skipped + notRun;
  for (const error of pageErrors) console.log(`  page error: ${indent(error).trimStart()}`);
  if (notRun > 0) console.log(`  ${notRun} case(s) did not run`);
  console.log(`browser: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  exitCode = failed === 0 && pageErrors.length === 0 && results.length > 0 ? 0 : 1;
} catch (error) {
  console.error(error);
} finally {
  server?.closeAllConnections();
  server?.close();
}
process.exit(exitCode);
