/**
 * A pool of workers that runs plain-data jobs (src/pool/jobs.ts) in Node, Deno and browsers: K
 * trainings or annealing restarts in parallel, with the same results as running them one by one.
 *
 * - Workers are the package's worker entry (src/worker.ts), started lazily up to `size` as jobs
 *   arrive; each receives the kernels' compiled WebAssembly.Module once, instantiates it and keeps
 *   it for every job it runs.
 * - Jobs are queued in submission order and each `run()` resolves with its own result, so results
 *   come back in submission order whatever order they complete in (`map()` keeps that order).
 *   A job's result depends only on the job (every random choice takes a seed from it), never on
 *   which worker ran it or when: the same seeds give bit-identical results on 1 or N workers.
 * - Faults: an attempt fails when the handler throws ('error': the worker stays), when the worker
 *   dies ('crash': uncaught error, exit, failed start) or when it outlives its timeout ('timeout');
 *   the last two terminate the worker and a fresh one replaces it on demand. A failed job is
 *   queued again (ahead of new jobs) up to `retries` times, then rejects with a PoolJobError that
 *   lists every attempt's cause. Each job settles exactly once: an attempt that has ended can no
 *   longer deliver a result or progress.
 * - Cancellation: an AbortSignal removes a queued job, or terminates (and later replaces) the
 *   worker running it; the job rejects with `signal.reason` and is not retried.
 * - `close()` rejects what is still queued or running, terminates every worker and clears every
 *   timer, so nothing keeps the process alive. In Node an idle worker is unref'd as well, so a
 *   pool that was never closed does not hold the process open either.
 */
import { transfer as markForTransfer } from 'comlink';
import { spawnWorker, type SpawnedWorker } from '../platform/spawn-worker.ts';
import type { WorkerApi } from './worker-api.ts';
import { hardwareConcurrency } from '../platform/hardware-concurrency.ts';
import { compileKernels } from '../wasm/loader.ts';
import { isProgressNotice } from './protocol.ts';
import type { Job, JobResult, ResultOf, ProgressOf } from './jobs.ts';
import {
  PoolJobError, PoolClosedError, timeoutError, toError,
  type AttemptFailure, type FailureKind, type RetryEvent,
} from './errors.ts';

