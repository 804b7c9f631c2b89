/**
 * Per-method throughput factors measured from a ledger's wall-clock seconds: the achieved training
 * FLOP/s of each method (paper accounting ÷ seconds × GPU count), as a ratio to full fine-tuning's,
 * median over runs. This is what `optimalRecipe(..., { throughput })` takes, so GPU-hour budgets
 * reflect that LoRA saves FLOP but not always time. Not a profiler.
 *
 * Runs on different hardware do not compare; pass runs of one GPU type (the error says so when the
 * ledger mixes them).
 */
import { ValidationError } from '../errors.js';
import { toObservation } from './ledger.js';
import { FitError } from './fit-errors.js';
import type { Observation } from './ledger.js';
import { perTokenFlops } from '../flops/training-flops.js';
import { METHOD_KINDS, type MethodKind } from '../methods/method.js';

export interface MeasuredThroughput {
  /** Factors relative to full fine-tuning (full = 1). */
  readonly factors: Partial<Record<MethodKind, number>>;
  /** Median achieved FLOP/s per GPU, per method. */
  readonly flopsPerSecond: Partial<Record<MethodKind, number>>;
  /** Runs with seconds that entered, per method. */
  readonly runs: Partial<Record<MethodKind, number>>;
}

export function measuredThroughput(input: readonly Observation[]): MeasuredThroughput {
  if (!Array.isArray(input)) throw new ValidationError('observations', input, 'an array of runs (what parseLedger returns)');
  const observations = input.map((o, i) => toObservation(o, `observations.${i}`));
  const timed = observations.filter((o) => o.seconds !== undefined);
  const gpus = new Set(timed.map((o) => o.hardware?.gpu ?? 'unstated'));
  if (gpus.size > 1) throw new FitError(`runs with seconds ran on different hardware (${[...gpus].join(', ')}); measure throughput on one GPU type at a time`);
  const perMethod: Partial<Record<MethodKind, number[]>> = {};
  for (const o of timed) {
    const flop = perTokenFlops(o.model, o.method, { accounting: 'paper', sequenceLength: 75 }).total * o.tokens;
    (perMethod[o.method.kind] ??= []).push(flop / (o.seconds! * (o.hardware?.count ?? 1)));
  }
  const full = perMethod.full;
  if (!full) throw new FitError('measuring throughput needs timed runs of full fine-tuning: factors are relative to it');
  const base = median(full);
  const factors: Partial<Record<MethodKind, number>> = {};
  const flopsPerSecond: Partial<Record<MethodKind, number>> = {};
  const runs: Partial<Record<MethodKind, number>> = {};
  for (const k of METHOD_KINDS) {
    const xs = perMethod[k];
    if (!xs) continue;
    flopsPerSecond[k] = median(xs);
    factors[k] = median(xs) / base;
    runs[k] = xs.length;
  }
  return { factors, flopsPerSecond, runs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
