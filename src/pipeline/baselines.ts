/**
 * The runs of `--baselines`: the main run, then (for contrast-sa) the other structure variants of
 * METHOD.md §7, then the classic baselines Polarization and Network Slimming, all on the same
 * data, seed and budget.
 *
 * λ and t belong to a regularizer. The main run's `lambda` (and `t`) are its own method's: the
 * polarization λ for contrast-sa and Polarization, the L1 λ for Network Slimming. So a baseline of
 * the other kind does not inherit them: it keeps its task recipe's λ, or takes the one given for
 * it (`slimmingLambda` for Network Slimming): one `--lambda` for both would make a polarization
 * study with `--baselines` silently change Slimming's regularizer too.
 */
import { PRUNE_METHODS, STRUCTURE_TARGETS, trainsWholeSetNetwork, type PruneConfig } from './config.ts';

export interface BaselineOptions {
  /** Network Slimming's L1 λ when it runs as a baseline of a polarization-based run (default: its task recipe's). */
  readonly slimmingLambda?: number;
}

export function baselineConfigs(main: PruneConfig, options: BaselineOptions = {}): PruneConfig[] {
  const method = main.method ?? 'contrast-sa';
  const configs: PruneConfig[] = [main];
  if (method === 'contrast-sa') {
    const structureFrom = main.structureFrom ?? 'full';
    const { wholeSetLambda: _wholeSetLambda, ...withoutWholeSet } = main;
    for (const s of STRUCTURE_TARGETS.filter((x) => x !== structureFrom)) {
      // The whole-set λ goes only to a variant that trains a whole-set network.
      configs.push({ ...(trainsWholeSetNetwork(method, s) ? main : withoutWholeSet), structureFrom: s });
    }
  }
  const { lambda: _lambda, t: _t, structureFrom: _structureFrom, wholeSetLambda: _ws, ...shared } = main;
  for (const m of PRUNE_METHODS.filter((x) => x !== method && x !== 'contrast-sa')) {
    if (m === 'slimming') {
      // L1 has no t; its λ is its own.
      configs.push({ ...shared, method: m, ...(options.slimmingLambda !== undefined && { lambda: options.slimmingLambda }) });
    } else {
      // Polarization: the main run's λ and t when it is polarization-based too, else its recipe's.
      const ownRegularizer = method !== 'slimming';
      configs.push({
        ...shared, method: m,
        ...(ownRegularizer && main.lambda !== undefined && { lambda: main.lambda }),
        ...(main.t !== undefined && { t: main.t }),
      });
    }
  }
  return configs;
}
