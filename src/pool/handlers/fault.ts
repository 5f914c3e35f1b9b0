/**
 * The test-only 'fault' job (src/pool/jobs.ts): fails on purpose in the ways a real job can, so
 * that the pool's recovery is tested on the built worker in every runtime.
 */
import { exitWorker } from '../../platform/worker-endpoint.ts';
import type { JobHandler } from '../handler.ts';
import type { FaultJob } from '../jobs.ts';

const sleep = (ms: number): Promise<void> => new Promise((wake) => setTimeout(wake, ms));

/** Never settles: the attempt ends from outside (the worker dies or the pool terminates it). */
const never = (): Promise<never> => new Promise(() => undefined);

function injectedFault(job: FaultJob, attempt: number): Promise<never> {
  const what = `injected fault '${job.fault}' (attempt ${attempt}, value ${job.value})`;
  switch (job.fault) {
    case 'throw':
      throw new Error(what);
    case 'crash':
      // Outside the call: nothing catches it, as with a bug in a callback.
      setTimeout(() => {
        throw new Error(what);
      });
      return never();
    case 'exit':
      exitWorker(1, what);
      return never();
    case 'hang': {
      // A stuck synchronous loop: the worker answers no message any more, so only terminating it
      // ends this. It writes to the global scope because rollup drops a loop without effects.
      const scope = globalThis as { slimpruneHangSpins?: number };
      for (;;) scope.slimpruneHangSpins = (scope.slimpruneHangSpins ?? 0) + 1;
    }
    default:
      throw new Error(`fault job: unknown fault ${JSON.stringify(job.fault)}; use throw, crash, exit, hang or none`);
  }
}

export const faultHandler: JobHandler<'fault'> = {
  async run(job, { attempt, progress }) {
    const of = job.progressEvents ?? 0;
    for (let step = 0; step < of; step++) progress({ step, of });
    if (job.delayMs) await sleep(job.delayMs);
    if (job.fault !== 'none' && attempt < (job.failAttempts ?? Infinity)) await injectedFault(job, attempt);
    return { type: 'fault', value: job.value, attempt, payload: job.payload };
  },
  transferables: (result) => (result.payload ? [result.payload.buffer] : []),
};
