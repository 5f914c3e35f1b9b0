/**
 * The worker side's job-handler registry: one entry per tag of `JobTypes` (src/pool/jobs.ts).
 * The mapped type makes tsc require a handler for every job type and reject one for a tag that
 * does not exist, so adding a job type is its union member plus one line here.
 *
 * The 'train' handler loads tfjs lazily. dist/worker.js keeps tfjs external: Node and Deno resolve
 * it from node_modules; in a browser the app's bundler bundles the worker with it (a module Web
 * Worker sees no import map), as test/run-browser.mjs does.
 */
import { transfer } from 'comlink';
import type { JobHandler, JobContext } from './handler.ts';
import type { Job, JobResult, JobType } from './jobs.ts';
import { annealHandler } from './handlers/anneal.ts';
import { faultHandler } from './handlers/fault.ts';
import { trainHandler } from './handlers/train.ts';

export const JOB_HANDLERS: { readonly [T in JobType]: JobHandler<T> } = {
  anneal: annealHandler,
  fault: faultHandler,
  train: trainHandler,
};

/**
 * Runs a job with its handler and marks the result's own buffers for transfer to the parent.
 * Unknown tags fail with the list of known ones (a worker from another version of the package).
 */
export async function runJob(job: Job, context: JobContext<unknown>): Promise<JobResult> {
  const type = (job as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(JOB_HANDLERS, type)) {
    throw new TypeError(
      `slimprune worker: no handler for job type ${JSON.stringify(type)}; known types: ` +
        `${Object.keys(JOB_HANDLERS).join(', ')}. Is dist/worker.js from the same build as dist/index.js?`,
    );
  }
  // The tag selects the handler, so job and handler agree; TypeScript cannot correlate the union.
  const handler = JOB_HANDLERS[type as JobType] as unknown as JobHandler<JobType>;
  const result = await handler.run(job as never, context as JobContext<never>);
  return transfer(result, handler.transferables?.(result as never) ?? []);
}
