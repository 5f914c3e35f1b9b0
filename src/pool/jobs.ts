/**
 * The jobs a worker pool runs, as plain data: each job is `{ type: '<tag>', ... }`, each result
 * `{ type: '<tag>', ... }` with the same tag, and each job may stream progress events of its own
 * type. `JobTypes` maps every tag to those three types; the unions below are derived from it, and
 * the worker's handler registry (src/pool/registry.ts) is typed by it, so the compiler asks for a
 * handler for every tag listed here.
 *
 * Everything here is structured-cloned between threads: typed arrays, numbers, strings, plain
 * objects and arrays. No class instances, functions or tfjs Tensors.
 *
 * ADDING A JOB TYPE ('train', 'evaluate', ...):
 *   1. Define its job, result and progress interfaces next to the code that runs it (e.g.
 *      src/train/job.ts: `TrainJob { type: 'train'; ... }`, `TrainResult { type: 'train'; ... }`,
 *      `TrainProgress`), with real fields (weights as named Float32Arrays with shapes, seeds,
 *      hyper-parameters); not an opaque `spec: unknown`.
 *   2. Add one line to `JobTypes` below: `train: { job: TrainJob; result: TrainResult; progress: TrainProgress };`
 *   3. Write its handler module (`JobHandler<'train'>`, src/pool/handler.ts) and add it to
 *      `JOB_HANDLERS` in src/pool/registry.ts. tsc fails until step 3 is done.
 *   4. If the handler imports tfjs, the worker bundle must be able to load it (see the open note
 *      in src/pool/registry.ts).
 */
import type { AnnealProblem, AnnealOptions, AnnealResult } from '../kernels/spec/anneal.ts';
import type { TrainJob, TrainJobResult, TrainJobProgress } from '../train/job.ts';

/** One annealing restart (METHOD.md §6): `anneal(problem, options)` on the worker's WebAssembly. */
export interface AnnealJob {
  readonly type: 'anneal';
  readonly problem: AnnealProblem;
  readonly options: AnnealOptions;
}

/** What `anneal()` returns, tagged. Its arrays move to the parent without a copy. */
export interface AnnealJobResult extends AnnealResult {
  readonly type: 'anneal';
}

/**
 * What a fault-injection job does on an attempt that fails:
 * - 'throw': the handler throws an Error (the call rejects; the worker lives on);
 * - 'crash': an uncaught exception outside the call (thrown from a timer), which ends a Node
 *   worker and raises an 'error' event at the parent in every runtime;
 * - 'exit': the worker ends itself (Node: `process.exit(1)` in the worker thread; Deno and
 *   browsers: `self.close()` after the notice of src/platform/worker-endpoint.ts);
 * - 'hang': a synchronous endless loop (a stuck kernel: the worker answers nothing any more);
 * - 'none': no fault.
 */
export type FaultKind = 'throw' | 'crash' | 'exit' | 'hang' | 'none';

/**
 * Test-only: a job that fails on purpose, to exercise the pool's retries, timeouts, cancellation
 * and progress. It fails with `fault` on every attempt numbered below `failAttempts` (attempts
 * count from 0 and are tracked by the pool), then succeeds.
 */
export interface FaultJob {
  readonly type: 'fault';
  readonly fault: FaultKind;
  /** Attempts that fail before one succeeds (default: all of them). */
  readonly failAttempts?: number;
  /** Progress events sent before the outcome, `{ step, of }` (default 0). */
  readonly progressEvents?: number;
  /** Milliseconds to wait (asynchronously) before the outcome (default 0). */
  readonly delayMs?: number;
  /** Echoed in the result, to tell results apart. */
  readonly value?: number;
  /** Echoed in the result (moved back without a copy), to test transfers both ways. */
  readonly payload?: Float64Array;
}

export interface FaultJobResult {
  readonly type: 'fault';
  readonly value: number | undefined;
  /** The attempt that succeeded (0 = the first). */
  readonly attempt: number;
  readonly payload: Float64Array | undefined;
}

export interface FaultProgress {
  readonly step: number;
  readonly of: number;
}

/**
 * Every job type by its tag. One line per type; see "ADDING A JOB TYPE" above.
 * (`progress: never`: the job sends none. An annealing restart is one WebAssembly call.)
 */
export interface JobTypes {
  anneal: { job: AnnealJob; result: AnnealJobResult; progress: never };
  fault: { job: FaultJob; result: FaultJobResult; progress: FaultProgress };
  /** One network of a run, sparsity-trained in a worker (src/train/job.ts). */
  train: { job: TrainJob; result: TrainJobResult; progress: TrainJobProgress };
}

export type JobType = keyof JobTypes;
/** Any job: a union tagged by `type`. */
export type Job = JobTypes[JobType]['job'];
/** Any result: a union tagged by `type`. */
export type JobResult = JobTypes[JobType]['result'];
export type JobOf<T extends JobType> = JobTypes[T]['job'];
/** The result type of a job type, or of a job (union) type. */
export type ResultOf<J extends Job> = JobTypes[J['type']]['result'];
export type ProgressOf<J extends Job> = JobTypes[J['type']]['progress'];
