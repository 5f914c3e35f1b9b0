// Node-only: a tiny sweep (mnist-lenet, 2 methods and a variant that cannot load its data, 2
// seeds) run here and resumed, then two cells at a time (--parallel 2), then over a queue on a redis-server of the test's own with two
// worker processes (`node dist/cli.js worker`): one is killed (SIGKILL) in the middle of a cell,
// Redis is restarted (appendonly) in the middle of the sweep, and every cell's result must be the
// local run's, bit for bit (numbers compared as parsed JSON, which round-trips a double exactly).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep, expandGrid, cellIdentity, describeCell, readCellResults, type SweepGrid, type CellResult } from 'slimprune/internal';
import { freePort, redisCommand, startRedis, type RedisServer } from './redis-server.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const BASE = { trainImages: 1000, epochs: 1, fineTuneEpochs: 1, networks: 2, restarts: 2, cooling: 0.9, movesPerTemperature: 50, lambda: 0.05 };

let root: string;
const grid = (seeds: number[]): SweepGrid => ({
  tasks: ['mnist-lenet'],
  methods: ['contrast-sa', 'polarization', { label: 'polarization, data missing', method: 'polarization', dataSource: join(root, 'no-such-folder') }],
  seeds,
  base: BASE,
});

/** What must not depend on where or how often a cell ran. */
const comparable = (r: CellResult) => ({ id: r.id, cell: r.cell, status: r.status, outcome: r.outcome, error: r.error });

