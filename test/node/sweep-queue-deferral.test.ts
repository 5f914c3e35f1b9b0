// Node-only: a queue worker that takes a cell whose networks another worker is training puts it
// back for later and takes a cell that needs none of them (queue-deferral.ts). The rule alone,
// then on a redis-server of the test's own with two in-process workers whose cells only sleep:
// the order the cells start in is the deferral's, which a fixed queue order would not give.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sweep, expandGrid, cellIdentity, shouldDefer, spreadNetworkGroups, startQueueWorker, writeCellResult, type CellExecutor, type CellResult, type SweepCell, type SweepGrid, type QueueWorkerHandle,
} from 'slimprune/internal';
import { startRedis, type RedisServer } from './redis-server.ts';

const GRID: SweepGrid = {
  tasks: ['mnist-lenet'],
  methods: ['contrast-sa', 'slimming'],
  targets: [{ flops: 0.2 }, { flops: 0.3 }],
  seeds: [1],
  base: { trainImages: 1000, epochs: 1 },
};
const cells = await expandGrid(GRID, cellIdentity);
const flopsOf = (cell: SweepCell) => (cell.target !== null && 'flops' in cell.target ? cell.target.flops : NaN);
const find = (method: string, flops: number) => cells.find((c) => c.method === method && flopsOf(c) === flops)!;
const taken = (cell: SweepCell, takenAt: number) => ({ id: cell.id, cell, takenAt });

describe('a queue worker defers a cell whose networks another worker trains', () => {
  it('defers only behind a cell of its group taken first, and only for a cell of a free group', () => {
    const [a, b, c, d] = [find('contrast-sa', 0.2), find('contrast-sa', 0.3), find('slimming', 0.2), find('slimming', 0.3)];
    // b shares a's networks (one seed of one method); c and d are another group.
    expect(shouldDefer(taken(b, 20), [taken(a, 10), taken(b, 20)], [c])).toBe(true);
    // Nothing else to take: run it, waiting for the networks.
    expect(shouldDefer(taken(b, 20), [taken(a, 10), taken(b, 20)], [])).toBe(false);
    // What waits is of a group that runs too: nothing gained.
    expect(shouldDefer(taken(b, 20), [taken(a, 10), taken(c, 15), taken(b, 20)], [d])).toBe(false);
    // The first of the group does not defer, however many of it run.
    expect(shouldDefer(taken(a, 10), [taken(a, 10), taken(b, 20)], [c])).toBe(false);
    // Taken at the same moment: exactly one of the two defers.
    const both = [taken(a, 10), taken(b, 10)];
    expect([shouldDefer(both[0]!, both, [c]), shouldDefer(both[1]!, both, [c])].filter(Boolean)).toHaveLength(1);
    // Another group running does not make a cell wait.
    expect(shouldDefer(taken(b, 20), [taken(c, 10), taken(b, 20)], [d])).toBe(false);
  });

  describe('on a queue', () => {
    let root: string;
    let redis: RedisServer;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'slimprune-deferral-'));
      redis = await startRedis(root, { appendonly: false });
    });
    afterAll(async () => {
      await redis?.stop();
      await rm(root, { recursive: true, force: true });
    });

    it('runs a free cell before one whose networks are being trained, and then that one', async () => {
      // Queue order (spreadNetworkGroups): contrast-sa 20%, slimming 20%, contrast-sa 30%,
      // slimming 30%. The worker done with the short slimming cell takes contrast-sa 30% while
      // the other still runs contrast-sa 20%: it must put it back and take slimming 30% first.
      expect(spreadNetworkGroups(cells).map((c) => c.id)).toEqual([find('contrast-sa', 0.2), find('slimming', 0.2), find('contrast-sa', 0.3), find('slimming', 0.3)].map((c) => c.id));
      const seconds: Record<string, number> = {
        [find('contrast-sa', 0.2).id]: 2.0, [find('slimming', 0.2).id]: 0.1, [find('contrast-sa', 0.3).id]: 0.1, [find('slimming', 0.3).id]: 0.8,
      };
      const started: string[] = [];
      const deferred: string[] = [];
      const execute: CellExecutor = async (cell, o) => {
        started.push(cell.id);
        await new Promise((r) => setTimeout(r, 1000 * seconds[cell.id]!));
        const result: CellResult = {
          id: cell.id, cell: { task: cell.task, model: cell.model, method: cell.method, target: cell.target, lambda: cell.lambda, seed: cell.seed },
          status: 'done',
          outcome: {
            accuracy: 0.9, compactAccuracy: 0.9, unprunedAccuracy: 0.95, flops: flopsOf(cell), params: 0.5, flopsCount: 1, paramsCount: 1,
            widths: [1], fineTuneAccuracy: [0.9], warnings: [],
          },
          execution: { seconds: seconds[cell.id]!, worker: o.worker, networksTrained: 0, finishedAt: new Date().toISOString() },
        };
        await writeCellResult(o.folder, result);
        return result;
      };
      const queue = `redis://127.0.0.1:${redis.port}`;
      const queueName = 'deferral';
      const workers: QueueWorkerHandle[] = [];
      try {
        for (const name of ['x', 'y']) {
          workers.push(await startQueueWorker({ queue, queueName, name, execute, deferMs: 200, onDefer: (cell) => deferred.push(cell) }));
        }
        const outcome = await sweep(GRID, { folder: join(root, 'sweep'), queue, queueName });
        expect(outcome.summary.counts).toEqual({ total: 4, done: 4, failed: 0, pending: 0 });
      } finally {
        for (const w of workers) await w.close();
      }
      const order = (method: string, flops: number) => started.indexOf(find(method, flops).id);
      expect(deferred.length, 'contrast-sa 30% was put back').toBeGreaterThan(0);
      expect(deferred.every((d) => d.includes('contrast-sa') && d.includes('flops=0.3')), deferred.join('; ')).toBe(true);
      expect(order('slimming', 0.3), started.join(', ')).toBeLessThan(order('contrast-sa', 0.3));
      // Each cell ran once.
      expect(new Set(started).size).toBe(started.length);
      expect(started).toHaveLength(4);
    }, 60_000);
  });
});
