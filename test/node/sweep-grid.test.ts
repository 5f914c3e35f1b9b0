// The sweep's plain-data parts without any training: a grid's cells and their identities, the
// order they go onto a queue in (neighbours share no networks where the grid allows), and
// the summary of made-up results (means, pairs at common seeds only, failed cells, Pareto bands).
import { describe, expect, it } from 'vitest';
import { expandGrid, cellIdentity, spreadNetworkGroups, networkGroup, summarize, sweepMarkdown, type CellResult, type CellCoordinates } from 'slimprune/internal';

const BASE = { trainImages: 1000, epochs: 1 };

describe('sweep grid', () => {
  it('expands every combination, seed by seed, with ids from the resolved config', async () => {
    const cells = await expandGrid({ methods: ['contrast-sa', 'polarization'], seeds: [1, 2], targets: [{ flops: 0.3 }, null], base: BASE }, cellIdentity);
    expect(cells).toHaveLength(8);
    expect(cells.map((c) => [c.seed, c.method, c.target])).toEqual([
      [1, 'contrast-sa', { flops: 0.3 }], [1, 'contrast-sa', null], [1, 'polarization', { flops: 0.3 }], [1, 'polarization', null],
      [2, 'contrast-sa', { flops: 0.3 }], [2, 'contrast-sa', null], [2, 'polarization', { flops: 0.3 }], [2, 'polarization', null],
    ]);
    expect(new Set(cells.map((c) => c.id)).size).toBe(8);
    expect(cells[0]!.config).toEqual({ ...BASE, method: 'contrast-sa', task: 'mnist-lenet', seed: 1, target: { flops: 0.3 } });
  });

  it('names a run by its resolved config: defaults spelled out or not, key order and pool size do not count', async () => {
    const id = await cellIdentity({ task: 'mnist-lenet', method: 'contrast-sa', seed: 3, trainImages: 500 });
    expect(await cellIdentity({ trainImages: 500, seed: 3, method: 'contrast-sa', networks: 3, structureFrom: 'full', workers: 2 })).toBe(id);
    expect(await cellIdentity({ task: 'mnist-lenet', method: 'contrast-sa', seed: 4, trainImages: 500 })).not.toBe(id);
    expect(await cellIdentity({ task: 'mnist-lenet', method: 'contrast-sa', seed: 3, trainImages: 500, structureFrom: 'k-star' })).not.toBe(id);
  });

  it('queues the cells so that neighbours share no networks, seed by seed where the grid allows', async () => {
    const grid = { methods: ['contrast-sa', 'polarization', 'slimming'] as const, seeds: [1, 2], targets: [{ flops: 0.2 }, { flops: 0.3 }, { flops: 0.45 }], base: BASE };
    const cells = await expandGrid({ ...grid, methods: [...grid.methods] }, cellIdentity);
    const queued = spreadNetworkGroups(cells);
    expect(queued.map((c) => c.id).sort()).toEqual(cells.map((c) => c.id).sort());
    // Three methods per seed: each cell's group differs from the two before it.
    for (let i = 1; i < queued.length; i++) {
      for (const before of queued.slice(Math.max(0, i - 2), i)) expect(networkGroup(queued[i]!)).not.toBe(networkGroup(before));
    }
    expect(queued.slice(0, 9).every((c) => c.seed === 1)).toBe(true);
    expect(queued.slice(0, 3).map((c) => c.method)).toEqual(['contrast-sa', 'polarization', 'slimming']);
    // One method: its seeds take turns, since one seed's cells share networks.
    const one = spreadNetworkGroups(await expandGrid({ methods: ['contrast-sa'], seeds: [1, 2], targets: [{ flops: 0.2 }, { flops: 0.3 }], base: BASE }, cellIdentity));
    expect(one.map((c) => c.seed)).toEqual([1, 2, 1, 2]);
    // A single group has no other order.
    const single = await expandGrid({ methods: ['slimming'], seeds: [1], targets: [{ flops: 0.2 }, { flops: 0.3 }], base: BASE }, cellIdentity);
    expect(spreadNetworkGroups(single)).toEqual(single);
  });

  it('refuses a bad grid before any training', async () => {
    await expect(expandGrid({ methods: [], seeds: [1] }, cellIdentity)).rejects.toThrow(/methods must be a non-empty list/);
    await expect(expandGrid({ methods: ['polarization'], seeds: [1], targets: [{ flops: 1.5 }] }, cellIdentity)).rejects.toThrow(/in \(0, 1\)/);
    await expect(expandGrid({ methods: ['contrast-sa', { label: 'again', method: 'contrast-sa', structureFrom: 'full' }], seeds: [1] }, cellIdentity))
      .rejects.toThrow(/two cells of the sweep grid are the same run/);
    await expect(expandGrid({ methods: ['slimming'], seeds: [1], tasks: ['mnist-vgg' as never] }, cellIdentity)).rejects.toThrow(/unknown task 'mnist-vgg'/);
  });
});