describe('sweep', () => {
  let local: Map<string, CellResult>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'slimprune-sweep-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('runs a grid here, keeps a failed cell\'s error, and resumes where it stopped', async () => {
    const folder = join(root, 'local');
    const first = await sweep(grid([1]), { folder });
    expect(first.ran).toBe(3);
    expect(first.summary.counts).toEqual({ total: 3, done: 2, failed: 1, pending: 0 });
    const failed = first.summary.cells.find((c) => c.status === 'failed')!;
    expect(failed.cell.method).toBe('polarization, data missing');
    expect(failed.error).toMatch(/no-such-folder/);
    // The tables of a sweep so far: the grid grows by a seed, nothing runs.
    const soFar = await sweep(grid([1, 2]), { folder, summarizeOnly: true });
    expect(soFar.ran).toBe(0);
    expect(soFar.summary.counts).toEqual({ total: 6, done: 2, failed: 1, pending: 3 });
    expect(await readFile(join(folder, 'table.md'), 'utf8')).toMatch(/^# Sweep: 2 cells done, 1 failed, of 6 \(3 not run yet/);
    // A second seed: only its three cells run; the first seed's results are read back.
    const second = await sweep(grid([1, 2]), { folder });
    expect(second.ran).toBe(3);
    expect(second.summary.counts).toEqual({ total: 6, done: 4, failed: 2, pending: 0 });
    const again = await sweep(grid([1, 2]), { folder });
    expect(again.ran).toBe(0);
    local = await readCellResults(folder);
    expect(local.size).toBe(6);
    for (const r of local.values()) expect(r.execution.worker).toBe('local');
    // Each network was trained by one cell, and taken from the cache by the others.
    const networkFiles = (await readdir(join(folder, 'networks'))).filter((n) => n.endsWith('.json'));
    expect([...local.values()].reduce((n, r) => n + r.execution.networksTrained, 0)).toBe(networkFiles.length);
    // Every cell has a result file and nothing half-written is left.
    const names = await readdir(join(folder, 'cells'));
    expect(names.filter((n) => n.includes('tmp'))).toEqual([]);
    // The tables: each cell, mean ± sd per method, the paired comparison, the Pareto band.
    const s = second.summary;
    expect(s.methods.map((m) => [m.method, m.seeds, m.failed])).toEqual([
      ['contrast-sa', [1, 2], 0], ['polarization', [1, 2], 0], ['polarization, data missing', [], 2],
    ]);
    const pair = s.paired.find((p) => p.a === 'contrast-sa' && p.b === 'polarization')!;
    const acc = (m: string, seed: number) => s.cells.find((c) => c.cell.method === m && c.cell.seed === seed)!.outcome!.accuracy;
    expect(pair.seeds).toEqual([1, 2]);
    expect(pair.accuracy.meanDifference).toBeCloseTo(((acc('contrast-sa', 1) - acc('polarization', 1)) + (acc('contrast-sa', 2) - acc('polarization', 2))) / 2, 15);
    expect(s.pareto).toHaveLength(1);
    expect(s.pareto[0]!.front).toContain(s.pareto[0]!.best);
    const md = await readFile(join(folder, 'table.md'), 'utf8');
    expect(md).toContain('| polarization, data missing | own | base | 1 | failed: ');
    expect(md).toContain('paired t interval');
    const html = await readFile(join(folder, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('accuracy vs FLOPs');
    // The sweep's heading comes before the plots.
    expect(html.indexOf('<h1>Sweep: ')).toBeGreaterThan(0);
    expect(html.indexOf('<h1>Sweep: ')).toBeLessThan(html.indexOf('<svg'));
    expect(JSON.parse(await readFile(join(folder, 'table.json'), 'utf8')).counts).toEqual(s.counts);
  }, 180_000);

  it('runs the same cells two at a time (--parallel 2, a process each), bit for bit', async () => {
    expect(local?.size, 'the local sweep ran first').toBe(6);
    const folder = join(root, 'parallel');
    const gridFile = join(root, 'grid.json');
    await writeFile(gridFile, JSON.stringify(grid([1, 2])));
    const child = spawn(process.execPath, [CLI, 'sweep', '--grid', gridFile, '--parallel', '2', '--out', folder], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code, log.slice(-2000)).toBe(0);
    const parallel = await readCellResults(folder);
    expect([...parallel.keys()].sort()).toEqual([...local.keys()].sort());
    for (const [id, r] of parallel) expect(comparable(r), id).toEqual(comparable(local.get(id)!));
    expect(new Set([...parallel.values()].map((r) => r.execution.worker))).toEqual(new Set(['local 1', 'local 2']));
    expect((await readdir(join(folder, 'networks'))).filter((n) => n.endsWith('.claim'))).toEqual([]);
  }, 180_000);

  it('says so when the queue\'s Redis is unreachable', async () => {
    const port = await freePort();
    await expect(sweep(grid([1]), { folder: join(root, 'unreachable'), queue: `redis://127.0.0.1:${port}` }))
      .rejects.toThrow(new RegExp(`Redis at redis://127.0.0.1:${port} is unreachable.*redis-server`));
  });

  describe('over a queue', () => {
    let redis: RedisServer | undefined;
    const workers: ChildProcess[] = [];
    const logs = new Map<string, string>();
    const queueName = `test-${process.pid}`;

    const startWorker = (name: string) => {
      const child = spawn(process.execPath, [
        CLI, 'worker', '--queue', `redis://127.0.0.1:${redis!.port}`, '--queue-name', queueName, '--name', name,
        '--lock-duration', '4000', '--stalled-interval', '1000',
      ], { stdio: ['ignore', 'ignore', 'pipe'] });
      logs.set(name, '');
      child.stderr!.on('data', (d: Buffer) => logs.set(name, logs.get(name)! + d.toString()));
      workers.push(child);
      return child;
    };
    const waitFor = async (what: string, test: () => boolean | Promise<boolean>, ms = 120_000) => {
      const end = Date.now() + ms;
      while (!(await test())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; worker logs:\n${[...logs].map(([n, l]) => `${n}:\n${l.slice(-2000)}`).join('\n')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    afterAll(async () => {
      // Every process this test started, by its PID: the workers, then Redis.
      await Promise.all(workers.map(async (w) => {
        if (w.exitCode !== null || w.signalCode !== null) return;
        const exited = new Promise((r) => w.once('exit', r));
        w.kill('SIGTERM');
        const timer = setTimeout(() => w.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }));
      await redis?.stop();
    });

    it('gives the local results with a worker killed mid-cell and Redis restarted mid-sweep', async () => {
      expect(local?.size, 'the local sweep ran first').toBe(6);
      const dir = await mkdtemp(join(root, 'redis-'));
      redis = await startRedis(dir, { appendonly: true });
      const folder = join(root, 'queued');
      const cells = await expandGrid(grid([1, 2]), cellIdentity);
      startWorker('wA');
      startWorker('wB');
      const done = sweep(grid([1, 2]), { folder, queue: `redis://127.0.0.1:${redis.port}`, queueName, retryFailed: false });
      done.catch(() => undefined);

      // wA in the middle of a cell's training: killed, as a machine that dies.
      await waitFor('worker wA to train', () => /\[worker wA\] [^\n]*: \[train\]/.test(logs.get('wA')!));
      const killedCell = /\[worker wA\] ([^\n]*): \[train\]/.exec(logs.get('wA')!)![1]!;
      workers[0]!.kill('SIGKILL');
      startWorker('wC');

      // Redis restarted once another cell has finished, with jobs still waiting and running.
      const results = () => readCellResults(folder);
      const before = (await results()).size;
      await waitFor('another cell result', async () => (await results()).size > before);
      expect((await results()).size, 'cells still to run when Redis restarts').toBeLessThan(cells.length);
      await redis.restart();
      for (const c of cells) {
        const exists = await redisCommand(redis.port, `EXISTS bull:${queueName}:${c.id}`);
        expect(exists, `job of ${describeCell(c)} after the restart`).toBe(':1\r\n');
      }

      const outcome = await done;
      expect(outcome.summary.counts).toEqual({ total: 6, done: 4, failed: 2, pending: 0 });
      const queued = await readCellResults(folder);
      expect([...queued.keys()].sort()).toEqual([...local.keys()].sort());
      for (const [id, r] of queued) expect(comparable(r), describeCell(cells.find((c) => c.id === id)!)).toEqual(comparable(local.get(id)!));
      // The killed worker's cell was run to the end by another worker.
      const rerun = [...queued.values()].find((r) => describeCell(r.cell) === killedCell)!;
      expect(rerun.status).toBe('done');
      expect(rerun.execution.worker).not.toBe('wA');
      expect(new Set([...queued.values()].map((r) => r.execution.worker)).size).toBeGreaterThanOrEqual(2);
      // Workers at work at once train a network once: a cell needing one that another is training
      // waits for it (the killed worker's networks, in the cache or not, were trained by no finished cell).
      const networkFiles = (await readdir(join(folder, 'networks'))).filter((n) => n.endsWith('.json'));
      expect([...queued.values()].reduce((n, r) => n + r.execution.networksTrained, 0)).toBeLessThanOrEqual(networkFiles.length);
      expect((await readdir(join(folder, 'networks'))).filter((n) => n.endsWith('.claim'))).toEqual([]);
      expect(logs.get('wB')! + logs.get('wC')!).toMatch(/taking cells/);
    }, 240_000);
  });
});
