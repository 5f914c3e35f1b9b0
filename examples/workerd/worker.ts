// A worker for workerd (Cloudflare Workers) that serves slimprune: POST /select chooses a pruned
// structure from K networks' γ vectors (select.ts), POST /infer runs the deployed pruned model
// (infer.ts). workerd refuses to compile WebAssembly from bytes at run time, so the library's
// inlined kernels cannot load here: config.capnp declares the package's .wasm
// ('slimprune/kernels.wasm', copied next to this file by build.mjs) as a module, which workerd
// compiles when it loads the worker and hands over as a WebAssembly.Module.
import kernels from './slimprune.wasm';
import { setWasmSource, kernelThreadsSupported } from 'slimprune/kernels';
import { env } from 'slimprune';
import { selectFromGammas } from './select.ts';
import { inferOutputs } from './infer.ts';
import { errorResponse, json, readJson, HttpError } from './http.ts';

setWasmSource(kernels);

const ROUTES: Record<string, (body: unknown) => Promise<unknown>> = {
  '/select': selectFromGammas,
  '/infer': inferOutputs,
};

export default {
  async fetch(request: Request): Promise<Response> {
    try {
      const path = new URL(request.url).pathname;
      // What the library sees of this runtime: workerd, with no kernel threads (no threads to start).
      if (path === '/' && request.method === 'GET') return json({ runtime: env.runtime, kernelThreads: kernelThreadsSupported(), routes: Object.keys(ROUTES) });
      const route = ROUTES[path];
      if (!route) throw new HttpError(404, `no such route; POST to ${Object.keys(ROUTES).join(' or ')}`);
      return json(await route(await readJson(request)));
    } catch (error) {
      return errorResponse(error);
    }
  },
};
