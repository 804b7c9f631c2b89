/**
 * The trainer's settings in ONE schema: every option that shapes the trajectory of a run (the
 * schedule, the optimiser, the method, the batch shape, the dtype, the head, padding, the seed).
 * Everything else is derived from it, so a new setting cannot be forgotten in one place:
 *
 *   - the options the trainer validates (`TrainerSettingsInputSchema`: the same fields, defaults filled);
 *   - the run state in every checkpoint (`TrainerStateSchema` = settings + progress, in checkpoint.ts);
 *   - the resume check (`checkResumeSettings` compares every key of the schema and names each that differs).
 *
 * Run controls that do not change what a step computes — FLOP budget, max steps, epochs, checkpoint
 * and loss cadence, residency — are not settings: a resumed run may change them. Not the trainer loop.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { HeadOptionsSchema } from '../model/head-options.js';
import { DEFAULT_INVERSE_TEMPERATURE } from '../model/info-nce.js';
import { DEFAULT_LOSS_SCALE } from '../model/training-graph.js';
import { FineTuningMethodSchema } from '../methods/method.js';
import { expect, integerAtLeast, positiveNumber } from '../validate.js';
import { AdamWOptionsSchema, DEFAULT_ADAMW } from './adamw.js';
import { DEFAULT_WARMUP_FRACTION } from './learning-rate.js';

const head = HeadOptionsSchema.shape;

/** Each setting without a default; the state stores every one. */
export const TrainerSettingsSchema = z
  .object({
    /** S: the schedule's length in steps. */
    steps: integerAtLeast(1, '(schedule steps)'),
    peakLearningRate: positiveNumber('(peak learning rate)'),
    warmupFraction: z.number(expect('a number in [0, 1]')).min(0).max(1),
    optimizer: z.object({ weightDecay: z.number(), beta1: z.number(), beta2: z.number(), eps: z.number() }).strict(),
    method: FineTuningMethodSchema,
    loraEmbedIn: z.boolean(expect('a boolean')),
    batch: z.object({ B: integerAtLeast(1, '(pairs per batch)'), Tq: integerAtLeast(1, '(query tokens)'), Tp: integerAtLeast(1, '(positive tokens)') }).strict(),
    dtype: z.enum(['f32', 'f64'], expect('"f32" or "f64"')),
    /** What the forward and backward compute in: `dtype`, or f16 with f32 master weights and moments. */
    computeDtype: z.enum(['f16', 'f32', 'f64'], expect('"f16", "f32" or "f64"')),
    /** The static loss scale of f16 compute; null otherwise. */
    lossScale: positiveNumber('(loss scale)').nullable(),
    accounting: z.enum(['paper', 'detailed'], expect('"paper" or "detailed"')),
    pooling: head.pooling.unwrap(),
    inverseTemperature: head.inverseTemperature.unwrap(),
    padId: integerAtLeast(0, '(pad id)'),
    /** Seeds the LoRA adapter initialisation; the loop itself draws nothing random (no dropout). */
    seed: z.number(expect('an integer')).int(),
    /** Whether a final partial batch of an epoch runs at its own shape or is dropped. */
    partialBatch: z.enum(['run', 'drop'], expect('"run" or "drop"')),
    /**
     * GradCache (docs/training.md): pairs per mini-batch, each side embedded and back-propagated m
     * sequences at a time; null runs the whole batch as one graph. The gradient is the same up to
     * float summation order, which is why it is a setting. Defaults to null, also for checkpoints
     * written before it existed.
     */
    miniBatch: integerAtLeast(1, '(pairs per GradCache mini-batch)').nullable().default(null),
    /**
     * Batch shapes: `fixed` pads every batch to batch.Tq × batch.Tp (one compiled graph); `per-batch`
     * pads each batch only to its longest query and positive, rounded up to `multipleOf` and capped at
     * batch.Tq / batch.Tp, and compiles (and caches) one executable per shape. Default fixed.
     */
    shapes: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('fixed') }).strict(),
        z.object({ kind: z.literal('per-batch'), multipleOf: integerAtLeast(1, '(tokens)') }).strict(),
      ], expect('{ kind: "fixed" } or { kind: "per-batch", multipleOf }'))
      .default({ kind: 'fixed' }),
  })
  .strict();

export type TrainerSettings = z.infer<typeof TrainerSettingsSchema>;
export type TrainerSettingName = keyof TrainerSettings;

/** Defaults of the settings that have one (the others are required options). */
export const TRAINER_SETTING_DEFAULTS = Object.freeze({
  warmupFraction: DEFAULT_WARMUP_FRACTION,
  optimizer: DEFAULT_ADAMW,
  loraEmbedIn: true,
  dtype: 'f32',
  accounting: 'paper',
  pooling: 'mean',
  inverseTemperature: DEFAULT_INVERSE_TEMPERATURE,
  padId: 0,
  seed: 0,
  partialBatch: 'run',
  miniBatch: null,
  shapes: { kind: 'fixed' },
} as const satisfies Partial<TrainerSettings>);

/** The settings as options: the same fields, the defaulted ones optional (filled by `resolveTrainerSettings`). */
export const TrainerSettingsInputSchema = TrainerSettingsSchema.extend({ optimizer: AdamWOptionsSchema }).partial({
  warmupFraction: true,
  optimizer: true,
  loraEmbedIn: true,
  dtype: true,
  accounting: true,
  pooling: true,
  inverseTemperature: true,
  padId: true,
  seed: true,
  partialBatch: true,
  miniBatch: true,
  shapes: true,
  computeDtype: true,
  lossScale: true,
});

export const TRAINER_SETTING_NAMES = Object.keys(TrainerSettingsSchema.shape) as TrainerSettingName[];

/** Fills defaults into parsed options (and the AdamW defaults into a partial optimizer). */
export function resolveTrainerSettings(parsed: z.output<typeof TrainerSettingsInputSchema>): TrainerSettings {
  const defined = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
  const dtype = parsed.dtype ?? TRAINER_SETTING_DEFAULTS.dtype;
  // Defaults that depend on another setting: compute in the parameter dtype; scale the loss only in f16.
  const computeDtype = parsed.computeDtype ?? dtype;
  const lossScale = parsed.lossScale ?? (computeDtype === 'f16' ? DEFAULT_LOSS_SCALE : null);
  return { ...TRAINER_SETTING_DEFAULTS, ...defined, computeDtype, lossScale, optimizer: { ...DEFAULT_ADAMW, ...(parsed.optimizer ?? {}) } } as TrainerSettings;
}

/**
 * A resumed run must repeat every setting: compares each key of the schema and throws one
 * ValidationError naming every differing setting (with the checkpoint's value and this run's).
 */
export function checkResumeSettings(saved: TrainerSettings, now: TrainerSettings): void {
  const differing = TRAINER_SETTING_NAMES.filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(now[k]));
  if (differing.length === 0) return;
  const first = differing[0]!;
  const also = differing.length > 1 ? `; also different: ${differing.slice(1).map((k) => `${k} (checkpoint ${JSON.stringify(saved[k])}, now ${JSON.stringify(now[k])})`).join(', ')}` : '';
  throw new ValidationError(`options.${first}`, now[first], `${JSON.stringify(saved[first])} as in the checkpoint being resumed${also}`);
}

/** The settings part of a state (drops the progress fields). */
export function settingsOf(state: TrainerSettings): TrainerSettings {
  return Object.fromEntries(TRAINER_SETTING_NAMES.map((k) => [k, state[k]])) as TrainerSettings;
}
