// The worker pool (src/pool/) on the built worker: results equal the serial run bit for bit on 1
// and 2 workers and come back in submission order; progress streams before the result; crashes,
// exits and throws cost a retry, not a result; a job that always fails ends with a clear error
// that carries the worker's stack; cancellation, timeouts and close() are honoured.
import { suite, assert, assertEqual, assertBitEqual, assertDeepEqual, assertRejects, testRng } from '../harness.ts';
import {
  createPool, initKernels, anneal, hardwareConcurrency, PoolJobError, PoolClosedError,
  type AnnealProblem, type AnnealResult, type AnnealJobResult, type FaultJob, type FaultJobResult, type RetryEvent,
  type WorkerPool,
} from 'slimprune/internal';

// ---------------------------------------------------------------------------------------------
// Fixtures.

/**
 * K = 3 networks of LeNet's prunable groups (20/50/500 channels), γ polarised as after sparsity
 * training, 3–6 candidate thresholds per (network, group), contrast weights = FLOPs shares.
 */
function lenetProblem(seed: number): AnnealProblem {
  const rng = testRng(seed);
  const widths = [20, 50, 500];
  const share = [25 * 576 * 20, 25 * 64 * 20 * 50, 16 * 50 * 500 + 500 * 10];
  const total = share.reduce((s, x) => s + x, 0);
  const gammas: Float32Array[][] = [];
  const candidates: Float64Array[][] = [];
  for (let k = 0; k < 3; k++) {
    gammas.push(widths.map((w) => Float32Array.from({ length: w }, () => (rng() < 0.45 ? rng() * 0.02 : 0.3 + rng() * 0.7))));
    candidates.push(widths.map(() => {
      const set = new Set<number>();
      const n = 3 + Math.floor(rng() * 4);
      while (set.size < n) set.add(Math.round(rng() * 0.2 * 1e4) / 1e4);
      return Float64Array.from([...set].sort((a, b) => a - b));
    }));
  }
  return {
    networks: 3,
    groups: widths.map((width, l) => ({ width, minChannels: Math.max(1, Math.ceil(0.05 * width)), weight: share[l]! / total })),
    gammas, candidates, mode: 'mask', alpha: 0.01,
    flops: { constant: 0, linear: [25 * 576, 0, 10], edges: [{ a: 0, b: 1, coef: 25 * 64 }, { a: 1, b: 2, coef: 16 }] },
  };
}

/** A short schedule: each restart takes milliseconds. */
const SCHEDULE = { cooling: 0.9, movesPerTemperature: 150, tMinFactor: 1e-3 } as const;
const SEEDS = [11, 12, 13, 14, 15, 16];

/**
 * The six restarts as recorded from this implementation ([best energy, accepted moves, final
 * energy]): Node, Deno and Chromium must all reproduce them through the pool (a deliberate change
 * of the algorithm updates them).
 */
const GOLDEN_RESTARTS: [number, number, number][] = [
  [0.4788761854920774, 9656, 0.4788761854920774], [0.4788761854920774, 9694, 0.4788761854920774],
  [0.4788761854920774, 9660, 0.4788761854920774], [0.4788761854920774, 9654, 0.4788761854920774],
  [0.4788761854920774, 9640, 0.4788761854920774], [0.4788761854920774, 9661, 0.4788761854920774],
];

function restartJobs(problem: AnnealProblem) {
  const start = new Int32Array(problem.networks * problem.groups.length);
  return SEEDS.map((seed) => ({ type: 'anneal' as const, problem, options: { seed, start, ...SCHEDULE } }));
}

function assertSameRun(a: AnnealResult, b: AnnealResult, what: string): void {
  assertEqual(a.t0, b.t0, `${what}: t0`);
  assertBitEqual(a.best, b.best, `${what}: best state`);
  assertEqual(a.energy, b.energy, `${what}: best energy`);
  assertBitEqual(a.final, b.final, `${what}: final state`);
  assertEqual(a.finalEnergy, b.finalEnergy, `${what}: final energy`);
  assertEqual(a.accepted, b.accepted, `${what}: accepted moves`);
  assertEqual(a.moves, b.moves, `${what}: moves`);
  assertBitEqual(a.trace, b.trace, `${what}: trace`);
}

