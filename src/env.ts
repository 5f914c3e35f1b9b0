/**
 * Runtime detection, in one place. Nothing else in the package checks for `Deno`, `Bun`,
 * `window` or `process`: it asks `env` (the onnxruntime-web / transformers.js pattern).
 *
 * `IS_NODE` means "Node's APIs are here" (node:* modules, `process`, worker_threads), which is
 * what every caller branches on, so it is true under Bun as well: Bun implements them and takes
 * the same code paths. `runtime` names the runtime itself ('bun' under Bun).
 */
type AnyGlobal = Record<string, unknown> & {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  process?: { versions?: { node?: string; bun?: string } };
  window?: unknown;
  document?: unknown;
  WorkerGlobalScope?: new () => unknown;
  self?: unknown;
  navigator?: { hardwareConcurrency?: number };
};

const g = globalThis as unknown as AnyGlobal;

const IS_DENO = typeof g.Deno?.version?.deno === 'string';
// Bun also defines process.versions.node (it reports the Node version it is compatible with).
const IS_BUN = !IS_DENO && (typeof g.Bun?.version === 'string' || typeof g.process?.versions?.bun === 'string');
// Deno also defines `process` for npm compatibility, so Node's APIs are "process and not Deno".
const IS_NODE = !IS_DENO && typeof g.process?.versions?.node === 'string';
const IS_WORKER =
  typeof g.WorkerGlobalScope === 'function' && g.self instanceof g.WorkerGlobalScope;
const IS_BROWSER = !IS_NODE && !IS_DENO && (typeof g.document === 'object' || IS_WORKER);

export type RuntimeName = 'node' | 'bun' | 'deno' | 'browser' | 'unknown';

export const env = Object.freeze({
  IS_NODE,
  IS_BUN,
  IS_DENO,
  IS_BROWSER,
  IS_WORKER,
  runtime: (IS_BUN ? 'bun' : IS_NODE ? 'node' : IS_DENO ? 'deno' : IS_BROWSER ? 'browser' : 'unknown') as RuntimeName,
  HAS_WEBASSEMBLY: typeof (g as { WebAssembly?: unknown }).WebAssembly === 'object',
});
