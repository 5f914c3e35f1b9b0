/**
 * prune()'s event stream: what a run has found so far, as plain data, for a caller that shows the
 * run while it goes (a page's live plots) rather than only its end. Every event is structured-
 * cloneable (numbers, strings, typed arrays), so a worker can post it to a page as it is.
 */
import type { Stage } from '../report/run.ts';
import type { RestartSummary } from '../select/structure.ts';
import type { TrainProgress } from '../train/index.ts';

export interface PruneProgress {
  readonly stage: Stage;
  readonly message: string;
  /** Training stages: which network, and the trainer's progress. */
  readonly network?: number;
  readonly training?: TrainProgress;
}

/** One prunable group: its layers and its width in the unpruned network. */
export interface EventGroup {
  readonly layers: readonly string[];
  readonly width: number;
}

export type PruneEvent =
  /** Every onProgress call, in the same order: stage, message, and a training's loss, accuracy and ETA. */
  | { readonly type: 'progress'; readonly progress: PruneProgress }
  /**
   * The networks are trained: each one's channel importance (mean |γ| of a group's BatchNorms)
   * per group, and its test accuracy. Network i of `importance` is network i of the run (the K
   * networks, then the whole-set one when the run trains it).
   */
  | { readonly type: 'networks'; readonly groups: readonly EventGroup[]; readonly importance: readonly (readonly Float32Array[])[]; readonly accuracy: readonly number[] }
  /** contrast-sa: one annealing restart has ended (`restart` of `restarts`, 0-based). */
  | { readonly type: 'anneal-restart'; readonly restart: number; readonly restarts: number; readonly summary: RestartSummary }
  /**
   * The method's structure: the network whose thresholds were chosen (contrast-sa: k*), its
   * threshold per group, (contrast-sa) every network's candidate thresholds per group, and the
   * network that is cut — another one when structureFrom is 'full' (k*'s widths on the whole-set network).
   */
  | {
    readonly type: 'structure'; readonly network: number; readonly thresholds: readonly number[];
    readonly candidates?: readonly (readonly (readonly number[])[])[]; readonly pruned: number;
  }
  /** The cut: each group's width before and after compaction. */
  | { readonly type: 'widths'; readonly groups: readonly (EventGroup & { readonly kept: number })[] };
