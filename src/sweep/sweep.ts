/**
 * `sweep()`: every cell of a grid run once, on this machine (default) or as jobs on a queue that
 * `slimprune worker` processes take (queue.ts); results in the sweep's folder, one file per cell,
 * so a sweep started again runs only the cells it has no result for; then the tables
 * (table.md, table.json) and report.html of all the grid's cells.
 */
import type { TaskData } from '../train/index.ts';
import { cellIdentity } from './cell-identity.ts';
import { coordinatesOf, errorText, type CellResult } from './cell-result.ts';
import { describeCell, expandGrid, type SweepCell, type SweepGrid } from './grid.ts';
import { ProgressTracker, pruneProgressText, type SweepProgress } from './progress.ts';
import { networkGroup, spreadNetworkGroups } from './queue-order.ts';
import type { CellExecutor } from './queue.ts';
import { runCell } from './run-cell.ts';
import { readCellResults, writeCellResult, writeSweepFile } from './sweep-folder.ts';
import { sweepReportHtml } from './sweep-report.ts';
import { sweepMarkdown } from './sweep-tables.ts';
import { summarize, type SweepSummary } from './summary.ts';

export interface SweepOptions {
  /** The sweep's folder: results, the shared network cache (networks/), tables and report. */
  readonly folder: string;
  /** Another network cache folder instead of the sweep's networks/ (every runner must reach it). */
  readonly cache?: string;
  /** A Redis URL (redis://host:port): cells become jobs that `slimprune worker` processes take. */
  readonly queue?: string;
  /** The queue's name (default 'slimprune-sweep'). */
  readonly queueName?: string;
  /** Run the cells that failed before again (default: keep their errors). */
  readonly retryFailed?: boolean;
  /** Run nothing: write the tables and report of the results there are (a sweep so far). */
  readonly summarizeOnly?: boolean;
  /**
   * Cells run at once here (default 1), each by `execute`: a cell trains in its own thread, so
   * cells at once need processes (or workers) of their own; the CLI's `--parallel` forks one per
   * cell. They share the network cache as queue workers do, and are ordered as on a queue.
   */
  readonly parallel?: number;
  /** How a cell runs here (default: in this thread); needed for `parallel` above 1. */
  readonly execute?: CellExecutor;
  readonly onProgress?: (progress: SweepProgress) => void;
}

export interface SweepOutcome {
  readonly summary: SweepSummary;
  /** Cells run by this call (the rest had results already). */
  readonly ran: number;
}

export async function sweep(grid: SweepGrid, options: SweepOptions): Promise<SweepOutcome> {
  const cells = await expandGrid(grid, cellIdentity);
  if (options.summarizeOnly) {
    const present = await readCellResults(options.folder);
    const summary = summarize(cells.map((c) => present.get(c.id)).filter((r): r is CellResult => r !== undefined), cells);
    await writeSummary(options.folder, summary);
    return { summary, ran: 0 };
  }
  await writeSweepFile(options.folder, 'grid.json', JSON.stringify(grid, null, 1) + '\n');
  const before = await readCellResults(options.folder);
  const settled = (c: SweepCell) => {
    const r = before.get(c.id);
    return r !== undefined && (r.status === 'done' || !options.retryFailed);
  };
  const todo = cells.filter((c) => !settled(c));
  const counted = cells.filter(settled).map((c) => before.get(c.id)!);
  const tracker = new ProgressTracker(cells.length, counted.filter((r) => r.status === 'done').length, counted.filter((r) => r.status === 'failed').length, options.onProgress);
  if (options.queue !== undefined) {
    const { runOnQueue } = await import('./queue.ts');
    await runOnQueue(todo, { ...options, queue: options.queue, tracker });
  } else {
    await runHere(todo, options, tracker);
  }
  const after = await readCellResults(options.folder);
  const results: CellResult[] = cells.map((c) => after.get(c.id)).filter((r): r is CellResult => r !== undefined);
  const missing = cells.filter((c) => !after.has(c.id));
  if (missing.length > 0) throw new Error(`the sweep ended without results for ${missing.length} cells (first: ${describeCell(missing[0]!)}); start it again to run them`);
  const summary = summarize(results);
  await writeSummary(options.folder, summary);
  return { summary, ran: todo.length };
}

async function writeSummary(folder: string, summary: SweepSummary): Promise<void> {
  await writeSweepFile(folder, 'table.json', JSON.stringify(summary, null, 1) + '\n');
  await writeSweepFile(folder, 'table.md', sweepMarkdown(summary));
  await writeSweepFile(folder, 'report.html', sweepReportHtml(summary));
}

/**
 * The cells here: one after another in this thread (each task's data loaded once), or `parallel`
 * runners, each taking the next cell that shares no networks with a running one, by `execute`.
 * A cell whose runner fails (its process died) becomes a failed result, and the sweep goes on.
 */
async function runHere(cells: readonly SweepCell[], options: SweepOptions, tracker: ProgressTracker): Promise<void> {
  const parallel = options.parallel ?? 1;
  if (!(Number.isInteger(parallel) && parallel >= 1)) throw new RangeError(`parallel must be a whole number of cells at once, at least 1; got ${parallel}`);
  if (parallel > 1 && !options.execute) {
    throw new Error('cells run at once need a process (or worker) each: give execute (a CellExecutor), as the CLI\'s --parallel does; a cell trains in its own thread');
  }
  const data = new Map<string, TaskData>();
  const cache = options.cache !== undefined ? { cache: options.cache } : {};
  const inThisThread: CellExecutor = (cell, o) => runCell(cell, { folder: o.folder, worker: o.worker, data, ...cache, onProgress: (p) => o.onProgress(pruneProgressText(p)) });
  const execute = options.execute ?? inThisThread;
  const queue = parallel > 1 ? spreadNetworkGroups(cells) : [...cells];
  // The next cell for a free runner: the first whose networks no running cell may be training
  // (a different network group), so that it computes rather than waits; else the first.
  const running = new Map<string, number>();
  const next = (): SweepCell | undefined => {
    const free = queue.findIndex((c) => !running.get(networkGroup(c)));
    return queue.splice(free < 0 ? 0 : free, 1)[0];
  };
  const runner = async (worker: string) => {
    for (let cell = next(); cell !== undefined; cell = next()) {
      const group = networkGroup(cell);
      running.set(group, (running.get(group) ?? 0) + 1);
      const name = describeCell(cell);
      const say = (message: string) => tracker.activity(worker, { worker, cell: name, message });
      say('starting');
      let result: CellResult;
      try {
        result = await execute(cell, { folder: options.folder, worker, ...cache, onProgress: say });
      } catch (error) {
        result = { id: cell.id, cell: coordinatesOf(cell), status: 'failed', error: `its run ended without a result: ${errorText(error)}`, execution: { seconds: 0, worker, networksTrained: 0, finishedAt: new Date().toISOString() } };
        await writeCellResult(options.folder, result);
      }
      running.set(group, running.get(group)! - 1);
      tracker.finished(worker, result.status);
    }
  };
  await Promise.all(Array.from({ length: parallel }, (_, i) => runner(parallel === 1 ? 'local' : `local ${i + 1}`)));
}
