// SGD with momentum (weight decay folded in) as one kernel per weight: WASM ≡ the scalar
// specification, bit for bit, and our optimizer on 'wasm' ≡ tfjs's MomentumOptimizer fed
// g + wd·w by tensor ops, bit for bit, in weights and in its saved state.
import { suite, assert, assertEqual, assertBitEqual, assertThrows, testRng, randomArray } from '../harness.ts';
import { initKernels, momentumUpdate, momentumUpdateReference, registerWasmKernels, FusedMomentumOptimizer, isFusedMomentumOptimizer } from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';

const SHAPES = [[1], [3], [4], [5], [17], [5, 5, 20, 50], [800, 500]];

export const momentumSuite = suite('momentum update, fused', (test) => {
  test('WASM ≡ reference, bit for bit, with and without weight decay', async () => {
    await initKernels();
    const rng = testRng(81);
    for (const shape of SHAPES) {
      const n = shape.reduce((a, b) => a * b, 1);
      const [w, a, g] = [randomArray(n, rng), randomArray(n, rng, -0.1, 0.1), randomArray(n, rng, -0.01, 0.01)];
      for (const step of [{ momentum: 0.9, learningRate: 0.1, weightDecay: 5e-4 }, { momentum: 0, learningRate: 0.03, weightDecay: 0 }]) {
        const want = momentumUpdateReference(w, a, g, step);
        const got = momentumUpdate(w, a, g, step);
        assertBitEqual(got.value, want.value, `value [${shape}] ${JSON.stringify(step)}`);
        assertBitEqual(got.accumulation, want.accumulation, `accumulation [${shape}] ${JSON.stringify(step)}`);
      }
    }
  });

  test("our optimizer on wasm ≡ tfjs's MomentumOptimizer on g + wd·w, bit for bit, also after a learning-rate change", async () => {
    const tf = await useTfjsBackend('wasm');
    await registerWasmKernels();
    const rng = testRng(82);
    const shapes = [[5, 5, 1, 20], [20], [800, 500]];
    const decays = [5e-4, 0, 5e-4];
    const start = shapes.map((s) => randomArray(s.reduce((a, b) => a * b, 1), rng));
    const grads = [0, 1, 2, 3].map(() => shapes.map((s) => randomArray(s.reduce((a, b) => a * b, 1), rng, -0.05, 0.05)));
    const results = [];
    for (const fused of [false, true]) {
      const vars = start.map((v, i) => tf.variable(tf.tensor(v, shapes[i]), true, `momentum-test-${fused}-${i}`));
      const optimizer = fused ? new FusedMomentumOptimizer(0.1, 0.9) : tf.train.momentum(0.1, 0.9);
      if (fused) assert((optimizer as FusedMomentumOptimizer).fused, 'the update runs as our kernel on wasm');
      const counts: number[] = [];
      grads.forEach((step, k) => {
        if (k === 2) optimizer.setLearningRate(0.02);
        const gs = step.map((g, i) => tf.tensor(g, shapes[i]));
        if (isFusedMomentumOptimizer(optimizer)) {
          optimizer.applyDecayedGradients(vars.map((v, i) => ({ name: v.name, tensor: gs[i]!, weightDecay: decays[i]! })));
        } else {
          tf.tidy(() => optimizer.applyGradients(vars.map((v, i) => ({
            name: v.name, tensor: decays[i] ? tf.add(gs[i]!, tf.mul(decays[i]!, v)) : gs[i]!,
          }))));
        }
        tf.dispose(gs);
        counts.push(tf.memory().numTensors);
      });
      assert(counts.slice(1).every((c) => c === counts[1]), `tensors after each step: ${counts.join(', ')}`);
      const state = await optimizer.getWeights();
      results.push({
        weights: vars.map((v) => v.dataSync().slice() as Float32Array),
        state: state.map((s) => s.tensor.dataSync().slice() as Float32Array),
      });
      state[0]!.tensor.dispose(); // the iteration count, a fresh scalar
      optimizer.dispose();
      tf.dispose(vars);
    }
    const [theirs, ours] = results as [(typeof results)[0], (typeof results)[0]];
    theirs.weights.forEach((w, i) => assertBitEqual(ours.weights[i]!, w, `weight ${i}`));
    assertEqual(ours.state.length, theirs.state.length, 'state entries');
    theirs.state.forEach((s, i) => assertBitEqual(ours.state[i]!, s, i === 0 ? 'iterations' : `accumulation ${i - 1}`));
  });

  test("with Nesterov momentum it is tfjs's optimizer", async () => {
    const tf = await useTfjsBackend('wasm');
    await registerWasmKernels();
    const optimizer = new FusedMomentumOptimizer(0.1, 0.9, true);
    assert(!optimizer.fused, 'Nesterov is not fused');
    optimizer.dispose();
    assert(!isFusedMomentumOptimizer(tf.train.adam(0.1)), 'Adam is not ours (tfjs answers instanceof by duck typing)');
  });

  test('bad arguments get clear errors', async () => {
    await initKernels();
    const x = new Float32Array(4);
    const step = { momentum: 0.9, learningRate: 0.1, weightDecay: 0 };
    assertThrows(() => momentumUpdate(x, new Float32Array(3), x, step), /accumulation has 3 elements, expected 4/);
    assertThrows(() => momentumUpdate(new Float32Array(0), x, x, step), /value is empty/);
    assertThrows(() => momentumUpdate(x, x, x, { ...step, learningRate: NaN }), /learningRate must be a finite number, got NaN/);
    assertThrows(() => momentumUpdate(x, x, x, step, { value: new Float32Array(2) }), /out has 2 elements, expected 4/);
  });
});
