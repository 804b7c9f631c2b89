/**
 * The paper's learning-rate schedule: linear warm-up over the first 10% of steps, then cosine decay
 * to 0 (the paper's training setup). Written exactly as the golden fixtures' generator
 * (tools/golden/make_golden.py, `manifest.schedule`) computes it, for a 0-based step i of S steps:
 *
 *   W    = max(1, round(warmupFraction · S))          round = Python's round: halves go to even
 *   i < W:  lr_i = peak · (i + 1) / W
 *   i ≥ W:  lr_i = peak · ½ · (1 + cos(π · (i − W) / (S − W)))
 *
 * The `(i + 1)` means step 0 already trains (HF's get_cosine_schedule_with_warmup starts at 0), and
 * the last step runs just above 0. Pure functions of their arguments; not an optimiser.
 */
import { z } from 'zod';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';

export interface LearningRateOptions {
  /** Peak learning rate (reached at the end of warm-up). The paper's configs use 1e-3. */
  readonly peak: number;
  /** Fraction of the steps spent warming up. Default 0.1. */
  readonly warmupFraction?: number;
}

export const DEFAULT_WARMUP_FRACTION = 0.1;

const OptionsSchema = z
  .object({
    peak: positiveNumber('(peak learning rate)'),
    warmupFraction: z
      .number(expect('a number in [0, 1]'))
      .refine((x) => x >= 0 && x <= 1, { error: 'a number in [0, 1]' })
      .default(DEFAULT_WARMUP_FRACTION),
  })
  .strict();

/** W = max(1, round(fraction · S)) with Python's round-half-to-even (round(2.5) = 2), as the fixtures. */
export function warmupSteps(totalSteps: number, warmupFraction = DEFAULT_WARMUP_FRACTION): number {
  const S = validate(integerAtLeast(1, '(total steps)'), totalSteps, 'totalSteps');
  const f = validate(OptionsSchema.shape.warmupFraction, warmupFraction, 'warmupFraction');
  return Math.max(1, roundHalfEven(f * S));
}

/** The learning rate of 0-based `step` of a `totalSteps`-step run (formula in the file header). */
export function learningRate(step: number, totalSteps: number, options: LearningRateOptions): number {
  const S = validate(integerAtLeast(1, '(total steps)'), totalSteps, 'totalSteps');
  const i = validate(integerAtLeast(0, `(a step index below totalSteps = ${S})`).refine((x) => x < S, { error: `an integer in 0..${S - 1}` }), step, 'step');
  const { peak, warmupFraction } = validate(OptionsSchema, options, 'options');
  const W = Math.max(1, roundHalfEven(warmupFraction * S));
  if (i < W) return (peak * (i + 1)) / W;
  const progress = (i - W) / (S - W);
  return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** Python 3's round(): nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
