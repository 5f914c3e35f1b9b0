/**
 * The order a sweep's cells go onto a queue. Workers take jobs in queue order, so the cells that
 * run at the same time are neighbours there; two neighbours that need the same networks (one
 * seed's cells of one method: contrast-sa's K networks, Polarization's first λ trials) would have
 * one worker wait while the other trains them. So each cell goes after the first cells whose
 * network group differs from that of the last few queued, and the grid's seed-major order holds
 * otherwise: a sweep stopped part way still has its first seeds complete. A fixed order cannot
 * foresee everything (a worker done early with a short cell takes one further on, which may share
 * the networks of a long one still running); a local sweep's runners choose as they go (sweep.ts),
 * and a queue worker puts such a cell back for later (queue-deferral.ts).
 */
import type { SweepCell } from './grid.ts';

/** Cells of one group may share trained networks; cells of different groups never do. */
export function networkGroup(cell: SweepCell): string {
  return JSON.stringify([cell.task, cell.model, cell.method, cell.lambda, cell.seed]);
}

/**
 * `cells` reordered so that, wherever the grid allows, no cell shares a network group with any of
 * the `spread` cells before it (greedy: the earliest such cell next; failing one, the earliest
 * cell that differs from fewer of them). The default, 2, keeps three workers apart; a larger
 * spread than a seed has groups would pull later seeds forward.
 */
export function spreadNetworkGroups(cells: readonly SweepCell[], spread = 2): SweepCell[] {
  const rest = [...cells];
  const order: SweepCell[] = [];
  while (rest.length > 0) {
    let pick = 0;
    for (let lookback = Math.min(spread, order.length); lookback > 0; lookback--) {
      const recent = new Set(order.slice(-lookback).map(networkGroup));
      const found = rest.findIndex((c) => !recent.has(networkGroup(c)));
      if (found >= 0) {
        pick = found;
        break;
      }
    }
    order.push(rest.splice(pick, 1)[0]!);
  }
  return order;
}
