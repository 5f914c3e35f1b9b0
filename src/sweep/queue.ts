/**
 * A sweep over a queue: each cell a BullMQ job on Redis (job id = the cell's id, so a cell is
 * queued once however often the sweep starts), taken by `slimprune worker` processes on any
 * number of machines.
 *
 * Where results and networks go: to the sweep's folder, which every worker must reach under the
 * same path (a shared or network file system; `--store` on a worker where it is mounted
 * elsewhere). Its networks/ is the network cache, so a network trained by one worker serves every
 * cell that needs it on every machine, and its cells/ holds one result per cell, written
 * atomically. Why a folder rather than Redis: the networks are megabytes each and Redis holds
 * everything in memory; a folder is the store the network cache already is; and results that
 * outlive the queue are what the sweep resumes from. Redis carries only the jobs and progress.
 *
 * Order: each job's BullMQ priority is its rank, so sweeps run in the order they were started,
 * each in its queue order (queue-order.ts); a worker that takes a cell whose networks another
 * worker is training puts it back for later, to its place, and takes another (queue-deferral.ts).
 *
 * Faults: a worker that dies mid-job stops renewing its job's lock; BullMQ's stalled-job check
 * moves the job back to waiting and another worker runs it again from its seed, so the result is
 * the same bits. A Redis restarted with persistence (AOF) has every job; workers and the
 * coordinator reconnect by themselves. A cell whose run fails is a result with its error, not a
 * failed job; a job BullMQ gives up on (its attempts spent) becomes such a result too.
 *
 * bullmq and ioredis (its Redis driver, which it loads itself) are optional peer dependencies,
 * loaded here on first use.
 */
import type { Job, Queue as QueueType, Worker as WorkerType } from 'bullmq';
import { absolutePath } from '../platform/files.ts';
import { parseRedisUrl, type RedisAddress } from './redis-url.ts';
import type { TaskData } from '../train/index.ts';
import { coordinatesOf, type CellResult } from './cell-result.ts';
import { describeCell, type SweepCell } from './grid.ts';
import { shouldDefer, type TakenCell } from './queue-deferral.ts';
import { spreadNetworkGroups } from './queue-order.ts';
import { pruneProgressText, type ProgressTracker, type RunnerActivity } from './progress.ts';
import { runCell } from './run-cell.ts';
import { readCellResult, writeCellResult } from './sweep-folder.ts';

export const DEFAULT_QUEUE_NAME = 'slimprune-sweep';

/** What a job carries: the cell, and where the sweep's folder (and network cache) is. */
interface CellJob {
  readonly cell: SweepCell;
  readonly folder: string;
  readonly cache?: string;
}

type Bullmq = typeof import('bullmq');

const MISSING = 'a sweep over a queue (--queue) needs BullMQ and its Redis driver ioredis, optional peer dependencies of slimprune: npm install bullmq ioredis';

async function loadBullmq(): Promise<Bullmq> {
  try {
    await import('ioredis');
    return await import('bullmq');
  } catch (error) {
    throw new Error(MISSING, { cause: error });
  }
}

/** Fails fast, with what to do, when nothing answers at the URL (BullMQ itself would retry forever). */
async function assertReachable(url: string, address: RedisAddress, timeoutMs = 5000): Promise<void> {
  let Redis: typeof import('ioredis').default;
  try {
    Redis = (await import('ioredis')).default;
  } catch (error) {
    throw new Error(MISSING, { cause: error });
  }
  // One attempt, no retries: this answers "is anything there", not "wait until it is".
  const client = new Redis({ ...address, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => { /* reported by the rejection below */ });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `Redis at ${url} is unreachable (${(error as Error).message}): start a Redis server there (e.g. redis-server --port ${address.port} --appendonly yes, ` +
        'so that jobs survive a restart), or give the right --queue redis://host:port',
      { cause: error },
    );
  } finally {
    client.disconnect();
  }
}

/** BullMQ's largest priority (2^21); jobs ranked beyond it share it and go in the order they were added. */
const MAX_PRIORITY = 2 ** 21;

/**
 * The first of `count` consecutive ranks no earlier sweep on this queue was given. A job's rank is
 * its BullMQ priority, so the queue runs sweeps in the order they were started and each in its
 * own order; and a job a worker defers (queue-deferral.ts) comes back to its place, not behind
 * every later sweep's jobs, as a job without a priority would.
 */
