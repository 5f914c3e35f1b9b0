import { suite, assertBitEqual, assertEqual, testRng, randomArray } from '../harness.ts';
import {
  spawnWorker, compileKernels, initKernels, conv2d, conv2dGeometry, inputSize, filterSize, type WorkerApi,
} from 'slimprune/internal';

export const workerSuite = suite('worker', (test) => {
  test('conv2d in the worker is bit-identical to the main thread', async () => {
    const worker = spawnWorker<WorkerApi>();
    // A worker that fails to load leaves comlink calls pending forever; fail with its error.
    const call = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, worker.failed]);
    try {
      const flavour = await call(worker.api.init(await compileKernels()));
      assertEqual(flavour, 'simd', 'worker kernels flavour');
      await initKernels();
      // Odd sizes and channel counts not divisible by 4, with the bias + relu epilogue.
      const g = conv2dGeometry([2, 9, 7, 5], [3, 3, 5, 11], { strides: 2, padding: 'same' });
      const rng = testRng(21);
      const x = randomArray(inputSize(g), rng);
      const filter = randomArray(filterSize(g), rng);
      const bias = randomArray(g.outC, rng);
      const expected = conv2d(g, x, filter, { bias, relu: true });
      const actual = await call(worker.api.conv2d(g, x, filter, { bias, relu: true }));
      assertBitEqual(actual, expected, 'worker conv2d');
    } finally {
      await worker.terminate();
    }
  });
});
