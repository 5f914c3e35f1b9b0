/**
 * What a pruning run returns and the report shows: the compact model, its history, the
 * measured figures (METHOD.md §9) and the decision that led to them. The run's settings are a
 * type parameter: the report reads only the fields of RunSettings, prune() fills in its whole
 * resolved config.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { PruningGraph } from '../model/graph.ts';
import type { PruningStep } from '../prune/history.ts';
import type { StructureDecision } from '../select/method-rules.ts';
import type { PolarizationReport } from '../train/polarization.ts';
import type { ModelFigures } from './figures.ts';

export type Stage = 'data' | 'train' | 'select' | 'compact' | 'fine-tune' | 'measure';

/** The settings of a run that the report names. */
export interface RunSettings {
  /** A reference task, or undefined for the user's own data. */
  readonly task: string | undefined;
  readonly method: string;
  readonly structureFrom: string;
  readonly networks: number;
  readonly sampling: string;
  readonly fineTuneEpochs: number;
  readonly fineTuneLearningRate?: number | undefined;
  readonly fadeEpochs: number;
  readonly distill: { readonly temperature: number; readonly weight: number } | null;
}

/** What a run was trained and measured on. */
export interface RunData {
  /** The task name, or the folder (and test folder). */
  readonly description: string;
  readonly classNames: readonly string[];
  readonly trainImages: number;
  readonly testImages: number;
  /** Height, width, channels of an image as the model takes it. */
  readonly shape: readonly [number, number, number];
  /** How the model's inputs were made from pixels: x = (pixel/255 − mean[c]) / std[c]. */
  readonly normalization: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** Test accuracy overall and per class (label order; null: no test image of that class). */
export interface ClassAccuracy {
  readonly accuracy: number;
  readonly classAccuracy: readonly (number | null)[];
}

/** How close a run pruned to its target came. */
export interface TargetOutcome {
  /** What was asked: { flops: f } | { params: f } (fractions kept) | { latencyMs }. */
  readonly requested: Readonly<Record<string, number>>;
  /** The reached value of the requested quantity (fraction kept, or ms). */
  readonly reached: number;
  /** reached / requested − 1: e.g. 0.03 is 3% above the target. */
  readonly relativeError: number;
  /** How the method reached it (which search, how many trials). */
  readonly how: string;
}

export interface PruneMetrics<Settings extends RunSettings = RunSettings> {
  /** A reference task, or null for the user's own data. */
  readonly task: string | null;
  readonly method: string;
  readonly config: Settings;
  readonly runtime: string;
  readonly data: RunData;
  /** The model the user brought, on the test split, before anything changed it. */
  readonly pretrained?: ClassAccuracy;
  /** Per-class test accuracy of the network that was pruned, before pruning and at the end. */
  readonly classAccuracy: { readonly before: readonly (number | null)[]; readonly after: readonly (number | null)[] };
  readonly target?: TargetOutcome;
  readonly before: ModelFigures;
  readonly afterCompaction: { readonly accuracy: number };
  /** Test accuracy after each fine-tuning epoch. */
  readonly fineTuneAccuracy: readonly number[];
  readonly after: ModelFigures;
  readonly groups: { readonly layers: readonly string[]; readonly width: number; readonly kept: number; readonly threshold: number }[];
  readonly channels: { readonly total: number; readonly kept: number };
  readonly network: number;
  readonly networksTrained: { readonly images: number; readonly seconds: number; readonly cached: boolean; readonly testAccuracy: number; readonly polarization: PolarizationReport }[];
  /** Polarization at a size target: the λ search's trial networks other than the one kept, trained here or taken from the cache. */
  readonly searchNetworks?: { readonly trained: number; readonly cached: number };
  readonly stageSeconds: Partial<Record<Stage, number>>;
  readonly seeds: { readonly run: number; readonly annealRestarts?: number[] };
  /** What the user should know about the run: networks whose γ did not polarize, FLOPs left out. */
  readonly warnings: readonly string[];
}

export interface PruneRun<Settings extends RunSettings = RunSettings> {
  readonly model: tfl.LayersModel;
  readonly history: readonly PruningStep[];
  readonly metrics: PruneMetrics<Settings>;
  readonly decision: StructureDecision;
  readonly graph: PruningGraph;
}