async function reserveRanks(address: RedisAddress, queueKey: string, count: number): Promise<number> {
  const Redis = (await import('ioredis')).default;
  const client = new Redis({ ...address, lazyConnect: true });
  client.on('error', () => { /* reported by the rejection below */ });
  try {
    await client.connect();
    return (await client.incrby(`${queueKey}:slimprune-rank`, count)) - count + 1;
  } finally {
    client.disconnect();
  }
}

export interface QueueRunOptions {
  readonly folder: string;
  readonly cache?: string;
  readonly queue: string;
  readonly queueName?: string;
  readonly tracker: ProgressTracker;
  /** How often to look at the jobs and the folder (default 1 s). */
  readonly pollMs?: number;
}

/** Queues the cells and waits until each has a result in the folder (written by whichever worker ran it). */
export async function runOnQueue(cells: readonly SweepCell[], options: QueueRunOptions): Promise<void> {
  const address = parseRedisUrl(options.queue);
  await assertReachable(options.queue, address);
  const { Queue } = await loadBullmq();
  const folder = await absolutePath(options.folder);
  const cache = options.cache === undefined ? undefined : await absolutePath(options.cache);
  const queue: QueueType = new Queue(options.queueName ?? DEFAULT_QUEUE_NAME, { connection: { ...address } });
  queue.on('error', () => { /* a lost connection: the client reconnects, the loop below retries */ });
  try {
    const ordered = spreadNetworkGroups(cells);
    const firstRank = await reserveRanks(address, queue.qualifiedName, ordered.length);
    for (const [i, cell] of ordered.entries()) {
      // A job of this id that has ended, without a result in this folder (another sweep's, or
      // a result removed since), is queued again rather than waited for forever.
      const existing = await queue.getJob(cell.id);
      if (existing && ['completed', 'failed'].includes(await existing.getState())) await existing.remove();
      const data: CellJob = { cell, folder, ...(cache !== undefined && { cache }) };
      await queue.add('cell', data, {
        jobId: cell.id, priority: Math.min(MAX_PRIORITY, firstRank + i),
        attempts: 2, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false,
      });
    }
    const pending = new Map(cells.map((c) => [c.id, c]));
    const seen = new Set<string>();
    while (pending.size > 0) {
      await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
      for (const [id, cell] of pending) {
        const result = await readCellResult(folder, id);
        if (result) {
          pending.delete(id);
          options.tracker.finished(`cell ${id}`, result.status);
          continue;
        }
        const job = await queue.getJob(id).catch(() => undefined);
        if (!job) continue;
        const state = await job.getState().catch(() => 'unknown');
        if (state === 'failed') {
          // BullMQ gave up on it (attempts spent, or stalled too often): the cell fails, the sweep goes on.
          const failed: CellResult = {
            id, cell: coordinatesOf(cell), status: 'failed', error: `the queue gave up on this job: ${job.failedReason ?? 'unknown reason'}`,
            execution: { seconds: 0, worker: 'queue', networksTrained: 0, finishedAt: new Date().toISOString() },
          };
          await writeCellResult(folder, failed);
          pending.delete(id);
          options.tracker.finished(`cell ${id}`, 'failed');
        } else if (state === 'active' && job.progress && typeof job.progress === 'object') {
          seen.add(id);
          options.tracker.activity(`cell ${id}`, job.progress as unknown as RunnerActivity);
        } else if (seen.has(id)) {
          options.tracker.idle(`cell ${id}`);
        }
      }
    }
  } finally {
    await queue.close().catch(() => undefined);
  }
}

/**
 * Runs one cell for a worker and resolves with its result (written to the folder). The default
 * runs it in the worker's own thread; the CLI runs each in a child process instead, because a
 * cell's run blocks its thread for seconds at a time (11 s measuring latency on LeNet here), and
 * BullMQ renews a job's lock from that thread: a lock that lapses looks like a dead worker, and
 * the job would be run twice.
 */
export type CellExecutor = (cell: SweepCell, options: { folder: string; cache?: string; worker: string; onProgress: (message: string) => void }) => Promise<CellResult>;

