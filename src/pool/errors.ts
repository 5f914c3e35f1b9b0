/**
 * How a pool job fails. Every failed attempt is kept with its kind and its cause, so the final
 * error says what happened on each attempt; the worker's own Error (message and stack, carried
 * across by comlink) is the `cause`.
 */
import type { JobType } from './jobs.ts';

/**
 * - 'error': the job's handler threw (or rejected); the worker is healthy and stays;
 * - 'crash': the worker failed to start, threw outside the call, or ended; it is replaced;
 * - 'timeout': the attempt ran longer than its timeout; the worker is terminated and replaced.
 */
export type FailureKind = 'error' | 'crash' | 'timeout';

export interface AttemptFailure {
  readonly kind: FailureKind;
  /** 0 for the first attempt. */
  readonly attempt: number;
  /** The cause: for 'error', the worker's Error with the worker's message, name and stack. */
  readonly error: Error;
}

/** Reported to `PoolOptions.onRetry` before a failed job is queued again. */
export interface RetryEvent {
  readonly type: JobType;
  /** The job's submission number in this pool (0-based). */
  readonly index: number;
  readonly failure: AttemptFailure;
  /** Retries left after this one. */
  readonly retriesLeft: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  // comlink rethrows non-Error throws as they are; keep whatever `message`/`stack` came along.
  const e = new Error(messageOf((error as { message?: unknown } | null)?.message ?? error));
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack === 'string') e.stack = stack;
  return e;
}

/** A job that failed on every attempt it was allowed (or on one that may not be retried). */
export class PoolJobError extends Error {
  override name = 'PoolJobError';
  readonly type: JobType;
  readonly index: number;
  /** Every failed attempt, in order; the last one's error is also `cause`. */
  readonly failures: readonly AttemptFailure[];

  constructor(type: JobType, index: number, failures: readonly AttemptFailure[], why: string) {
    const last = failures[failures.length - 1]!;
    const history = failures.map((f) => `attempt ${f.attempt + 1}: ${f.kind}: ${f.error.message}`).join('; ');
    super(
      `slimprune pool: '${type}' job #${index} failed after ${failures.length} attempt${failures.length === 1 ? '' : 's'}` +
        `${why ? ` (${why})` : ''}: ${last.error.message}` +
        (failures.length > 1 ? ` [${history}]` : ''),
      { cause: last.error },
    );
    this.type = type;
    this.index = index;
    this.failures = failures;
  }
}

/** Rejects the jobs still queued or running when `close()` is called, and any run after it. */
export class PoolClosedError extends Error {
  override name = 'PoolClosedError';
  constructor(what: string) {
    super(`slimprune pool: ${what}: the pool was closed. Await every job before close(), or create a new pool.`);
  }
}

export function timeoutError(ms: number): Error {
  const e = new Error(`the attempt timed out after ${ms} ms (its worker was terminated)`);
  e.name = 'TimeoutError';
  return e;
}
