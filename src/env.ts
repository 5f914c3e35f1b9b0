/**
 * Runtime detection, in one place. Nothing else in the package checks for `Deno`, `Bun`,
 * `window` or `process`: it asks `env` (the onnxruntime-web / transformers.js pattern).
 *
 * `IS_NODE` means "Node's APIs are here" (node:* modules, `process`, worker_threads), which is
 * what every caller branches on, so it is true under Bun as well: Bun implements them and takes
 * the same code paths. `runtime` names the runtime itself ('bun' under Bun).
 *
 * workerd (Cloudflare Workers) also reports a Node version in `process.versions.node` (its Node
 * compatibility, on by default at recent compatibility dates), but its file system is the
 * bundle's read-only modules and its worker_threads start no threads, so it is not IS_NODE: it
 * takes the web code paths. It names itself in `navigator.userAgent`, as Cloudflare documents.
 */
type AnyGlobal = Record<string, unknown> & {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  process?: { versions?: { node?: string; bun?: string } };
  window?: unknown;
  document?: unknown;
  WorkerGlobalScope?: new () => unknown;
  self?: unknown;
  navigator?: { hardwareConcurrency?: number; userAgent?: string };
};

const g = globalThis as unknown as AnyGlobal;

const IS_DENO = typeof g.Deno?.version?.deno === 'string';
// Bun also defines process.versions.node (it reports the Node version it is compatible with).
const IS_BUN = !IS_DENO && (typeof g.Bun?.version === 'string' || typeof g.process?.versions?.bun === 'string');
const IS_WORKERD = g.navigator?.userAgent === 'Cloudflare-Workers';
// Deno also defines `process` for npm compatibility, so Node's APIs are "process and not Deno".
const IS_NODE = !IS_DENO && !IS_WORKERD && typeof g.process?.versions?.node === 'string';
const IS_WORKER =
  typeof g.WorkerGlobalScope === 'function' && g.self instanceof g.WorkerGlobalScope;
const IS_BROWSER = !IS_NODE && !IS_DENO && !IS_WORKERD && (typeof g.document === 'object' || IS_WORKER);

export type RuntimeName = 'node' | 'bun' | 'deno' | 'browser' | 'workerd' | 'unknown';

export const env = Object.freeze({
  IS_NODE,
  IS_BUN,
  IS_DENO,
  IS_BROWSER,
  IS_WORKER,
  IS_WORKERD,
  runtime: (IS_BUN ? 'bun' : IS_NODE ? 'node' : IS_DENO ? 'deno' : IS_BROWSER ? 'browser' : IS_WORKERD ? 'workerd' : 'unknown') as RuntimeName,
  HAS_WEBASSEMBLY: typeof (g as { WebAssembly?: unknown }).WebAssembly === 'object',
});
