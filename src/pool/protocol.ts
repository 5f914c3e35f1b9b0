/**
 * What crosses the pool's worker boundary besides the jobs and results themselves (src/pool/jobs.ts).
 *
 * A job runs as one comlink call, `api.runJob(job, call)`. Progress events travel as notices: plain
 * messages the worker posts on the same endpoint as comlink's replies, tagged with the attempt's
 * `call` number and without an `id` (so comlink ignores them; src/platform/spawn-worker.ts hands
 * them to the pool). Sharing the endpoint is the point: messages on one channel arrive in the order
 * posted, so every progress event of an attempt reaches its callback before the attempt's result,
 * which a separate MessageChannel or a comlink.proxy callback (each its own port) would not
 * guarantee; and no extra port stays open when a worker dies mid-job.
 */

/** Which attempt of which job a worker is running: sent with the job, echoed by its notices. */
export interface CallInfo {
  /** Unique per attempt within a pool: tags the attempt's progress notices. */
  readonly call: number;
  /** 0 for the first attempt of a job, 1 for its first retry, and so on (tracked by the pool). */
  readonly attempt: number;
}

export interface ProgressNotice {
  readonly type: 'slimprune:progress';
  readonly call: number;
  readonly data: unknown;
}

export function isProgressNotice(data: unknown): data is ProgressNotice {
  return (data as { type?: unknown } | null)?.type === 'slimprune:progress';
}
