/** The 'anneal' job: one annealing restart on this worker's kernels (src/kernels/wasm/anneal.ts). */
import { anneal } from '../../kernels/wasm/anneal.ts';
import type { JobHandler } from '../handler.ts';

export const annealHandler: JobHandler<'anneal'> = {
  run(job) {
    return { type: 'anneal', ...anneal(job.problem, job.options) };
  },
  // Fresh arrays copied out of the arena for this result alone.
  transferables: (result) => [result.best.buffer, result.final.buffer, result.trace.buffer],
};
