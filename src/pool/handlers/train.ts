/**
 * The 'train' job: one network of a run, sparsity-trained on this worker (src/train/job.ts).
 * Imported lazily, so that a worker that only anneals never loads tfjs (see src/pool/registry.ts).
 */
import type { JobHandler } from '../handler.ts';

export const trainHandler: JobHandler<'train'> = {
  async run(job, context) {
    const { runTrainJob } = await import('../../train/job.ts');
    return runTrainJob(job, (p) => context.progress(p));
  },
  // Each weight was copied out of tfjs for this result alone.
  transferables: (result) => result.weights.map((w) => w.values.buffer as ArrayBuffer),
};
