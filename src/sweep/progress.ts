/**
 * A sweep's progress: cells done, running and failed, an ETA from the cells finished so far, and
 * what each runner (the local one, or each queue worker) is doing, from its latest report.
 */
export interface RunnerActivity {
  readonly worker: string;
  readonly cell: string;
  readonly message: string;
}

export interface SweepProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  /** Seconds left at this session's pace (wall time per finished cell, all runners together); undefined before the first. */
  readonly etaSeconds: number | undefined;
  readonly runners: readonly RunnerActivity[];
}

export class ProgressTracker {
  private readonly started = performance.now();
  private finishedHere = 0;
  private readonly active = new Map<string, RunnerActivity>();
  done: number;
  failed: number;

  constructor(readonly total: number, done: number, failed: number, private readonly report?: (p: SweepProgress) => void) {
    this.done = done;
    this.failed = failed;
  }

  /** What runs under `key` (a runner here, a cell's id on a queue) now. */
  activity(key: string, a: RunnerActivity): void {
    this.active.set(key, a);
    this.emit();
  }

  finished(key: string, status: 'done' | 'failed'): void {
    this.active.delete(key);
    this.finishedHere++;
    if (status === 'done') this.done++;
    else this.failed++;
    this.emit();
  }

  idle(key: string): void {
    if (this.active.delete(key)) this.emit();
  }

  snapshot(): SweepProgress {
    const left = this.total - this.done - this.failed;
    const perCell = (performance.now() - this.started) / 1000 / this.finishedHere;
    return {
      total: this.total, done: this.done, failed: this.failed, running: this.active.size,
      etaSeconds: this.finishedHere === 0 ? undefined : perCell * left,
      runners: [...this.active.values()],
    };
  }

  private emit(): void {
    this.report?.(this.snapshot());
  }
}

/** One progress line, as the CLI prints it. */
export function progressLine(p: SweepProgress): string {
  const eta = p.etaSeconds === undefined ? '' : ` · ETA ${Math.ceil(p.etaSeconds)} s`;
  const runners = p.runners.map((r) => ` · ${r.worker}: ${r.cell}: ${r.message}`).join('');
  return `[sweep] ${p.done}/${p.total} done · ${p.running} running · ${p.failed} failed${eta}${runners}`;
}

/** A cell's prune progress in a few words: stage, message, and the training's epoch and batch. */
export function pruneProgressText(p: { stage: string; message: string; training?: { epoch: number; epochs: number; batch: number; batches: number } }): string {
  const t = p.training;
  return `[${p.stage}] ${p.message}${t ? ` · epoch ${t.epoch + 1}/${t.epochs} · batch ${t.batch}/${t.batches}` : ''}`;
}
