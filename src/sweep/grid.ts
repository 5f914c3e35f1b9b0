/**
 * A sweep's grid as plain data (a JSON file or flags): tasks or models, method variants, seeds,
 * targets and λ, every combination one cell, each cell one `prune()` config. `expandGrid` checks
 * the grid and resolves every cell's config now, so a bad value is refused before any training.
 */
import { REFERENCE_TASKS, type ReferenceTask } from '../model/index.ts';
import { resolveConfig, type PruneConfig, type PruneMethod, type PruneTarget } from '../pipeline/config.ts';

/** A method, or a variant of one: a label and the config fields it sets (e.g. structureFrom). */
export type SweepVariant = PruneMethod | ({ readonly label?: string; readonly method: PruneMethod } & Omit<PruneConfig, 'seed' | 'target' | 'task' | 'model'>);

export interface SweepGrid {
  /** Reference tasks (default ['mnist-lenet']). */
  readonly tasks?: readonly ReferenceTask[];
  /** model.json files of your own, each pruned on every task's data and recipe (default: the tasks' networks). */
  readonly models?: readonly string[];
  readonly methods: readonly SweepVariant[];
  readonly seeds: readonly number[];
  /** Sizes to prune to (null: the method's own thresholds); default [null]. */
  readonly targets?: readonly (PruneTarget | null)[];
  /** λ values (null: the recipe's); default [null]. */
  readonly lambdas?: readonly (number | null)[];
  /** Settings every cell shares: the budget (trainImages, epochs, …), networks, restarts. */
  readonly base?: Omit<PruneConfig, 'seed' | 'target' | 'task' | 'model' | 'method'>;
}

/** What a cell is, for tables: its place in the grid. */
export interface CellCoordinates {
  readonly task: ReferenceTask;
  readonly model: string | null;
  readonly method: string;
  readonly target: PruneTarget | null;
  readonly lambda: number | null;
  readonly seed: number;
}

export interface SweepCell extends CellCoordinates {
  /** The hash of its resolved config (cellIdentity): the name of its result. */
  readonly id: string;
  readonly config: PruneConfig;
}

export function variantLabel(v: SweepVariant): string {
  if (typeof v === 'string') return v;
  if (v.label !== undefined) return v.label;
  return v.method === 'contrast-sa' && v.structureFrom !== undefined ? `contrast-sa (${v.structureFrom})` : v.method;
}

function nonEmpty<T>(name: string, xs: readonly T[] | undefined, fallback: readonly T[]): readonly T[] {
  const list = xs ?? fallback;
  if (!Array.isArray(list) || list.length === 0) throw new RangeError(`the sweep grid's ${name} must be a non-empty list`);
  return list;
}

/** The cells of a grid, in a fixed order (seed, task, model, method, target, λ); ids from `identify`. */
export async function expandGrid(grid: SweepGrid, identify: (config: PruneConfig) => Promise<string>): Promise<SweepCell[]> {
  if (typeof grid !== 'object' || grid === null) throw new TypeError('a sweep grid is an object: { methods, seeds, tasks?, models?, targets?, lambdas?, base? }');
  const tasks = nonEmpty<ReferenceTask>('tasks', grid.tasks, ['mnist-lenet']);
  for (const t of tasks) if (!REFERENCE_TASKS.includes(t)) throw new RangeError(`unknown task '${String(t)}' in the sweep grid; choose among ${REFERENCE_TASKS.join(', ')}`);
  const models = grid.models === undefined ? [null] : nonEmpty('models', grid.models, []);
  const methods = nonEmpty('methods', grid.methods, []);
  const seeds = nonEmpty('seeds', grid.seeds, []);
  const targets = nonEmpty('targets', grid.targets, [null]);
  const lambdas = nonEmpty('lambdas', grid.lambdas, [null]);
  const cells: SweepCell[] = [];
  const seen = new Map<string, string>();
  // Seed outermost: a sweep stopped part way has every method at its first seeds, so its paired
  // comparisons are usable, and a seed's cells that share networks run one after the other.
  for (const seed of seeds) for (const task of tasks) for (const model of models) for (const variant of methods) for (const target of targets) for (const lambda of lambdas) {
    const { label: _label, ...fields } = typeof variant === 'string' ? { method: variant } : variant;
    const config: PruneConfig = {
      ...grid.base, ...fields, task, seed,
      ...(model !== null && { model }),
      ...(target !== null && { target }),
      ...(lambda !== null && { lambda }),
    };
    resolveConfig(config); // refuses a bad cell now, with the field and what to do
    const coordinates: CellCoordinates = { task, model, method: variantLabel(variant), target, lambda, seed };
    const id = await identify(config);
    const twin = seen.get(id);
    if (twin !== undefined) {
      throw new RangeError(`two cells of the sweep grid are the same run (${twin} and ${describeCell(coordinates)}): give each method variant settings of its own, or drop one`);
    }
    seen.set(id, describeCell(coordinates));
    cells.push({ id, ...coordinates, config });
  }
  return cells;
}

export function targetText(target: PruneTarget | null): string {
  if (target === null) return 'own';
  if ('flops' in target) return `flops=${target.flops}`;
  if ('params' in target) return `params=${target.params}`;
  return `latency=${target.latencyMs}ms`;
}

export function describeCell(c: CellCoordinates): string {
  return [c.task, ...(c.model === null ? [] : [c.model]), c.method, targetText(c.target), ...(c.lambda === null ? [] : [`λ=${c.lambda}`]), `seed ${c.seed}`].join(' · ');
}
