/**
 * One cell's result as plain JSON: what the run measured (`outcome`, a pure function of the
 * cell's config and seed, so the same wherever and however often it runs) kept apart from how it
 * ran (`execution`: time, worker, attempts), which differs every time. A failed cell keeps its
 * error in place of the outcome, and the sweep goes on.
 */
import type { PruneRun } from '../pipeline/prune.ts';
import type { CellCoordinates, SweepCell } from './grid.ts';

export interface CellOutcome {
  /** Test accuracy after fine-tuning, after compaction, and of the network before pruning. */
  readonly accuracy: number;
  readonly compactAccuracy: number;
  readonly unprunedAccuracy: number;
  /** Fractions of the unpruned model's FLOPs and parameters kept. */
  readonly flops: number;
  readonly params: number;
  readonly flopsCount: number;
  readonly paramsCount: number;
  /** Kept channels per prunable group. */
  readonly widths: readonly number[];
  readonly fineTuneAccuracy: readonly number[];
  readonly targetReached?: number;
  readonly warnings: readonly string[];
}

export interface CellExecution {
  readonly seconds: number;
  /** Who ran it: 'local', or a queue worker's name. */
  readonly worker: string;
  /** Networks this run trained itself (the rest came from the shared cache); 0 for a failed run. */
  readonly networksTrained: number;
  readonly finishedAt: string;
}

export interface CellResult {
  readonly id: string;
  readonly cell: CellCoordinates;
  readonly status: 'done' | 'failed';
  readonly outcome?: CellOutcome;
  readonly error?: string;
  readonly execution: CellExecution;
}

export function outcomeOf(run: PruneRun): CellOutcome {
  const m = run.metrics;
  return {
    accuracy: m.after.accuracy,
    compactAccuracy: m.afterCompaction.accuracy,
    unprunedAccuracy: m.before.accuracy,
    flops: m.after.flops / m.before.flops,
    params: m.after.params / m.before.params,
    flopsCount: m.after.flops,
    paramsCount: m.after.params,
    widths: m.groups.map((g) => g.kept),
    fineTuneAccuracy: m.fineTuneAccuracy,
    ...(m.target && { targetReached: m.target.reached }),
    warnings: m.warnings,
  };
}

export function coordinatesOf(cell: SweepCell): CellCoordinates {
  const { id: _id, config: _config, ...coordinates } = cell;
  return coordinates;
}

/** The error of a failed cell as text: its message, and its causes' (the pool's attempts, a data error). */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' ← ');
}
