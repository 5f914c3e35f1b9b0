/**
 * Running one cell: `prune()` on its config with the sweep's shared network cache (claimed key by
 * key, so runners at work at once train a network once: claimed-network-cache.ts), its outcome
 * written to the sweep's folder. A failure becomes the cell's result (its error kept for the
 * table) rather than the sweep's end. Used alike by the local runner and by queue workers, so a
 * cell gives the same result wherever it runs.
 */
import { prune, type PruneProgress } from '../pipeline/prune.ts';
import { resolveConfig } from '../pipeline/config.ts';
import { loadRunData } from '../pipeline/run-data.ts';
import type { TaskData } from '../train/index.ts';
import { claimedNetworkCache } from './claimed-network-cache.ts';
import { coordinatesOf, errorText, outcomeOf, type CellResult } from './cell-result.ts';
import type { SweepCell } from './grid.ts';
import { networksFolder, writeCellResult } from './sweep-folder.ts';

export interface RunCellOptions {
  /** The sweep's folder: results go to its cells/, networks to and from its networks/ (or `cache`). */
  readonly folder: string;
  readonly cache?: string;
  readonly worker: string;
  /** Data already loaded, by task (the local runner loads each task once). */
  readonly data?: Map<string, TaskData>;
  readonly onProgress?: (progress: PruneProgress) => void;
}

export async function runCell(cell: SweepCell, options: RunCellOptions): Promise<CellResult> {
  const t0 = performance.now();
  const execution = (networksTrained = 0) => ({ seconds: (performance.now() - t0) / 1000, worker: options.worker, networksTrained, finishedAt: new Date().toISOString() });
  let result: CellResult;
  const cache = claimedNetworkCache(options.cache ?? networksFolder(options.folder), (key, holder) =>
    options.onProgress?.({ stage: 'train', message: `waiting for network ${key.slice(0, 8)}, which ${holder.host}:${holder.pid} is training` }));
  try {
    const resolved = resolveConfig(cell.config);
    const dataKey = `${cell.task}\u0000${cell.model ?? ''}\u0000${resolved.dataSource ?? ''}`;
    let data = options.data?.get(dataKey);
    if (!data) {
      data = await loadRunData(resolved, (message) => options.onProgress?.({ stage: 'data', message }));
      options.data?.set(dataKey, data);
    }
    const run = await prune(cell.config, {
      data, cache,
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
    try {
      result = { id: cell.id, cell: coordinatesOf(cell), status: 'done', outcome: outcomeOf(run), execution: execution(run.metrics.networksTrained.filter((n) => !n.cached).length + (run.metrics.searchNetworks?.trained ?? 0)) };
    } finally {
      run.model.dispose();
    }
  } catch (error) {
    result = { id: cell.id, cell: coordinatesOf(cell), status: 'failed', error: errorText(error), execution: execution() };
  } finally {
    await cache.release();
  }
  await writeCellResult(options.folder, result);
  return result;
}
