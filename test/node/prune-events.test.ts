// prune()'s event stream and its AbortSignal, on a tiny budget of real MNIST: the events carry
// what the run returns (γ per network, every restart, the structure, the widths), and a cancel
// ends the run promptly wherever it is (training in this thread, on the pool, before the start).
import { beforeAll, describe, expect, it } from 'vitest';
import { prune, loadTaskData, reportHtml, type PruneEvent, type PruneRun, type TaskData } from 'slimprune/internal';

const TINY = { task: 'mnist-lenet' as const, trainImages: 600, epochs: 1, fineTuneEpochs: 1, restarts: 3, cooling: 0.9, movesPerTemperature: 50, lambda: 0.05 };

describe('prune() events', () => {
  let data: TaskData;
  let run: PruneRun;
  const events: PruneEvent[] = [];
  const progress: string[] = [];
  beforeAll(async () => {
    data = await loadTaskData('mnist-lenet');
    run = await prune({ ...TINY, method: 'contrast-sa', networks: 2, structureFrom: 'k-star' }, {
      data, onEvent: (e) => events.push(e), onProgress: (p) => progress.push(p.message),
    });
  }, 240_000);

  it('repeats every onProgress call as a progress event, in order', () => {
    const forwarded = events.filter((e) => e.type === 'progress').map((e) => e.progress.message);
    expect(forwarded).toEqual(progress);
    const training = events.filter((e) => e.type === 'progress' && e.progress.stage === 'train' && e.progress.training);
    expect(new Set(training.map((e) => e.type === 'progress' && e.progress.network))).toEqual(new Set([0, 1]));
  });

  it("gives each network's importance, every restart, the structure and the widths the run returns", () => {
    const networks = events.find((e) => e.type === 'networks');
    if (networks?.type !== 'networks') throw new Error('no networks event');
    expect(networks.importance).toEqual(run.decision.importance);
    expect(networks.accuracy).toEqual(run.metrics.networksTrained.map((n) => n.testAccuracy));
    expect(networks.groups.map((g) => g.width)).toEqual([20, 50, 500]);

    const restarts = events.flatMap((e) => (e.type === 'anneal-restart' ? [e] : []));
    expect(restarts).toHaveLength(3);
    expect(restarts.every((r) => r.restarts === 3)).toBe(true);
    expect(restarts.map((r) => r.restart).sort()).toEqual([0, 1, 2]);
    const bySeed = new Map(restarts.map((r) => [r.summary.seed, r.summary]));
    for (const r of run.decision.selection!.restarts) expect(bySeed.get(r.seed)).toEqual(r);
    expect(restarts[0]!.summary.cooling).toBe(0.9);

    const structure = events.find((e) => e.type === 'structure');
    if (structure?.type !== 'structure') throw new Error('no structure event');
    expect(structure.network).toBe(run.decision.network);
    expect(structure.pruned).toBe(run.metrics.network);
    expect(structure.thresholds).toEqual(run.metrics.groups.map((g) => g.threshold));
    expect(structure.candidates).toEqual(run.decision.candidates!.map((row) => row.map((c) => [...c.thresholds])));

    const widths = events.find((e) => e.type === 'widths');
    if (widths?.type !== 'widths') throw new Error('no widths event');
    expect(widths.groups.map((g) => [g.width, g.kept])).toEqual(run.metrics.groups.map((g) => [g.width, g.kept]));
  });

  it("report.html draws each restart's best energy so far", () => {
    expect(reportHtml(run).match(/<path class="best-so-far"/g)).toHaveLength(3);
  });

  it('sends the events in the order of the stages', () => {
    const order = events.filter((e) => e.type !== 'progress').map((e) => e.type);
    expect(order).toEqual(['networks', 'anneal-restart', 'anneal-restart', 'anneal-restart', 'structure', 'widths']);
  });

  const cancelWhen = async (config: Parameters<typeof prune>[0], when: (e: PruneEvent) => boolean) => {
    const controller = new AbortController();
    let abortedAt = 0;
    const seen: PruneEvent[] = [];
    const result = prune(config, {
      data, signal: controller.signal,
      onEvent: (e) => {
        seen.push(e);
        if (!controller.signal.aborted && when(e)) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    const error = await result.then(() => undefined, (e: unknown) => e);
    return { error, seconds: (performance.now() - abortedAt) / 1000, seen };
  };
  const firstBatch = (e: PruneEvent) => e.type === 'progress' && e.progress.stage === 'train' && (e.progress.training?.batch ?? 0) >= 1;

  it('cancels a training in this thread between batches', async () => {
    const { error, seconds, seen } = await cancelWhen({ ...TINY, method: 'polarization', trainImages: 3000 }, firstBatch);
    expect((error as Error).name).toBe('AbortError');
    expect(seconds).toBeLessThan(2);
    // No later stage ran.
    expect(seen.some((e) => e.type === 'networks')).toBe(false);
  }, 60_000);

  it('cancels trainings on the pool by terminating its workers', async () => {
    const { error, seconds, seen } = await cancelWhen({ ...TINY, method: 'contrast-sa', networks: 2, structureFrom: 'k-star', trainImages: 3000, workers: 2 }, firstBatch);
    expect((error as Error).name).toBe('AbortError');
    expect(seconds).toBeLessThan(2);
    expect(seen.some((e) => e.type === 'networks')).toBe(false);
  }, 60_000);

  it('cancels during fine-tuning, and refuses to start when already aborted', async () => {
    const fineTuning = (e: PruneEvent) => e.type === 'progress' && e.progress.stage === 'fine-tune' && e.progress.training !== undefined;
    const { error, seen } = await cancelWhen({ ...TINY, method: 'slimming', fineTuneEpochs: 3 }, fineTuning);
    expect((error as Error).name).toBe('AbortError');
    expect(seen.some((e) => e.type === 'widths')).toBe(true);
    expect(seen.some((e) => e.type === 'progress' && e.progress.stage === 'measure')).toBe(false);
    const reason = new Error('the user left');
    await expect(prune(TINY, { data, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  }, 60_000);
});
