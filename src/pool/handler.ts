/**
 * The worker side of a job type: one handler per tag of src/pool/jobs.ts, listed in
 * src/pool/registry.ts. A handler runs in a worker whose kernels are loaded (`kernels()` works),
 * receives its job as plain data and returns its result as plain data.
 */
import type { JobType, JobTypes } from './jobs.ts';

export interface JobContext<P> {
  /** 0 for the first attempt, 1 for the first retry, ... (tracked by the pool, not the worker). */
  readonly attempt: number;
  /**
   * Streams a progress event (plain data) to the job's `onProgress` callback in the parent. Events
   * arrive in the order sent and all before the result (src/pool/protocol.ts says why). They are
   * posted at once, so a handler that computes synchronously for long should send them between
   * its steps; nothing waits for the parent.
   */
  progress(event: P): void;
}

export interface JobHandler<T extends JobType> {
  run(job: JobTypes[T]['job'], context: JobContext<JobTypes[T]['progress']>): JobTypes[T]['result'] | Promise<JobTypes[T]['result']>;
  /**
   * The buffers of a result that move to the parent instead of being copied (zero-copy,
   * comlink's `transfer`). Only buffers the result owns: they are detached in the worker.
   */
  transferables?(result: JobTypes[T]['result']): Transferable[];
}
