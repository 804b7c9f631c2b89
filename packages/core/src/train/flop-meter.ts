/**
 * The FLOP meter: training FLOP spent so far in the same accounting the planner used to choose the
 * recipe (docs/flops.md: per-token cost × real tokens; padding is not counted), and the
 * budget check the trainer makes before each step. A step whose cost would take the total past the
 * budget is not run, so a run never spends more than it was given.
 *
 * `detailed` accounting has a term in the sequence length T; each call may pass the T of the batch
 * actually run (the trainer passes the mean of the batch's Tq and Tp, which varies with per-batch
 * shapes), defaulting to the meter's `sequenceLength`.
 *
 * Not a profiler: it counts what the accounting says, not what the backend executed (the trainer
 * reports that beside it, from `countGraphFlops` on each executed graph).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { FineTuningMethod } from '../methods/method.js';
import { type FlopAccounting, perTokenFlops, resolveFlopOptions } from '../flops/training-flops.js';

export interface FlopMeter {
  /** FLOP per real training token under the accounting. */
  readonly perToken: number;
  readonly budget: number;
  /** FLOP spent so far. */
  readonly used: number;
  /** The cost of a step over `tokens` real tokens (padded to sequence length T, for `detailed`). */
  cost(tokens: number, sequenceLength?: number): number;
  /** Whether a step over `tokens` tokens still fits in the budget. */
  fits(tokens: number, sequenceLength?: number): boolean;
  add(tokens: number, sequenceLength?: number): void;
}

export interface FlopMeterOptions {
  /** Default `paper`. */
  readonly accounting?: FlopAccounting;
  /** T for `detailed` accounting's attention term. */
  readonly sequenceLength?: number;
  /** FLOP already spent (a resumed run). Default 0. */
  readonly used?: number;
  /** Default +∞ (no budget). */
  readonly budget?: number;
}

export function createFlopMeter(arch: ModelArchitecture, method: FineTuningMethod, options: FlopMeterOptions = {}): FlopMeter {
  const resolved = resolveFlopOptions({
    ...(options.accounting !== undefined ? { accounting: options.accounting } : {}),
    ...(options.sequenceLength !== undefined ? { sequenceLength: options.sequenceLength } : {}),
  });
  const perToken = perTokenFlops(arch, method, resolved).total;
  // `paper` has no T term: every T costs the same, so only `detailed` recomputes.
  const perTokenAt = (T: number | undefined) =>
    T === undefined || T === resolved.sequenceLength || resolved.accounting === 'paper' ? perToken : perTokenFlops(arch, method, { ...resolved, sequenceLength: T }).total;
  const budget = options.budget ?? Number.POSITIVE_INFINITY;
  let used = options.used ?? 0;
  return {
    perToken,
    budget,
    get used() {
      return used;
    },
    cost: (tokens, T) => perTokenAt(T) * tokens,
    fits: (tokens, T) => used + perTokenAt(T) * tokens <= budget,
    add: (tokens, T) => {
      used += perTokenAt(T) * tokens;
    },
  };
}
