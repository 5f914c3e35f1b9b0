/**
 * A training recipe: plain data (JSON), saved in every checkpoint, so a run can be described,
 * compared and resumed. `resolveRecipe` fills the defaults and rejects what cannot be right, with
 * what to do instead.
 *
 * Defaults follow the published code of both baselines (METHOD.md §2):
 * - Network Slimming (github.com/Eric-mingjie/network-slimming, main.py) and Polarization
 *   (github.com/polarizationpruning/PolarizationPruning, cifar/main.py) both use
 *   `optim.SGD(model.parameters(), lr, momentum=0.9, weight_decay=wd)`: PyTorch adds wd·w to the
 *   gradient of EVERY parameter, BatchNorm γ and β and biases included. So `weightDecayOn`
 *   defaults to 'all'; 'kernels' (conv and dense kernels only) is the common alternative.
 * - the learning rate is divided by 10 at 50% and 75% of the epochs (`--decay-epoch 0.5 0.75`,
 *   milestone = int(epochs · fraction), here at least 1), set once per epoch;
 * - L1 adds λ·sign(γ) to γ's gradient after backward and does not clamp (`updateBN`); the
 *   polarization term is part of the loss, and γ is clamped to [0, 1] after every step
 *   (`bn_sparsity`, `clamp_bn`).
 */

export type OptimizerSpec =
  | {
    readonly kind: 'sgd';
    readonly learningRate: number;
    /** Heavy-ball momentum as in PyTorch: v ← μv + g, w ← w − lr·v (default 0.9). */
    readonly momentum?: number;
    readonly nesterov?: boolean;
  }
  | {
    readonly kind: 'adam';
    readonly learningRate: number;
    readonly beta1?: number;
    readonly beta2?: number;
    /** Default (or null): the backend's epsilon (1e-7 on 'wasm' and 'cpu'), as tfjs does. */
    readonly epsilon?: number | null;
  };

export type ScheduleSpec =
  | {
    readonly kind: 'step';
    /**
     * When to multiply by `factor`: values < 1 are fractions of the epochs (milestone epoch =
     * floor(epochs · value)), values >= 1 are epoch indices, as the reference code reads
     * `--decay-epoch`. Default [0.5, 0.75].
     */
    readonly milestones?: readonly number[];
    /** Default 0.1. */
    readonly factor?: number;
  }
  | {
    readonly kind: 'cosine';
    /** The final learning rate as a fraction of the initial one (default 0). */
    readonly minFactor?: number;
  }
  | { readonly kind: 'constant' };

export type RegularizerSpec =
  | { readonly kind: 'none' }
  /** Network Slimming: R(γ) = Σ|γᵢ|. */
  | { readonly kind: 'l1'; readonly lambda: number }
  /** Polarization: R(γ) = Σᵢ (t·|γᵢ| − |γᵢ − γ̄|), γ̄ the mean of all prunable γ; γ clamped to [0, 1]. */
  | { readonly kind: 'polarization'; readonly lambda: number; readonly t: number };

/** Which weights weight decay (L2 added to the gradient) applies to. */
export type WeightDecayScope = 'all' | 'kernels';

export interface TrainRecipe {
  readonly epochs: number;
  readonly optimizer: OptimizerSpec;
  /** Default: step (÷10 at 50% and 75% of the epochs). */
  readonly schedule?: ScheduleSpec;
  /** L2 coefficient added to the gradient (PyTorch's `weight_decay`); default 0. */
  readonly weightDecay?: number;
  /** Default 'all', as both reference implementations (see above). */
  readonly weightDecayOn?: WeightDecayScope;
  /** Default none. */
  readonly regularizer?: RegularizerSpec;
  /**
   * Sets every prunable γ to this value before the first epoch (not when resuming). Both
   * reference implementations initialise γ to 0.5; leave unset (or null) when the model is built so.
   */
  readonly gammaInit?: number | null;
}

export interface ResolvedRecipe {
  readonly epochs: number;
  readonly optimizer: ResolvedSgd | ResolvedAdam;
  readonly schedule: ScheduleSpec;
  readonly weightDecay: number;
  readonly weightDecayOn: WeightDecayScope;
  readonly regularizer: RegularizerSpec;
  readonly gammaInit: number | null;
}

