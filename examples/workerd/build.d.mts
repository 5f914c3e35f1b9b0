// Types of build.mjs, for the test that builds the example (test/node/workerd.test.ts).
export interface BuiltWorkerdExample {
  /** The bundled worker, one ES module. */
  readonly worker: string;
  /** config.capnp, next to worker.js, slimprune.wasm and model/. */
  readonly config: string;
  /** Size of worker.js. */
  readonly bytes: number;
}

export function buildWorkerdExample(options: { readonly out: string; readonly model: string }): Promise<BuiltWorkerdExample>;
