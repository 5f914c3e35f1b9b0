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
  readonly task: string;
  readonly method: string;
  readonly structureFrom: string;
  readonly networks: number;
  readonly sampling: string;
  readonly fineTuneEpochs: number;
  readonly fineTuneLearningRate?: number | undefined;
  readonly fadeEpochs: number;
  readonly distill: { readonly temperature: number; readonly weight: number } | null;
}

export interface PruneMetrics<Settings extends RunSettings = RunSettings> {
  readonly task: string;
  readonly method: string;
  readonly config: Settings;
  readonly runtime: string;
  readonly before: ModelFigures;
  readonly afterCompaction: { readonly accuracy: number };
  /** Test accuracy after each fine-tuning epoch. */
  readonly fineTuneAccuracy: readonly number[];
  readonly after: ModelFigures;
  readonly groups: { readonly layers: readonly string[]; readonly width: number; readonly kept: number; readonly threshold: number }[];
  readonly channels: { readonly total: number; readonly kept: number };
  readonly network: number;
  readonly networksTrained: { readonly images: number; readonly seconds: number; readonly cached: boolean; readonly testAccuracy: number; readonly polarization: PolarizationReport }[];
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