export interface ResolvedSgd {
  readonly kind: 'sgd';
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
}

export interface ResolvedAdam {
  readonly kind: 'adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  /** null: the backend's epsilon. */
  readonly epsilon: number | null;
}

/** The sensible range of the polarization parameter t (METHOD.md §2): see `validateT`. */
export const POLARIZATION_T_RANGE = Object.freeze({ min: 0, max: 2 });

export class RecipeError extends Error {
  override name = 'RecipeError';
}

function fail(message: string): never {
  throw new RecipeError(message);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * λ must be >= 0 (0 trains without the sparsity term) and at most 1: larger values are almost
 * certainly a typo (5e4 for 5e-4), as the term would swamp the cross-entropy.
 */
export function validateLambda(lambda: unknown, where = 'regularizer.lambda'): number {
  if (!isFiniteNumber(lambda) || lambda < 0) {
    fail(`${where} must be a finite number >= 0 (got ${String(lambda)}); typical values are 1e-5 to 1e-3`);
  }
  if (lambda > 1) {
    fail(`${where} = ${lambda} is larger than 1, which would swamp the data loss; typical values are 1e-5 to 1e-3`);
  }
  return lambda;
}

/**
 * t must lie strictly between 0 and 2. With the regularizer alone, a fraction ½ − t/4 of the γ
 * go to the upper value a and the rest to 0 (Zhuang et al. 2020, Theorem 1): t <= 0 makes no γ
 * sparse, t >= 2 sends every γ to 0 (an L1 penalty). The reference values are 1.2 to 1.5.
 */
export function validateT(t: unknown, where = 'regularizer.t'): number {
  if (!isFiniteNumber(t) || t <= POLARIZATION_T_RANGE.min || t >= POLARIZATION_T_RANGE.max) {
    fail(
      `${where} must lie strictly between ${POLARIZATION_T_RANGE.min} and ${POLARIZATION_T_RANGE.max} ` +
      `(got ${String(t)}): t <= 0 makes nothing sparse, t >= 2 pushes every γ to 0; the reference values are 1.2 to 1.5`,
    );
  }
  return t;
}

function positive(value: unknown, where: string, hint: string): number {
  if (!isFiniteNumber(value) || value <= 0) fail(`${where} must be a finite number > 0 (got ${String(value)}); ${hint}`);
  return value;
}

function inUnitInterval(value: unknown, where: string, closedAtOne: boolean): number {
  if (!isFiniteNumber(value) || value < 0 || (closedAtOne ? value > 1 : value >= 1)) {
    fail(`${where} must lie in [0, 1${closedAtOne ? ']' : ')'} (got ${String(value)})`);
  }
  return value;
}

function resolveOptimizer(spec: OptimizerSpec | undefined): ResolvedRecipe['optimizer'] {
  if (spec === undefined || spec === null || typeof spec !== 'object') {
    fail("recipe.optimizer is missing: give { kind: 'sgd', learningRate: 0.1, momentum: 0.9 } or { kind: 'adam', learningRate: 1e-3 }");
  }
  const learningRate = positive(spec.learningRate, 'recipe.optimizer.learningRate', 'e.g. 0.1 for SGD, 1e-3 for Adam');
  if (spec.kind === 'sgd') {
    return {
      kind: 'sgd',
      learningRate,
      momentum: inUnitInterval(spec.momentum ?? 0.9, 'recipe.optimizer.momentum', false),
      nesterov: spec.nesterov ?? false,
    };
  }
  if (spec.kind === 'adam') {
    const epsilon = spec.epsilon ?? null;
    if (epsilon !== null) positive(epsilon, 'recipe.optimizer.epsilon', 'e.g. 1e-7');
    return {
      kind: 'adam',
      learningRate,
      beta1: inUnitInterval(spec.beta1 ?? 0.9, 'recipe.optimizer.beta1', false),
      beta2: inUnitInterval(spec.beta2 ?? 0.999, 'recipe.optimizer.beta2', false),
      epsilon,
    };
  }
  return fail(`recipe.optimizer.kind must be 'sgd' or 'adam' (got ${String((spec as { kind?: unknown }).kind)})`);
}

function resolveSchedule(spec: ScheduleSpec | undefined): ScheduleSpec {
  const schedule = spec ?? { kind: 'step' };
  switch (schedule.kind) {
    case 'step': {
      const milestones = schedule.milestones ?? [0.5, 0.75];
      for (const m of milestones) {
        if (!isFiniteNumber(m) || m <= 0) {
          fail(`recipe.schedule.milestones must be fractions in (0, 1) or epoch indices >= 1 (got ${String(m)})`);
        }
      }
      const factor = schedule.factor ?? 0.1;
      if (!isFiniteNumber(factor) || factor <= 0 || factor > 1) {
        fail(`recipe.schedule.factor must lie in (0, 1] (got ${String(factor)}); the reference divides by 10 (0.1)`);
      }
      return { kind: 'step', milestones: [...milestones], factor };
    }
    case 'cosine':
      return { kind: 'cosine', minFactor: inUnitInterval(schedule.minFactor ?? 0, 'recipe.schedule.minFactor', true) };
    case 'constant':
      return { kind: 'constant' };
    default:
      return fail(`recipe.schedule.kind must be 'step', 'cosine' or 'constant' (got ${String((schedule as { kind?: unknown }).kind)})`);
  }
}

function resolveRegularizer(spec: RegularizerSpec | undefined): RegularizerSpec {
  const regularizer = spec ?? { kind: 'none' };
  switch (regularizer.kind) {
    case 'none':
      return { kind: 'none' };
    case 'l1':
      return { kind: 'l1', lambda: validateLambda(regularizer.lambda) };
    case 'polarization':
      return { kind: 'polarization', lambda: validateLambda(regularizer.lambda), t: validateT(regularizer.t) };
    default:
      return fail(
        `recipe.regularizer.kind must be 'none', 'l1' or 'polarization' (got ${String((regularizer as { kind?: unknown }).kind)})`,
      );
  }
}

/** Fills the defaults and validates; throws a RecipeError that says what to change. */
export function resolveRecipe(recipe: TrainRecipe): ResolvedRecipe {
  if (recipe === null || typeof recipe !== 'object') fail('the recipe must be an object (see TrainRecipe)');
  const { epochs } = recipe;
  if (!Number.isInteger(epochs) || epochs < 1) {
    fail(`recipe.epochs must be a whole number >= 1 (got ${String(epochs)})`);
  }
  const weightDecay = recipe.weightDecay ?? 0;
  if (!isFiniteNumber(weightDecay) || weightDecay < 0) {
    fail(`recipe.weightDecay must be a finite number >= 0 (got ${String(weightDecay)}); the references use 1e-4 to 5e-4`);
  }
  const weightDecayOn = recipe.weightDecayOn ?? 'all';
  if (weightDecayOn !== 'all' && weightDecayOn !== 'kernels') {
    fail(`recipe.weightDecayOn must be 'all' or 'kernels' (got ${String(weightDecayOn)})`);
  }
  const gammaInit = recipe.gammaInit ?? null;
  if (gammaInit !== null && !isFiniteNumber(gammaInit)) {
    fail(`recipe.gammaInit must be a finite number (got ${String(gammaInit)}); the references use 0.5`);
  }
  const regularizer = resolveRegularizer(recipe.regularizer);
  if (regularizer.kind === 'polarization' && gammaInit !== null && (gammaInit < 0 || gammaInit > 1)) {
    fail(`recipe.gammaInit = ${gammaInit} lies outside [0, 1], where polarization clamps γ; use 0.5`);
  }
  return {
    epochs,
    optimizer: resolveOptimizer(recipe.optimizer),
    schedule: resolveSchedule(recipe.schedule),
    weightDecay,
    weightDecayOn,
    regularizer,
    gammaInit,
  };
}

/** Paths of the fields where two resolved recipes differ (for resume checks). */
export function recipeDifferences(a: unknown, b: unknown, path = 'recipe'): string[] {
  if (Object.is(a, b)) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return [path];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const out: string[] = [];
  for (const key of keys) {
    out.push(...recipeDifferences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`));
  }
  return out;
}
