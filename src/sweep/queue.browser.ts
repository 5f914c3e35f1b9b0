/**
 * The browser build's queue.ts: a sweep over a queue needs TCP to Redis and a shared folder,
 * which browsers and workers do not have. sweep() without `queue` runs in any runtime with files.
 */
import type { SweepCell } from './grid.ts';
import type { QueueRunOptions, QueueWorkerHandle, QueueWorkerOptions } from './queue.ts';

export const DEFAULT_QUEUE_NAME = 'slimprune-sweep';

const refusal = () => new Error('a sweep over a queue (Redis and BullMQ) runs in Node; in a browser run sweep() without the queue option');

export async function runOnQueue(_cells: readonly SweepCell[], _options: QueueRunOptions): Promise<void> {
  throw refusal();
}

export async function startQueueWorker(_options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  throw refusal();
}
