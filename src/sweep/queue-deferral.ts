/**
 * When a queue worker puts a cell it has just taken back for later: a fixed queue order cannot
 * keep cells of one network group apart once workers finish at different times (a short
 * Slimming cell done, its worker takes the next job, whose networks another worker is still
 * training), and a worker that runs such a cell only waits for those networks. So, as a local
 * sweep's runners do (sweep.ts), a worker defers a cell whose group another worker started
 * first, provided a queued cell of a group nobody runs is there to take instead; otherwise it
 * runs the cell, waiting on the network claims, which is all there is to do.
 */
import type { SweepCell } from './grid.ts';
import { networkGroup } from './queue-order.ts';

export interface TakenCell {
  /** The job's id (the cell's id). */
  readonly id: string;
  readonly cell: SweepCell;
  /** When a worker took it (BullMQ's processedOn); which of two cells of a group taken at once goes first. */
  readonly takenAt: number;
}

/**
 * Whether the worker that took `mine` should defer it: another running cell of its network
 * group was taken before it (ties: the smaller id goes first, so two workers never both defer),
 * and some waiting cell belongs to no running cell's group.
 */
export function shouldDefer(mine: TakenCell, running: readonly TakenCell[], waiting: readonly SweepCell[]): boolean {
  const group = networkGroup(mine.cell);
  const others = running.filter((r) => r.id !== mine.id);
  const first = others.some((r) => networkGroup(r.cell) === group && (r.takenAt < mine.takenAt || (r.takenAt === mine.takenAt && r.id < mine.id)));
  if (!first) return false;
  const busy = new Set(others.map((r) => networkGroup(r.cell)));
  return waiting.some((c) => !busy.has(networkGroup(c)));
}