/** Runs `body` with a pool and always closes it, so a failing case leaves no worker behind. */
async function withPool<T>(options: Parameters<typeof createPool>[0], body: (pool: WorkerPool) => Promise<T>): Promise<T> {
  const pool = createPool(options);
  try {
    return await body(pool);
  } finally {
    await pool.close();
  }
}

const fault = (job: Omit<FaultJob, 'type'>): FaultJob => ({ type: 'fault', ...job });

/** Resolves when the job's worker has started it (its first progress event). */
function started(): { onProgress: () => void; started: Promise<void> } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { onProgress: () => resolve(), started: promise };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the job to reject, but it resolved');
}

/** Compile-time checks of the public generic types: `npm run typecheck` checks them; never run. */
export function poolTypeChecks(pool: WorkerPool, problem: AnnealProblem): void {
  const options = { seed: 1, start: new Int32Array(0) };
  const annealed: Promise<AnnealJobResult> = pool.run({ type: 'anneal', problem, options });
  const faults: Promise<FaultJobResult[]> = pool.map([fault({ fault: 'none' })], { onProgress: (e, { index }) => e.step + index });
  // @ts-expect-error an anneal job needs its options
  void pool.run({ type: 'anneal', problem });
  // @ts-expect-error there is no such job type (yet)
  void pool.run({ type: 'train' });
  // @ts-expect-error an anneal result is not a fault result
  const wrong: Promise<FaultJobResult> = pool.run({ type: 'anneal', problem, options });
  void [annealed, faults, wrong];
}

// ---------------------------------------------------------------------------------------------

