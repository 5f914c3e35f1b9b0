# workerd config of the slimprune example: one worker and one HTTP socket. The kernels' .wasm,
# the model's topology and its weights are declared modules: workerd compiles no WebAssembly at
# run time, so the worker gets the kernels as a compiled WebAssembly.Module (its `wasm` module)
# and hands it to setWasmSource. build.mjs writes this file next to worker.js, slimprune.wasm and
# model/; `workerd serve config.capnp` then serves on port 8080 (`--socket-addr http=<addr>` to
# move it).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "slimprune", worker = .slimpruneWorker) ],
  sockets = [ (name = "http", address = "*:8080", http = (), service = "slimprune") ],
);

const slimpruneWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "slimprune.wasm", wasm = embed "slimprune.wasm"),
    (name = "model.json", json = embed "model/model.json"),
    (name = "weights.bin", data = embed "model/weights.bin"),
  ],
  compatibilityDate = "2026-11-01",
);
