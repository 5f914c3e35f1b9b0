// Node drives Chromium: exportOnnx's bytes, loaded by onnxruntime-web (its WebAssembly backend, one
// thread) in a real page, agree with tfjs's model.predict computed here, within the tolerance of
// onnx-export.test.ts. The page is served on 127.0.0.1 with onnxruntime-web's dist/ files; the
// models, inputs and outputs travel as files and plain arrays.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { exportOnnx } from 'slimprune/internal';
import { deployed, layerZoo, NETWORKS, randomInputs, randomlyPruned, relativeError, RELATIVE_TOLERANCE, tfjsOutputs } from './onnx-fixtures.ts';

// Debian's package (as test/run-browser.mjs); CHROMIUM_PATH for a machine that keeps it elsewhere.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ORT_DIST = resolve(import.meta.dirname, '..', '..', 'node_modules', 'onnxruntime-web', 'dist');
const MIME: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

/**
 * The page: onnxruntime-web's WebAssembly build on one thread (no SharedArrayBuffer needed), its
 * .wasm from the served dist/. `runOnnx(feeds)` runs model i on feeds[i] and returns every output.
 * (A page script, not a function passed to page.evaluate: vitest rewrites a dynamic import there.)
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>onnxruntime-web</title>
<script type="module">
import * as ort from '/ort/ort.wasm.min.mjs';
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = location.origin + '/ort/';
globalThis.runOnnx = async (feeds) => {
  const out = [];
  for (let i = 0; i < feeds.length; i++) {
    const bytes = new Uint8Array(await (await fetch('/model/' + i + '.onnx')).arrayBuffer());
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const result = await session.run(Object.fromEntries(feeds[i].map((x) => [x.name, new ort.Tensor('float32', Float32Array.from(x.data), x.shape)])));
    out.push({
      version: ort.env.versions.web,
      outputs: Object.fromEntries(Object.entries(result).map(([name, t]) => [name, { dims: [...t.dims], data: Array.from(t.data) }])),
    });
    await session.release();
  }
  return out;
};
</script>`;

interface PageResult {
  readonly version: string;
  readonly outputs: Record<string, { dims: number[]; data: number[] }>;
}

interface WebCase {
  readonly name: string;
  readonly inputs: ReturnType<typeof randomInputs>;
  readonly want: Map<string, Float32Array>;
}

/** Serves `/` (PAGE), `/ort/<file>` (onnxruntime-web's dist) and `/model/<i>.onnx`. */
function serve(models: readonly Uint8Array[]): Promise<Server> {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const model = /^\/model\/(\d+)\.onnx$/.exec(path);
    try {
      if (path === '/') response.writeHead(200, { 'Content-Type': MIME['.html']! }).end(PAGE);
      else if (model && models[Number(model[1])]) response.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(models[Number(model[1])]);
      else if (path.startsWith('/ort/')) {
        const file = resolve(ORT_DIST, `.${path.slice('/ort'.length)}`);
        if (!file.startsWith(ORT_DIST + sep)) throw new Error('outside dist');
        response.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
      } else response.writeHead(404).end();
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

describe.skipIf(!existsSync(CHROMIUM))(`exportOnnx in onnxruntime-web, Chromium (skipped without ${CHROMIUM}; set CHROMIUM_PATH)`, () => {
  const cases: WebCase[] = [];
  const models: Uint8Array[] = [];
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    const own = NETWORKS['ownModel (Add, DepthwiseConv2D, Concatenate)']!();
    const pruned = await randomlyPruned(own, 4);
    const nets = {
      'ownModel, pruned and deployed (Add, DepthwiseConv2D, Concatenate)': await deployed(pruned),
      'ResNet-20, compact (BatchNorm layers)': NETWORKS['ResNet-20']!(),
      'every other layer kind': layerZoo(),
    };
    for (const [name, model] of Object.entries(nets)) {
      const inputs = randomInputs(model, 2, 17);
      cases.push({ name, inputs, want: tfjsOutputs(model, inputs) });
      models.push(await exportOnnx(model));
      model.dispose();
    }
    own.dispose();
    pruned.dispose();
    server = await serve(models);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => server?.close(done));
  });

  it('agrees with tfjs on every model', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await page.goto(`${origin}/`);
    const feeds = cases.map((c) => c.inputs.map((x) => ({ name: x.name, shape: x.shape, data: Array.from(x.data) })));
    await page.waitForFunction(() => 'runOnnx' in globalThis);
    const results = await page.evaluate((feeds) => (globalThis as unknown as { runOnnx: (f: typeof feeds) => Promise<PageResult[]> }).runOnnx(feeds), feeds);
    expect(errors).toEqual([]);
    expect(results[0]!.version).toMatch(/^1\.\d+/);
    cases.forEach((c, i) => {
      for (const [name, want] of c.want) {
        const got = results[i]!.outputs[name];
        expect(got, `${c.name}: output ${name}`).toBeDefined();
        expect(got!.dims[0], `${c.name}: output ${name} batch`).toBe(2);
        expect(relativeError(got!.data, want), `${c.name}: output ${name}: relative error`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      }
    });
    await page.close();
  }, 60_000);
});

// The served files, for the test's own check: onnxruntime-web's dist is where the page loads it from.
it('onnxruntime-web ships the files the page loads', () => {
  for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) expect(existsSync(join(ORT_DIST, f)), f).toBe(true);
});
