/**
 * Searching λ (then t) for a target FLOPs reduction: our reading of Zhuang et al. 2020,
 * Algorithm 1 ("Search for hyper-parameters of Polarization Pruning": a binary search on λ at a
 * fixed t, then steps on t). The driver only decides which (λ, t) to try next; the caller's
 * `trainAndMeasure(λ, t)` sparsity-trains, thresholds and returns the kept widths, and the
 * caller's `flops(widths)` prices them, so the driver is tested with a fake trainer.
 *
 * It assumes that the reduction 1 − flops(widths)/flops(fullWidths) grows with λ and with t
 * (more sparsity pressure prunes more; Theorem 1 of the paper: a fraction ½ − t/4 of the γ stays
 * up). Real training is noisy, so a non-monotone answer only narrows the bracket wrongly; every
 * trial is recorded, and the closest one wins.
 *
 * Phase 1, λ at t = t₀: try the initial λ; step it by ×`growth` (or ÷) until the reduction crosses
 * the target (or the λ range ends), then bisect geometrically (√(lo·hi)) until a trial lands within
 * the tolerance or hi/lo <= `lambdaRatio`.
 * Phase 2, t at the best λ: step t by ±`tStep` towards the target, inside `tRange`, until a trial
 * lands within the tolerance or the reduction crosses the target (the closer of the two wins).
 * Both phases stop at `maxTrials` trainings.
 */
import { POLARIZATION_T_RANGE } from './recipe.ts';

export interface MeasuredWidths {
  /** Kept channels per prunable group, in the order of `fullWidths`. */
  readonly widths: readonly number[];
}

export interface LambdaSearchOptions<R extends MeasuredWidths> {
  /** The FLOPs reduction to reach, a fraction in (0, 1) (0.5: half the multiply-adds removed). */
  readonly targetReduction: number;
  /** Accept a trial within this absolute distance of the target (default 0.02). */
  readonly tolerance?: number;
  /** The unpruned widths of the prunable groups. */
  readonly fullWidths: readonly number[];
  /** Multiply-adds of one image at these widths. */
  readonly flops: (widths: readonly number[]) => number;
  /** Sparsity-trains with (λ, t), prunes, and returns the kept widths (plus anything to keep). */
  readonly trainAndMeasure: (lambda: number, t: number) => Promise<R>;
  /** Default 1e-4. */
  readonly initialLambda?: number;
  /** Search bounds of λ (default [1e-6, 1e-2]). */
  readonly lambdaRange?: readonly [number, number];
  /** t during phase 1 (default 1.2, the low end of the reference values). */
  readonly t?: number;
  /** Bracketing factor (default 4). */
  readonly growth?: number;
  /** Stop bisecting when hi/lo is at most this (default 1.25). */
  readonly lambdaRatio?: number;
  /** Default 0.1. */
  readonly tStep?: number;
  /** Bounds of t in phase 2 (default [0.8, 1.8], inside the sensible (0, 2)). */
  readonly tRange?: readonly [number, number];
  /** Most trainings in total (default 10). */
  readonly maxTrials?: number;
  /** After every trial. */
  readonly onTrial?: (trial: LambdaTrial<R>) => void;
}

export interface LambdaTrial<R> {
  readonly phase: 'lambda' | 't';
  readonly lambda: number;
  readonly t: number;
  readonly widths: readonly number[];
  readonly flops: number;
  /** 1 − flops / flops(fullWidths). */
  readonly reduction: number;
  readonly result: R;
}

export interface LambdaSearchResult<R> {
  /** The trial closest to the target (the first of equals). */
  readonly best: LambdaTrial<R>;
  /** Whether `best` lies within the tolerance. */
  readonly reached: boolean;
  readonly trials: readonly LambdaTrial<R>[];
  /** Why the search stopped. */
  readonly reason: string;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`searchLambda: ${message}`);
}