export interface PoolOptions {
  /** Number of workers (default: the runtime's core count, `hardwareConcurrency()`). */
  readonly size?: number;
  /** How often a failed job is tried again after its first attempt (default 2). */
  readonly retries?: number;
  /**
   * Which failures are retried (default: all). E.g. `(f) => f.kind !== 'error'` retries only
   * crashes and timeouts, when the handler's own errors are known to be deterministic.
   */
  readonly shouldRetry?: (failure: AttemptFailure) => boolean;
  /** Time limit of one attempt in ms, from when its worker receives it (default: none). */
  readonly timeoutMs?: number;
  /**
   * Time limit for a new worker to load and instantiate the kernels, in ms (default 30 000); a
   * worker that takes longer counts as crashed. Not part of `timeoutMs`, so a short job timeout
   * does not fail on a slow start.
   */
  readonly startTimeoutMs?: number;
  /** The worker entry (default: worker.js next to the library bundle; see spawnWorker). */
  readonly workerUrl?: URL;
  /** Called before a failed job is queued again, with the failure. */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface ProgressInfo {
  /** The attempt that sent the event (0 = the first; a retry starts its progress over). */
  readonly attempt: number;
}

export interface RunOptions<J extends Job = Job> {
  /** Cancels the job: queued, it is dropped; running, its worker is terminated. */
  readonly signal?: AbortSignal;
  /** Overrides the pool's `timeoutMs` for this job. */
  readonly timeoutMs?: number;
  /** Overrides the pool's `retries` for this job. */
  readonly retries?: number;
  /** Receives the job's progress events in the order the worker sent them, all before the result. */
  readonly onProgress?: (event: ProgressOf<J>, info: ProgressInfo) => void;
  /**
   * Buffers of the job to move to the worker instead of copying (zero-copy; they are detached
   * here). A job whose inputs moved to a worker that failed cannot be retried: its data went
   * with that worker, so it rejects at once (pass copies to keep retries).
   */
  readonly transfer?: readonly Transferable[];
}

export interface MapOptions<J extends Job = Job> extends Omit<RunOptions<J>, 'onProgress' | 'transfer'> {
  readonly onProgress?: (event: ProgressOf<J>, info: ProgressInfo & { readonly index: number }) => void;
}

export interface PoolStats {
  readonly size: number;
  /** Workers alive (starting, idle or busy). */
  readonly workers: number;
  readonly busy: number;
  readonly queued: number;
  /** Workers started since the pool was created (replacements included). */
  readonly spawned: number;
  /** Workers terminated because they failed, timed out, were cancelled or the pool closed. */
  readonly retired: number;
}

export interface WorkerPool {
  readonly size: number;
  /** Runs one job on the next free worker; resolves with its result. */
  run<J extends Job>(job: J, options?: RunOptions<J>): Promise<ResultOf<J>>;
  /**
   * Runs jobs in parallel; resolves with their results in the order of `jobs`. Fails fast: the
   * first job that fails (after its retries) cancels the others and rejects the whole map.
   */
  map<J extends Job>(jobs: readonly J[], options?: MapOptions<J>): Promise<ResultOf<J>[]>;
  stats(): PoolStats;
  /** Rejects the jobs still queued or running and terminates every worker. Idempotent. */
  close(): Promise<void>;
}

interface Task {
  /** Submission number. */
  readonly index: number;
  readonly job: Job;
  readonly transfer: readonly Transferable[] | undefined;
  readonly retries: number;
  readonly timeoutMs: number | undefined;
  readonly onProgress: ((event: unknown, info: ProgressInfo) => void) | undefined;
  readonly signal: AbortSignal | undefined;
  readonly failures: AttemptFailure[];
  readonly resolve: (result: JobResult) => void;
  readonly reject: (error: unknown) => void;
  onAbort: (() => void) | undefined;
  /** Attempts started. */
  attempts: number;
  /** Its `transfer` buffers have been sent (so they are gone from this thread). */
  transferred: boolean;
  done: boolean;
}

/** One attempt of a task on a worker. */
interface Attempt {
  readonly task: Task;
  /** Pool-wide number of this attempt: tags its progress notices. */
  readonly call: number;
  readonly attempt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Slot {
  readonly worker: SpawnedWorker<WorkerApi>;
  /** Resolves once the worker has instantiated the kernels. */
  ready: Promise<void>;
  /** Bounds the start (cleared once started or retired, so it never holds the process open). */
  startTimer: ReturnType<typeof setTimeout> | undefined;
  running: Attempt | undefined;
  retired: boolean;
}

type Outcome = { readonly result: JobResult } | { readonly kind: FailureKind | 'abort'; readonly error: unknown };

function checkCount(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`slimprune pool: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function checkTimeout(value: unknown): number | undefined {
  if (value === undefined || value === Infinity) return undefined;
  if (typeof value !== 'number' || !(value > 0) || Number.isNaN(value)) {
    throw new RangeError(`slimprune pool: timeoutMs must be a positive number of milliseconds (or omitted), got ${String(value)}`);
  }
  return value;
}

/** Errors of user callbacks are reported as uncaught, as EventTarget does, not swallowed. */
function reportLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

class Pool implements WorkerPool {
  readonly size: number;
  readonly #retries: number;
  readonly #timeoutMs: number | undefined;
  readonly #startTimeoutMs: number;
  readonly #shouldRetry: (failure: AttemptFailure) => boolean;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #workerUrl: URL | undefined;
  readonly #queue: Task[] = [];
  readonly #slots: Slot[] = [];
  readonly #terminating = new Set<Promise<void>>();
  #submitted = 0;
  #calls = 0;
  #spawned = 0;
  #retired = 0;
  #closed = false;

  constructor(options: PoolOptions) {
    this.size = checkCount('size', options.size ?? hardwareConcurrency(), 1);
    this.#retries = checkCount('retries', options.retries ?? 2, 0);
    this.#timeoutMs = checkTimeout(options.timeoutMs);
    this.#startTimeoutMs = checkTimeout(options.startTimeoutMs ?? 30_000) ?? Infinity;
    const shouldRetry = options.shouldRetry ?? (() => true);
    this.#shouldRetry = (failure) => {
      try {
        return shouldRetry(failure);
      } catch (error) {
        reportLater(error);
        return false;
      }
    };
    this.#onRetry = options.onRetry;
    this.#workerUrl = options.workerUrl;
  }

  run<J extends Job>(job: J, options: RunOptions<J> = {}): Promise<ResultOf<J>> {
    return this.#submit(job, options as unknown as RunOptions).promise as Promise<ResultOf<J>>;
  }

  async map<J extends Job>(jobs: readonly J[], options: MapOptions<J> = {}): Promise<ResultOf<J>[]> {
    const { signal, onProgress, ...rest } = options;
    if (signal?.aborted) throw signal.reason;
    // One listener on the caller's signal for the whole map, not one per job.
    const submitted = jobs.map((job, index) =>
      this.#submit(job, { ...rest, onProgress: onProgress && ((event, info) => onProgress(event, { ...info, index })) }));
    const cancelAll = (reason: unknown): void => submitted.forEach((s) => s.cancel(reason));
    const onAbort = (): void => cancelAll(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return (await Promise.all(submitted.map((s) => s.promise.catch((error: unknown) => {
        // Fail fast: the others' results would be thrown away with this rejection.
        cancelAll(error);
        throw error;
      })))) as ResultOf<J>[];
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Queues a job; `cancel` acts as an abort of its signal. */
  #submit(job: Job, options: RunOptions<Job>): { promise: Promise<JobResult>; cancel: (reason: unknown) => void } {
    const type = (job as { type?: unknown } | null)?.type;
    let retries: number, timeoutMs: number | undefined;
    try {
      if (typeof type !== 'string') {
        throw new TypeError(`slimprune pool: a job is plain data { type: '<job type>', ... }, got ${String(job)}`);
      }
      if (this.#closed) throw new PoolClosedError(`cannot run a '${type}' job`);
      retries = options.retries === undefined ? this.#retries : checkCount('retries', options.retries, 0);
      timeoutMs = options.timeoutMs === undefined ? this.#timeoutMs : checkTimeout(options.timeoutMs);
    } catch (error) {
      return { promise: Promise.reject(error), cancel: () => undefined };
    }
    const signal = options.signal;
    let task!: Task;
    const promise = new Promise<JobResult>((resolve, reject) => {
      task = {
        index: this.#submitted++, job, transfer: options.transfer, retries, timeoutMs,
        onProgress: options.onProgress as Task['onProgress'], signal, failures: [], resolve, reject,
        onAbort: undefined, attempts: 0, transferred: false, done: false,
      };
    });
    if (signal?.aborted) {
      this.#settle(task, { kind: 'abort', error: signal.reason });
    } else {
      if (signal) {
        task.onAbort = () => this.#abort(task, signal.reason);
        signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.#queue.push(task);
      this.#pump();
    }
    return { promise, cancel: (reason) => this.#abort(task, reason) };
  }

  stats(): PoolStats {
    return {
      size: this.size,
      workers: this.#slots.length,
      busy: this.#slots.filter((s) => s.running).length,
      queued: this.#queue.length,
      spawned: this.#spawned,
      retired: this.#retired,
    };
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const task of this.#queue.splice(0)) {
        this.#settle(task, { kind: 'abort', error: new PoolClosedError(`the '${task.job.type}' job #${task.index} never started`) });
      }
      for (const slot of [...this.#slots]) {
        const running = slot.running;
        if (running) {
          this.#endAttempt(slot, running, {
            kind: 'abort',
            error: new PoolClosedError(`the '${running.task.job.type}' job #${running.task.index} did not finish`),
          });
        }
        this.#retire(slot);
      }
    }
    await Promise.all(this.#terminating);
  }

  /** Starts queued jobs on idle workers, starting workers up to `size`. */
  #pump(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      let slot = this.#slots.find((s) => !s.running);
      if (!slot) {
        if (this.#slots.length >= this.size) return;
        try {
          slot = this.#spawn();
        } catch (error) {
          // This runtime cannot start the worker at all (e.g. Node < 20.16, a CSP): an attempt lost.
          const task = this.#queue.shift()!;
          this.#failed(task, { kind: 'crash', attempt: task.attempts++, error: toError(error) });
          continue;
        }
      }
      this.#start(slot, this.#queue.shift()!);
    }
  }

  #spawn(): Slot {
    const worker = spawnWorker<WorkerApi>(this.#workerUrl);
    this.#spawned++;
    const slot: Slot = { worker, ready: Promise.resolve(), startTimer: undefined, running: undefined, retired: false };
    const ms = this.#startTimeoutMs;
    const slow = ms === Infinity ? undefined : new Promise<never>((_, reject) => {
      slot.startTimer = setTimeout(() => reject(new Error(`the worker did not load its kernels within ${ms} ms (startTimeoutMs)`)), ms);
    });
    // Handled by the race below, which may only begin after the compile.
    slow?.catch(() => undefined);
    slot.ready = (async () => {
      const module = await compileKernels();
      await Promise.race([worker.api.init(module), worker.failed, ...(slow ? [slow] : [])]);
    })();
    void slot.ready.finally(() => clearTimeout(slot.startTimer)).catch(() => undefined);
    // A failed start is reported through the attempt waiting for it.
    slot.ready.catch(() => undefined);
    worker.failed.catch((error: unknown) => {
      if (slot.running) this.#endAttempt(slot, slot.running, { kind: 'crash', error });
      else this.#retire(slot);
    });
    worker.onNotice((data) => this.#notice(slot, data));
    this.#slots.push(slot);
    return slot;
  }

  #start(slot: Slot, task: Task): void {
    const attempt: Attempt = { task, call: ++this.#calls, attempt: task.attempts++, timer: undefined };
    slot.running = attempt;
    slot.worker.setBusy(true);
    const send = (): Promise<void> | undefined => {
      // Ended while the worker was starting (cancelled, or the pool closed).
      if (slot.running !== attempt) return undefined;
      if (task.timeoutMs !== undefined) {
        const ms = task.timeoutMs;
        attempt.timer = setTimeout(() => this.#endAttempt(slot, attempt, { kind: 'timeout', error: timeoutError(ms) }), ms);
      }
      let job: Job = task.job;
      if (task.transfer && task.transfer.length > 0) {
        task.transferred = true;
        // A fresh object: comlink remembers transfers per object, and the caller's may be reused.
        job = markForTransfer({ ...job }, [...task.transfer]);
      }
      return slot.worker.api.runJob(job, { call: attempt.call, attempt: attempt.attempt }).then(
        (result) => this.#endAttempt(slot, attempt, { result }),
        (error: unknown) => this.#endAttempt(slot, attempt, { kind: 'error', error }),
      );
    };
    slot.ready
      .then(send, (error: unknown) => this.#endAttempt(slot, attempt, { kind: 'crash', error }))
      // Only a bug of ours lands here (e.g. a throwing proxy); fail the attempt rather than hang.
      .catch((error: unknown) => this.#endAttempt(slot, attempt, { kind: 'crash', error }));
  }

  /** Ends an attempt once (later calls for it are ignored) and decides what follows. */
  #endAttempt(slot: Slot, attempt: Attempt, outcome: Outcome): void {
    if (slot.running !== attempt) return;
    slot.running = undefined;
    clearTimeout(attempt.timer);
    if ('result' in outcome || outcome.kind === 'error') {
      // The worker answered, so it is healthy: keep it.
      slot.worker.setBusy(false);
    } else {
      this.#retire(slot);
    }
    if ('result' in outcome || outcome.kind === 'abort') {
      this.#settle(attempt.task, outcome);
    } else {
      this.#failed(attempt.task, { kind: outcome.kind, attempt: attempt.attempt, error: toError(outcome.error) });
    }
    this.#pump();
  }

  #failed(task: Task, failure: AttemptFailure): void {
    task.failures.push(failure);
    if (task.done) return;
    const retriesLeft = task.retries - task.failures.length;
    let why = '';
    if (retriesLeft < 0) why = task.retries === 0 ? 'retries: 0' : '';
    else if (task.transferred) why = 'not retried: its transferred inputs went with the failed worker; pass copies to allow retries';
    else if (!this.#shouldRetry(failure)) why = 'not retried: shouldRetry declined';
    if (retriesLeft >= 0 && !why) {
      // Ahead of jobs that never ran: it has waited longest.
      this.#queue.unshift(task);
      if (this.#onRetry) {
        try {
          this.#onRetry({ type: task.job.type, index: task.index, failure, retriesLeft });
        } catch (error) {
          reportLater(error);
        }
      }
      return;
    }
    this.#settle(task, { kind: 'error', error: new PoolJobError(task.job.type, task.index, task.failures, why) });
  }

  #settle(task: Task, outcome: Outcome): void {
    if (task.done) return;
    task.done = true;
    if (task.onAbort) task.signal!.removeEventListener('abort', task.onAbort);
    if ('result' in outcome) task.resolve(outcome.result);
    else task.reject(outcome.error);
  }

  #abort(task: Task, reason: unknown): void {
    if (task.done) return;
    const queued = this.#queue.indexOf(task);
    if (queued >= 0) this.#queue.splice(queued, 1);
    const slot = this.#slots.find((s) => s.running?.task === task);
    if (slot) this.#endAttempt(slot, slot.running!, { kind: 'abort', error: reason });
    else this.#settle(task, { kind: 'abort', error: reason });
  }

  #notice(slot: Slot, data: unknown): void {
    if (!isProgressNotice(data)) return;
    const attempt = slot.running;
    // From an attempt that has ended (a late message of a terminated worker): not this job's.
    if (!attempt || attempt.call !== data.call || !attempt.task.onProgress) return;
    try {
      attempt.task.onProgress(data.data, { attempt: attempt.attempt });
    } catch (error) {
      reportLater(error);
    }
  }

  #retire(slot: Slot): void {
    if (slot.retired) return;
    slot.retired = true;
    clearTimeout(slot.startTimer);
    this.#slots.splice(this.#slots.indexOf(slot), 1);
    this.#retired++;
    const terminated = slot.worker.terminate().catch(() => undefined);
    this.#terminating.add(terminated);
    void terminated.then(() => this.#terminating.delete(terminated));
  }
}

/**
 * Creates a worker pool. Workers start when the first jobs arrive; `close()` it when done.
 *
 * ```ts
 * const pool = createPool({ size: 2, retries: 1 });
 * const results = await pool.map(seeds.map((seed) => ({ type: 'anneal', problem, options: { seed, start } })));
 * await pool.close();
 * ```
 */
export function createPool(options: PoolOptions = {}): WorkerPool {
  return new Pool(options);
}
