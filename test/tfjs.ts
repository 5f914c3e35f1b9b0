/**
 * Picks a tfjs backend for a suite, the same call in every runtime. The wasm backend is imported
 * only when asked for: once registered it outranks 'cpu', so a suite that relies on the default
 * backend would otherwise start loading .wasm files it never asked for.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { env } from 'slimprune/internal';

/**
 * Where the browser runner (test/run-browser.mjs) serves tfjs-backend-wasm's .wasm files: it
 * serves the repository root. Node and Deno load the package's CJS build, which reads the files
 * next to itself.
 */
const BROWSER_TFJS_WASM_DIR = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';

let wasmLoaded: Promise<void> | undefined;

function loadWasmBackend(): Promise<void> {
  wasmLoaded ??= import('@tensorflow/tfjs-backend-wasm').then((wasm) => {
    // Must precede the backend's first initialisation.
    if (env.IS_BROWSER) wasm.setWasmPaths(new URL(BROWSER_TFJS_WASM_DIR, globalThis.location.href).href);
  });
  return wasmLoaded;
}

export async function useTfjsBackend(name: 'cpu' | 'wasm'): Promise<typeof tf> {
  if (name === 'wasm') await loadWasmBackend();
  if (!(await tf.setBackend(name))) {
    throw new Error(`tfjs backend '${name}' failed to initialise in ${env.runtime} (see the warning above)`);
  }
  await tf.ready();
  return tf;
}
