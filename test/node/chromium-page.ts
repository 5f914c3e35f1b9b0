/**
 * One page in Debian's Chromium (driven by playwright-core, which downloads no browser), for Node
 * tests that check what a user's own page does: a folder served on 127.0.0.1, a module script run,
 * and the value it leaves in `globalThis.__result` (or the error it throws) returned.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

/** Serves `dir` (and nothing outside it) on 127.0.0.1 at a free port. */
export async function serveFolder(dir: string): Promise<{ origin: string; close(): Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = resolve(root, `.${pathname}`);
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())),
  };
}

/**
 * Opens `url` (a page whose module script sets `globalThis.__result`, or `__error` when it
 * fails) and resolves to the result; rejects with the page's error, a failed request or a timeout.
 */
export async function pageResult<T>(url: string, timeoutMs = 60_000): Promise<T> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.stack ?? error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
    });
    await page.goto(url);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await page.evaluate(() => {
        const g = globalThis as { __result?: unknown; __error?: string };
        return { result: g.__result, error: g.__error };
      });
      if (state.error !== undefined) throw new Error(`the page failed: ${state.error}`);
      if (state.result !== undefined) return state.result as T;
      if (problems.length > 0) throw new Error(`the page failed: ${problems.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`the page left no result within ${timeoutMs / 1000} s`);
      await new Promise((wake) => setTimeout(wake, 100));
    }
  } finally {
    await browser.close();
  }
}

/** A page that imports `script` (a module exporting `run()`) and leaves its result. */
export function runnerHtml(script: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="module">
  import(${JSON.stringify(script)}).then((m) => m.run()).then(
    (result) => { globalThis.__result = result; },
    (error) => { globalThis.__error = String(error && error.stack || error); },
  );
</script>
`;
}