export interface QueueWorkerOptions {
  readonly queue: string;
  readonly queueName?: string;
  /** This worker's name in progress and results (the CLI's: host:pid). */
  readonly name: string;
  /** The sweep folder's path on this machine, where it differs from the coordinator's. */
  readonly store?: string;
  /** The network cache's path on this machine, where the sweep has one of its own elsewhere. */
  readonly cache?: string;
  /** Pool threads for a cell's trainings on this machine (default: the sweep's setting); the result does not depend on it. */
  readonly trainingWorkers?: number;
  /** How long a job's lock lasts without renewal (default 30 s), and how often stalled jobs are looked for (default 15 s). */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** How long a cell put back for later (queue-deferral.ts) stays out of the queue (default 30 s). */
  readonly deferMs?: number;
  readonly execute?: CellExecutor;
  readonly onProgress?: (activity: RunnerActivity) => void;
  readonly onCell?: (result: CellResult) => void;
  /** A cell put back for later, its networks being trained by another worker. */
  readonly onDefer?: (cell: string) => void;
  readonly onError?: (error: Error) => void;
}

export interface QueueWorkerHandle {
  readonly name: string;
  /** Stops taking jobs and waits for the one running to end. */
  close(): Promise<void>;
}

/** Takes cell jobs one at a time until closed. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const address = parseRedisUrl(options.queue);
  await assertReachable(options.queue, address);
  const { Worker, Queue, DelayedError } = await loadBullmq();
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const name = options.name;
  // For looking at the other jobs: which cells run, which wait.
  const jobs: QueueType = new Queue(queueName, { connection: { ...address } });
  jobs.on('error', () => { /* a lost connection: deferral is skipped meanwhile (deferrable's catch) */ });
  const deferrable = async (job: Job<CellJob>): Promise<boolean> => {
    // A job queued without a rank (by an older slimprune) would come back behind every other job.
    if (!((job.opts.priority ?? 0) > 0)) return false;
    try {
      const taken = (j: Job<CellJob>): TakenCell => ({ id: j.id!, cell: j.data.cell, takenAt: j.processedOn ?? Date.now() });
      const running = (await jobs.getActive() as Job<CellJob>[]).filter((j) => j?.data?.cell).map(taken);
      const waiting = (await jobs.getJobs(['prioritized', 'wait']) as Job<CellJob>[]).filter((j) => j?.data?.cell).map((j) => j.data.cell);
      return shouldDefer(taken(job), running, waiting);
    } catch {
      return false;
    }
  };
  // In this thread, each task's data is loaded once for all the cells the worker runs.
  const data = new Map<string, TaskData>();
  const execute: CellExecutor = options.execute ?? ((cell, o) => runCell(cell, {
    folder: o.folder, worker: o.worker, data, ...(o.cache !== undefined && { cache: o.cache }), onProgress: (p) => o.onProgress(pruneProgressText(p)),
  }));
  const processor = async (job: Job<CellJob>, token?: string) => {
    const cell: SweepCell = options.trainingWorkers === undefined
      ? job.data.cell : { ...job.data.cell, config: { ...job.data.cell.config, workers: options.trainingWorkers } };
    const folder = options.store ?? job.data.folder;
    // Another worker finished it (a job taken again after a stall whose first run lived on).
    const done = await readCellResult(folder, cell.id);
    if (done) return { id: cell.id, status: done.status };
    if (await deferrable(job)) {
      options.onDefer?.(describeCell(cell));
      await job.moveToDelayed(Date.now() + (options.deferMs ?? 30_000), token);
      throw new DelayedError();
    }
    let last = 0;
    const label = describeCell(cell);
    const report = (message: string, force = false) => {
      const now = Date.now();
      if (!force && now - last < 1000) return;
      last = now;
      const activity: RunnerActivity = { worker: name, cell: label, message };
      options.onProgress?.(activity);
      job.updateProgress(activity as unknown as object).catch(() => { /* progress is best effort across a Redis restart */ });
    };
    report('starting', true);
    const cache = options.cache ?? job.data.cache;
    const result = await execute(cell, { folder, worker: name, ...(cache !== undefined && { cache }), onProgress: (message) => report(message) });
    options.onCell?.(result);
    return { id: cell.id, status: result.status };
  };
  const worker: WorkerType<CellJob> = new Worker<CellJob>(queueName, processor, {
    connection: { ...address },
    concurrency: 1,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 15_000,
    // A cell's run is pure, so running it again after a stall is safe; give up only after three.
    maxStalledCount: 3,
  });
  worker.on('error', (error: Error) => options.onError?.(error));
  await worker.waitUntilReady();
  return {
    name,
    async close() {
      await worker.close();
      await jobs.close().catch(() => undefined);
    },
  };
}