describe('sweep summary', () => {
  const cell = (method: string, seed: number, target: CellCoordinates['target'] = null): CellCoordinates => ({ task: 'mnist-lenet', model: null, method, target, lambda: null, seed });
  const done = (method: string, seed: number, accuracy: number, flops: number, target: CellCoordinates['target'] = null): CellResult => ({
    id: `${method}-${seed}-${JSON.stringify(target)}`, cell: cell(method, seed, target), status: 'done',
    outcome: { accuracy, compactAccuracy: accuracy, unprunedAccuracy: 0.99, flops, params: flops, flopsCount: 1, paramsCount: 1, widths: [1], fineTuneAccuracy: [accuracy], warnings: [] },
    execution: { seconds: 1, worker: 'local', networksTrained: 0, finishedAt: '' },
  });
  const failed = (method: string, seed: number): CellResult => ({
    id: `${method}-${seed}-x`, cell: cell(method, seed), status: 'failed', error: 'out of memory | really', execution: { seconds: 1, worker: 'w1', networksTrained: 0, finishedAt: '' },
  });

  it('pairs methods at the seeds both have, keeps failures, and finds the Pareto front per band', () => {
    const s = summarize([
      done('a', 1, 0.99, 0.3), done('a', 2, 0.98, 0.3), done('a', 3, 0.97, 0.3),
      done('b', 1, 0.98, 0.4), done('b', 2, 0.96, 0.4), failed('b', 3),
      done('c', 1, 0.90, 0.2), done('c', 2, 0.92, 0.2),
      done('a', 1, 0.95, 0.2, { flops: 0.2 }), done('b', 1, 0.96, 0.2, { flops: 0.2 }),
    ]);
    expect(s.counts).toEqual({ total: 10, done: 9, failed: 1, pending: 0 });
    const a = s.methods.find((m) => m.method === 'a' && m.target === 'own')!;
    expect(a.seeds).toEqual([1, 2, 3]);
    expect(a.accuracy.mean).toBeCloseTo(0.98, 12);
    expect(a.accuracy.sd).toBeCloseTo(0.01, 12);
    expect(s.methods.find((m) => m.method === 'b' && m.target === 'own')!.failed).toBe(1);
    const ab = s.paired.find((p) => p.a === 'a' && p.b === 'b' && p.target === 'own')!;
    expect(ab.seeds).toEqual([1, 2]);
    expect(ab.accuracy.meanDifference).toBeCloseTo(0.015, 12);
    expect(ab.flops.meanDifference).toBeCloseTo(-0.1, 12);
    // Own thresholds: b is dominated by a (less accurate at more FLOPs); c is on the front at fewer FLOPs.
    const own = s.pareto.find((p) => p.band === 'own')!;
    expect(own.front).toEqual(['a', 'c']);
    expect(own.best).toBe('a');
    expect(s.pareto.find((p) => p.band === 'flops=0.2')!.best).toBe('b');
    const md = sweepMarkdown(s);
    expect(md).toContain('| b | own | base | 3 | failed: out of memory \\| really |');
    expect(md).toContain('| own | base | 1, 2 | a, c | **a** |');
    expect(own.missing).toEqual([]);
  });

  it("sums a method's cost per seed over its targets, leaving out seeds not all run", () => {
    const timed = (c: CellResult, seconds: number, networksTrained: number): CellResult => ({ ...c, execution: { ...c.execution, seconds, networksTrained } });
    const t2 = { flops: 0.2 };
    const results = [
      timed(done('a', 1, 0.99, 0.3), 100, 4), timed(done('a', 1, 0.98, 0.2, t2), 20, 0),
      timed(done('a', 2, 0.99, 0.3), 140, 4), timed(failed('a', 2), 0, 0),
      timed(done('b', 1, 0.99, 0.3), 1000, 5), timed(done('b', 1, 0.98, 0.2, t2), 900, 4),
    ];
    // a's second seed ran one cell of the two (the failed cell is at the same place as its first).
    const grid = ['a', 'b'].flatMap((m) => [1, 2].flatMap((seed) => [cell(m, seed), cell(m, seed, t2)]));
    const s = summarize(results.filter((r) => r.id !== 'a-2-x'), grid);
    const a = s.costs.find((c) => c.method === 'a')!;
    expect(a.seeds).toEqual([1]);
    expect(a.cellsPerSeed).toBe(2);
    expect(a.secondsPerSeed.mean).toBe(120);
    expect(a.networksPerSeed.mean).toBe(4);
    const withBoth = summarize([...results.slice(0, 3), timed(done('a', 2, 0.97, 0.2, t2), 40, 0), ...results.slice(4)], grid);
    const a2 = withBoth.costs.find((c) => c.method === 'a')!;
    expect(a2.seeds).toEqual([1, 2]);
    expect(a2.secondsPerSeed.mean).toBe(150);
    expect(a2.secondsPerSeed.sd).toBeCloseTo(Math.SQRT2 * 30, 10);
    expect(sweepMarkdown(withBoth)).toContain('| b | base | 2 | 1 | 1900 ± — | 9.0 ± — |');
  });

  it('takes a band\'s front at the seeds its methods share', () => {
    // a's third seed is poor and b has no third: by their own means b would win (0.98 > 0.957);
    // at seeds 1 and 2, which both have, a does (0.985 > 0.98).
    const s = summarize([done('a', 1, 0.99, 0.3), done('a', 2, 0.98, 0.3), done('a', 3, 0.90, 0.3), done('b', 1, 0.985, 0.3), done('b', 2, 0.975, 0.3)]);
    const own = s.pareto.find((p) => p.band === 'own')!;
    expect(own.seeds).toEqual([1, 2]);
    expect(own.best).toBe('a');
    expect(own.front).toEqual(['a']);
  });

  it('names the methods a band has no result for yet when summarised mid-sweep', () => {
    const results = [done('a', 1, 0.99, 0.3, { flops: 0.3 }), done('b', 1, 0.98, 0.3)];
    const grid = ['a', 'b', 'c'].flatMap((m) => [cell(m, 1, { flops: 0.3 }), cell(m, 1), cell(m, 2, { flops: 0.3 }), cell(m, 2)]);
    const s = summarize(results, grid);
    expect(s.counts).toEqual({ total: 12, done: 2, failed: 0, pending: 10 });
    const band = s.pareto.find((p) => p.band === 'flops=0.3')!;
    expect(band.best).toBe('a');
    expect(band.missing).toEqual(['b', 'c']);
    expect(s.pareto.find((p) => p.band === 'own')!.missing).toEqual(['a', 'c']);
    expect(sweepMarkdown(s)).toContain('| flops=0.3 | base | 1 | a | **a** (so far: no result yet for b, c) |');
  });
});