export const poolSuite = suite('pool', (test) => {
  test('anneal restarts on 1 and 2 workers equal the direct serial calls, bit for bit', async () => {
    await initKernels();
    const problem = lenetProblem(7);
    const jobs = restartJobs(problem);
    const direct = jobs.map((job) => anneal(job.problem, job.options));
    for (const size of [1, 2]) {
      const results = await withPool({ size }, (pool) => pool.map(jobs));
      assertEqual(results.length, jobs.length, `results on ${size} worker(s)`);
      results.forEach((r, i) => {
        assertEqual(r.type, 'anneal', 'result tag');
        assertSameRun(r, direct[i]!, `restart ${i} (seed ${SEEDS[i]}) on ${size} worker(s)`);
      });
    }
    assertDeepEqual(direct.map((r) => [r.energy, r.accepted, r.finalEnergy]), GOLDEN_RESTARTS, 'the recorded restarts');
  });

  test('results come back in submission order whatever order they complete in', async () => {
    await withPool({ size: 2 }, async (pool) => {
      // Both workers started first: a worker's start (slow in a browser) would order the run by itself.
      await pool.map([fault({ fault: 'none' }), fault({ fault: 'none' })]);
      const delays = [150, 0, 40, 0, 10];
      const completed: number[] = [];
      const runs = delays.map((delayMs, value) =>
        pool.run(fault({ fault: 'none', delayMs, value })).then((r) => {
          completed.push(value);
          return r;
        }));
      const results = await Promise.all(runs);
      assertDeepEqual(results.map((r) => r.value), [0, 1, 2, 3, 4], 'run() results by submission');
      assert(completed[0] !== 0, `the slow first job completed first (${completed}); the case tests nothing`);
      const mapped = await pool.map(delays.map((delayMs, value) => fault({ fault: 'none', delayMs, value })));
      assertDeepEqual(mapped.map((r) => r.value), [0, 1, 2, 3, 4], 'map() results by submission');
    });
  });

  test('progress events stream while a job runs, in order, before its result', async () => {
    await withPool({ size: 1 }, async (pool) => {
      let settled = false;
      const events: { step: number; of: number; attempt: number; settled: boolean }[] = [];
      const result = await pool
        .run(fault({ fault: 'none', progressEvents: 4, delayMs: 50, value: 1 }), {
          onProgress: (e, { attempt }) => events.push({ ...e, attempt, settled }),
        })
        .finally(() => (settled = true));
      assertEqual(result.value, 1, 'result');
      assertDeepEqual(events, [0, 1, 2, 3].map((step) => ({ step, of: 4, attempt: 0, settled: false })), 'progress events');

      // A retry starts its progress over, and says which attempt sent each event.
      const attempts: number[] = [];
      await pool.run(fault({ fault: 'throw', failAttempts: 1, progressEvents: 2 }), {
        onProgress: (_, { attempt }) => attempts.push(attempt),
      });
      assertDeepEqual(attempts, [0, 0, 1, 1], 'attempt of each progress event');
    });
  });

  test('a worker that crashes, exits or throws costs a retry, not a result', async () => {
    const retries: RetryEvent[] = [];
    await withPool({ size: 2, onRetry: (e) => retries.push(e) }, async (pool) => {
      const jobs = [
        fault({ fault: 'none', value: 0 }),
        fault({ fault: 'crash', failAttempts: 1, value: 1 }),
        fault({ fault: 'none', value: 2, delayMs: 20 }),
        fault({ fault: 'exit', failAttempts: 1, value: 3 }),
        fault({ fault: 'throw', failAttempts: 1, value: 4 }),
        fault({ fault: 'none', value: 5 }),
      ];
      const results = await pool.map(jobs);
      assertDeepEqual(results.map((r) => r.value), [0, 1, 2, 3, 4, 5], 'every result, once, in order');
      assertDeepEqual(results.map((r) => r.attempt), [0, 1, 0, 1, 1, 0], 'attempt that succeeded');
      const byIndex = new Map(retries.map((e) => [e.index, e]));
      assertEqual(retries.length, 3, 'retries reported');
      assertDeepEqual([...byIndex.keys()].sort(), [1, 3, 4], 'jobs retried');
      assertEqual(byIndex.get(1)!.failure.kind, 'crash', 'kind of the crash');
      assert(/injected fault 'crash'/.test(byIndex.get(1)!.failure.error.message), `crash cause: ${byIndex.get(1)!.failure.error.message}`);
      assertEqual(byIndex.get(3)!.failure.kind, 'crash', 'kind of the exit');
      assert(/exited with code 1|ended itself \(code 1\)/.test(byIndex.get(3)!.failure.error.message), `exit cause: ${byIndex.get(3)!.failure.error.message}`);
      assertEqual(byIndex.get(4)!.failure.kind, 'error', 'kind of the throw');
      assertEqual(byIndex.get(4)!.retriesLeft, 1, 'retries left after the first of 2');
      const stats = pool.stats();
      // The crashed and the exited worker were replaced; the one whose job threw was kept.
      assertEqual(stats.retired, 2, 'workers retired');
      assert(stats.workers <= 2 && stats.busy === 0 && stats.queued === 0, `stats after the run: ${JSON.stringify(stats)}`);
    });
  });

  test('a job that always fails ends with a clear error after its retries, with the worker\'s stack', async () => {
    await withPool({ size: 2, retries: 2 }, async (pool) => {
      const error = await rejection(pool.run(fault({ fault: 'throw', value: 7 })));
      assert(error instanceof PoolJobError, `a PoolJobError, got ${String(error)}`);
      assertEqual(error.failures.length, 3, 'attempts');
      assertDeepEqual(error.failures.map((f) => f.kind), ['error', 'error', 'error'], 'failure kinds');
      assert(/'fault' job #0 failed after 3 attempts: injected fault 'throw' \(attempt 2, value 7\)/.test(error.message), error.message);
      const cause = error.cause as Error;
      assert(cause === error.failures[2]!.error, 'cause is the last failure');
      // Deno applies the source maps, so its frames name the sources; elsewhere the frames name
      // dist/worker.js or the chunk it shares with the lazily loaded train job (worker-<hash>.js).
      assert(/injectedFault/.test(cause.stack ?? '') && /worker[-\w]*\.js|handlers\/fault\.ts/.test(cause.stack ?? ''), `the worker's stack: ${cause.stack}`);

      const crash = await rejection(pool.run(fault({ fault: 'crash' }), { retries: 1 }));
      assert(crash instanceof PoolJobError, `a PoolJobError, got ${String(crash)}`);
      assertDeepEqual(crash.failures.map((f) => f.kind), ['crash', 'crash'], 'crash kinds');
      assert(/failed after 2 attempts/.test(crash.message), crash.message);

      // The pool still works.
      assertEqual((await pool.run(fault({ fault: 'none', value: 9 }))).value, 9, 'a job after the failures');
    });
    // shouldRetry: handler errors taken as deterministic are not retried.
    await withPool({ size: 1, shouldRetry: (f) => f.kind !== 'error' }, async (pool) => {
      const error = await rejection(pool.run(fault({ fault: 'throw' })));
      assert(error instanceof PoolJobError && error.failures.length === 1, `one attempt: ${String(error)}`);
      assert(/shouldRetry declined/.test(error.message), error.message);
    });
  });

  test('cancellation: an AbortSignal drops a queued job and terminates a running one', async () => {
    await withPool({ size: 1 }, async (pool) => {
      const pre = new AbortController();
      pre.abort();
      await assertRejects(() => pool.run(fault({ fault: 'none' }), { signal: pre.signal }), /abort/i, 'an aborted signal');
      assertEqual(pool.stats().spawned, 0, 'no worker started for it');

      const running = new AbortController();
      const queued = new AbortController();
      const probe = started();
      const hung = pool.run(fault({ fault: 'hang', progressEvents: 1 }), { signal: running.signal, onProgress: probe.onProgress });
      const waiting = pool.run(fault({ fault: 'none' }), { signal: queued.signal });
      await probe.started;
      queued.abort(new Error('not needed any more'));
      await assertRejects(() => waiting, /not needed any more/, 'the queued job');
      assertEqual(pool.stats().retired, 0, 'dropping a queued job terminates nothing');
      running.abort();
      await assertRejects(() => hung, /abort/i, 'the running job');
      assertEqual(pool.stats().retired, 1, 'its worker was terminated');
      const after = await pool.run(fault({ fault: 'none', value: 3 }));
      assertEqual(after.value, 3, 'a job after the cancellation');
      assertEqual(pool.stats().spawned, 2, 'a fresh worker replaced the terminated one');
    });
  });

  test('map() fails fast, and one signal cancels the whole map', async () => {
    await withPool({ size: 2, retries: 0 }, async (pool) => {
      const probe = started();
      const failing = pool.map([fault({ fault: 'hang', progressEvents: 1 }), fault({ fault: 'throw', delayMs: 30 }), fault({ fault: 'none' })], {
        onProgress: probe.onProgress,
      });
      const error = await rejection(failing);
      assert(error instanceof PoolJobError && error.index === 1, `the throwing job's error: ${String(error)}`);
      const after = pool.stats();
      // The hung job's worker at least (the third job may have been running too).
      assert(after.retired >= 1 && after.busy === 0 && after.queued === 0, `the rest of the failed map was cancelled: ${JSON.stringify(after)}`);

      const controller = new AbortController();
      const many = Array.from({ length: 12 }, (_, value) => fault({ fault: value < 2 ? 'hang' : 'none', value, progressEvents: 1 }));
      const second = started();
      const cancelled = pool.map(many, { signal: controller.signal, onProgress: second.onProgress });
      await second.started;
      controller.abort(new Error('enough'));
      await assertRejects(() => cancelled, /enough/, 'the cancelled map');
      const stats = pool.stats();
      assert(stats.queued === 0 && stats.busy === 0, `nothing left after the cancel: ${JSON.stringify(stats)}`);
    });
  });

  test('timeouts: a hung attempt is terminated and retried, or ends the job', async () => {
    const retries: RetryEvent[] = [];
    await withPool({ size: 1, timeoutMs: 250, onRetry: (e) => retries.push(e) }, async (pool) => {
      const ok = await pool.run(fault({ fault: 'hang', failAttempts: 1, value: 1 }), { retries: 1 });
      assertEqual(ok.attempt, 1, 'succeeded on the retry');
      assertEqual(retries[0]?.failure.kind, 'timeout', 'retry cause');
      const error = await rejection(pool.run(fault({ fault: 'hang' }), { retries: 0, timeoutMs: 150 }));
      assert(error instanceof PoolJobError, `a PoolJobError, got ${String(error)}`);
      assert(/failed after 1 attempt .*timed out after 150 ms/.test(error.message), error.message);
      assertEqual(pool.stats().retired, 2, 'both hung workers terminated');
    });
  });

  test('transferred buffers move without a copy both ways; such a job is not retried', async () => {
    await withPool({ size: 1 }, async (pool) => {
      const payload = Float64Array.from([1.5, -2, 3]);
      const result = await pool.run(fault({ fault: 'none', payload }), { transfer: [payload.buffer] });
      assertEqual(payload.byteLength, 0, 'the input moved to the worker');
      assertDeepEqual([...result.payload!], [1.5, -2, 3], 'payload echoed back');
      const lost = Float64Array.from([1]);
      const error = await rejection(pool.run(fault({ fault: 'throw', failAttempts: 1, payload: lost }), { transfer: [lost.buffer] }));
      assert(/transferred inputs went with the failed worker/.test(String((error as Error).message)), String(error));
    });
  });

  test('unknown job types fail with the list of known ones; bad options fail at once', async () => {
    await withPool({ size: 1, retries: 0 }, async (pool) => {
      const bogus = { type: 'nope' } as unknown as FaultJob;
      await assertRejects(() => pool.run(bogus), /no handler for job type "nope"; known types: anneal, fault/, 'unknown type');
      await assertRejects(() => pool.run(fault({ fault: 'none' }), { timeoutMs: -1 }), /timeoutMs must be a positive/, 'bad timeout');
    });
    let threw = '';
    try {
      createPool({ size: 0 });
    } catch (error) {
      threw = (error as Error).message;
    }
    assert(/size must be an integer >= 1/.test(threw), `size 0: ${threw}`);
    assertEqual(createPool().size, hardwareConcurrency(), 'default size');
    assert(hardwareConcurrency() >= 1, 'core count');
  });

  test('a worker that cannot start fails its job with the reason, after the retries', async () => {
    const workerUrl = new URL('./no-such-worker.js', import.meta.url);
    await withPool({ size: 1, retries: 1, workerUrl }, async (pool) => {
      const error = await rejection(pool.run(fault({ fault: 'none' })));
      assert(error instanceof PoolJobError, `a PoolJobError, got ${String(error)}`);
      assertDeepEqual(error.failures.map((f) => f.kind), ['crash', 'crash'], 'failure kinds');
      assert(error.message.includes('no-such-worker.js'), error.message);
      assertDeepEqual({ workers: pool.stats().workers, spawned: pool.stats().spawned }, { workers: 0, spawned: 2 }, 'stats');
    });
    await withPool({ size: 1, retries: 0, startTimeoutMs: 1 }, async (pool) => {
      await assertRejects(() => pool.run(fault({ fault: 'none' })), /did not load its kernels within 1 ms/, 'a start past startTimeoutMs');
    });
  });

  test('close() rejects what is queued or running, ends every worker and is idempotent', async () => {
    const pool = createPool({ size: 1 });
    const probe = started();
    const running = pool.run(fault({ fault: 'hang', progressEvents: 1 }), { onProgress: probe.onProgress });
    const queued = pool.run(fault({ fault: 'none' }));
    // Handlers attached before close() rejects them, or they would count as unhandled.
    const errors = Promise.all([rejection(running), rejection(queued)]);
    await probe.started;
    await pool.close();
    const [runningError, queuedError] = await errors;
    assert(runningError instanceof PoolClosedError, `the running job rejects with PoolClosedError: ${String(runningError)}`);
    assert(queuedError instanceof PoolClosedError, `the queued job rejects with PoolClosedError: ${String(queuedError)}`);
    assertDeepEqual({ workers: pool.stats().workers, busy: pool.stats().busy }, { workers: 0, busy: 0 }, 'after close');
    await assertRejects(() => pool.run(fault({ fault: 'none' })), /the pool was closed/, 'run after close');
    await pool.close();
  });
});
