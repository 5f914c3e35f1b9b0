/**
 * Learning-rate schedules as pure functions of (epoch, epochs): the factor that multiplies the
 * initial learning rate during 0-based `epoch`. Evaluated once per epoch, as the reference code
 * does (`adjust_learning_rate` at the start of each epoch), so that a resumed run sees the same
 * rates as a straight one.
 */
import type { ScheduleSpec } from './recipe.ts';

/**
 * Step decay: `factor` per milestone passed. A milestone below 1 is a fraction of the epochs
 * (epoch floor(epochs · m)), one of 1 or more an epoch index, as the reference's `--decay-epoch`.
 * Default: ÷10 at 50% and 75% (Network Slimming, Polarization). One deviation: a fractional
 * milestone is never before epoch 1, so a run of 1 epoch still trains at the initial rate (the
 * reference would start it at lr/100).
 */
export function stepDecay(epoch: number, epochs: number, milestones: readonly number[] = [0.5, 0.75], factor = 0.1): number {
  let multiplier = 1;
  for (const m of milestones) {
    const at = m < 1 ? Math.max(1, Math.floor(epochs * m)) : Math.floor(m);
    if (epoch >= at) multiplier *= factor;
  }
  return multiplier;
}

/** Cosine annealing from 1 at epoch 0 towards `minFactor` at epoch `epochs` (never reached). */
export function cosineDecay(epoch: number, epochs: number, minFactor = 0): number {
  return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs));
}

export function constantRate(): number {
  return 1;
}

/** The factor of a schedule given as data (a recipe's `schedule`). */
export function scheduleFactor(schedule: ScheduleSpec, epoch: number, epochs: number): number {
  switch (schedule.kind) {
    case 'step':
      return stepDecay(epoch, epochs, schedule.milestones, schedule.factor);
    case 'cosine':
      return cosineDecay(epoch, epochs, schedule.minFactor);
    case 'constant':
      return constantRate();
  }
}

/** The learning rate of 0-based `epoch`: the initial rate times the schedule's factor. */
export function learningRateAt(initial: number, schedule: ScheduleSpec, epoch: number, epochs: number): number {
  return initial * scheduleFactor(schedule, epoch, epochs);
}
