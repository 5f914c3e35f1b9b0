/**
 * Runtime detection, in one place. Nothing else in the package checks for `Deno`, `window` or
 * `process`: it asks `env` (the onnxruntime-web / transformers.js pattern).
 */
type AnyGlobal = Record<string, unknown> & {
  Deno?: { version?: { deno?: string } };
  process?: { versions?: { node?: string } };
  window?: unknown;
  document?: unknown;
  WorkerGlobalScope?: new () => unknown;
  self?: unknown;
  navigator?: { hardwareConcurrency?: number };
};

const g = globalThis as unknown as AnyGlobal;

const IS_DENO = typeof g.Deno?.version?.deno === 'string';
// Deno also defines `process` for npm compatibility, so Node is "process and not Deno".
const IS_NODE = !IS_DENO && typeof g.process?.versions?.node === 'string';
const IS_WORKER =
  typeof g.WorkerGlobalScope === 'function' && g.self instanceof g.WorkerGlobalScope;
const IS_BROWSER = !IS_NODE && !IS_DENO && (typeof g.document === 'object' || IS_WORKER);

export type RuntimeName = 'node' | 'deno' | 'browser' | 'unknown';

export const env = Object.freeze({
  IS_NODE,
  IS_DENO,
  IS_BROWSER,
  IS_WORKER,
  runtime: (IS_NODE ? 'node' : IS_DENO ? 'deno' : IS_BROWSER ? 'browser' : 'unknown') as RuntimeName,
  HAS_WEBASSEMBLY: typeof (g as { WebAssembly?: unknown }).WebAssembly === 'object',
});
