// A rollup plugin that writes the kernels' builds next to the bundle as files (dist/*.wasm), the
// same bytes scripts/embed-wasm.mjs inlines: the package exports them (package.json `exports`,
// './kernels.wasm' and its siblings) for runtimes that must be given a compiled module instead
// of compiling the inlined bytes (workerd, a CSP without wasm-unsafe-eval) and for apps that
// ship the .wasm as an asset (`setWasmSource`, src/wasm/loader.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The builds of asconfig.json's targets, by the name each has in dist/. */
export const WASM_FILES = ['slimprune.wasm', 'slimprune-relaxed.wasm', 'slimprune-threads.wasm'];

export function wasmFiles({ from = 'build' } = {}) {
  return {
    name: 'wasm-files',
    generateBundle() {
      for (const fileName of WASM_FILES) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(join(from, fileName)) });
      }
    },
  };
}
