// The modules config.capnp declares next to worker.js, as workerd gives them to an ES module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*/weights.bin' {
  const bytes: ArrayBuffer;
  export default bytes;
}
declare module '*/model.json' {
  const json: unknown;
  export default json;
}