export async function searchLambda<R extends MeasuredWidths>(options: LambdaSearchOptions<R>): Promise<LambdaSearchResult<R>> {
  const {
    targetReduction: target, tolerance = 0.02, fullWidths, flops, trainAndMeasure,
    initialLambda = 1e-4, lambdaRange = [1e-6, 1e-2], t: t0 = 1.2, growth = 4, lambdaRatio = 1.25,
    tStep = 0.1, tRange = [0.8, 1.8], maxTrials = 10, onTrial,
  } = options;
  check(target > 0 && target < 1, `targetReduction must lie in (0, 1) (got ${target})`);
  check(tolerance > 0 && tolerance < 0.5, `tolerance must lie in (0, 0.5) (got ${tolerance})`);
  check(fullWidths.length > 0 && fullWidths.every((w) => Number.isInteger(w) && w > 0), 'fullWidths must be whole numbers > 0');
  const fullFlops = flops(fullWidths);
  check(Number.isFinite(fullFlops) && fullFlops > 0, `flops(fullWidths) must be > 0 (got ${fullFlops})`);
  const [lambdaMin, lambdaMax] = lambdaRange;
  check(lambdaMin > 0 && lambdaMax > lambdaMin, `lambdaRange must be [min, max] with 0 < min < max (got [${lambdaRange}])`);
  check(initialLambda >= lambdaMin && initialLambda <= lambdaMax, `initialLambda ${initialLambda} lies outside lambdaRange [${lambdaRange}]`);
  check(growth > 1 && lambdaRatio > 1, 'growth and lambdaRatio must be > 1');
  const [tMin, tMax] = tRange;
  check(
    tMin > POLARIZATION_T_RANGE.min && tMax < POLARIZATION_T_RANGE.max && tMin <= t0 && t0 <= tMax,
    `need ${POLARIZATION_T_RANGE.min} < tRange[0] <= t <= tRange[1] < ${POLARIZATION_T_RANGE.max} (got t ${t0}, tRange [${tRange}])`,
  );
  check(tStep > 0, `tStep must be > 0 (got ${tStep})`);
  check(Number.isInteger(maxTrials) && maxTrials >= 1, `maxTrials must be a whole number >= 1 (got ${maxTrials})`);

  const trials: LambdaTrial<R>[] = [];
  const distance = (trial: LambdaTrial<R>): number => Math.abs(trial.reduction - target);
  const within = (trial: LambdaTrial<R>): boolean => distance(trial) <= tolerance;
  const best = (): LambdaTrial<R> => trials.reduce((a, b) => (distance(b) < distance(a) ? b : a));
  const finish = (reason: string): LambdaSearchResult<R> => {
    const winner = best();
    return { best: winner, reached: within(winner), trials, reason };
  };
  const measure = async (phase: 'lambda' | 't', lambda: number, t: number): Promise<LambdaTrial<R>> => {
    const result = await trainAndMeasure(lambda, t);
    const widths = [...result.widths];
    check(
      widths.length === fullWidths.length && widths.every((w, i) => Number.isInteger(w) && w >= 0 && w <= fullWidths[i]!),
      `trainAndMeasure(${lambda}, ${t}) returned widths [${widths}], not ${fullWidths.length} whole numbers within [${fullWidths}]`,
    );
    const cost = flops(widths);
    const trial = { phase, lambda, t, widths, flops: cost, reduction: 1 - cost / fullFlops, result };
    trials.push(trial);
    onTrial?.(trial);
    return trial;
  };
  const budgetLeft = (): boolean => trials.length < maxTrials;

  // Phase 1: bracket λ, then bisect it geometrically.
  let trial = await measure('lambda', initialLambda, t0);
  if (within(trial)) return finish('λ reached the target');
  let lo: number | undefined;
  let hi: number | undefined;
  if (trial.reduction < target) lo = initialLambda;
  else hi = initialLambda;
  let phase1 = '';
  while (lo === undefined || hi === undefined) {
    if (!budgetLeft()) return finish('trial budget spent while bracketing λ');
    const next = lo !== undefined ? Math.min(lo * growth, lambdaMax) : Math.max(hi! / growth, lambdaMin);
    if ((lo !== undefined && lo >= lambdaMax) || (hi !== undefined && hi <= lambdaMin)) {
      phase1 = `λ range [${lambdaRange}] ends before the target`;
      break;
    }
    trial = await measure('lambda', next, t0);
    if (within(trial)) return finish('λ reached the target');
    if (trial.reduction < target) lo = next;
    else hi = next;
  }
  if (!phase1) {
    while (hi! / lo! > lambdaRatio) {
      if (!budgetLeft()) return finish('trial budget spent while bisecting λ');
      const mid = Math.sqrt(lo! * hi!);
      trial = await measure('lambda', mid, t0);
      if (within(trial)) return finish('λ reached the target');
      if (trial.reduction < target) lo = mid;
      else hi = mid;
    }
    phase1 = 'λ bracket narrowed without reaching the target';
  }

  // Phase 2: steps on t at the best λ so far.
  const start = best();
  const direction = start.reduction < target ? 1 : -1;
  let t = start.t;
  while (budgetLeft()) {
    t = Math.round((t + direction * tStep) * 1e9) / 1e9;
    if (t < tMin || t > tMax) return finish(`${phase1}; t range [${tRange}] ends before the target`);
    trial = await measure('t', start.lambda, t);
    if (within(trial)) return finish('t reached the target');
    if ((trial.reduction - target) * direction > 0) return finish(`${phase1}; the target lies between two steps of t`);
  }
  return finish(`${phase1}; trial budget spent while stepping t`);
}
