/**
 * The trainer's options, validated at the boundary with zod: the settings (settings.ts, the one
 * schema that also makes the state and the resume check), the run controls, and the objects —
 * backend, architecture, parameter maps, data source, resume checkpoint, callbacks, abort signal —
 * checked for the shape the loop relies on, so `train({ architecture: null })` or a plain object for
 * `parameters` is a ValidationError naming the field, not a TypeError deep in the loop. Unknown keys
 * are refused (a misspelt option would otherwise be silently ignored).
 *
 * Only checks: the objects themselves are used as given (never copies). Not the loop (trainer.ts).
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { Backend } from '../engine/backend.js';
import type { FloatDType } from '../engine/dtype.js';
import type { FlopAccounting } from '../flops/training-flops.js';
import type { FineTuningMethod } from '../methods/method.js';
import type { ParameterMap } from '../model/parameter-map.js';
import type { Pooling } from '../model/pooling.js';
import type { TrainingBatchShape } from '../model/training-graph.js';
import { ValidationError } from '../errors.js';
import { formatBytes } from '../format.js';
import { RUNTIME_OVERHEAD_BYTES, chooseMiniBatch, trainerMemory } from '../memory/mini-batch.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import type { AdamWOptions } from './adamw.js';
import { type TrainerCheckpoint, TrainerStateSchema } from './checkpoint.js';
import type { PairSource } from './pairs.js';
import { type TrainerSettings, TrainerSettingsInputSchema, resolveTrainerSettings } from './settings.js';

export interface TrainerOptions {
  readonly backend: Backend;
  readonly architecture: ModelArchitecture;
  readonly method: FineTuningMethod;
  /** The base checkpoint: every GPT-NeoX parameter (HF names). Frozen ones are fed as they are. */
  readonly parameters: ParameterMap;
  /** LoRA starting values; default `initAdapters(plan, { seed })`. Ignored when resuming. */
  readonly adapters?: ParameterMap;
  readonly data: PairSource;
  /** B pairs a step; queries padded/truncated to Tq tokens, positives to Tp. */
  readonly batch: TrainingBatchShape;
  /** S: the schedule's length (pairs / B in a recipe). The run stops after S steps at the latest. */
  readonly steps: number;
  readonly peakLearningRate: number;
  /** Default 0.1. */
  readonly warmupFraction?: number;
  readonly optimizer?: AdamWOptions;
  /** Stop before a step that would take the FLOP spent past this. Default: no budget. */
  readonly flopBudget?: number;
  /** Accounting of the FLOP meter. Default `paper`. */
  readonly accounting?: FlopAccounting;
  /** Float dtype of parameters and optimiser state (and of activations unless `computeDtype`). Default f32. */
  readonly dtype?: 'f32' | 'f64';
  /** Compute dtype of forward and backward: `dtype` (default), or 'f16' with f32 master weights and moments. */
  readonly computeDtype?: FloatDType;
  /** Static loss scale for f16 compute (default 1024); only with `computeDtype: 'f16'`. */
  readonly lossScale?: number;
  /** Default 0 (Pythia's EOS, which the paper pads with). */
  readonly padId?: number;
  /** Seeds the LoRA initialisation. Default 0. */
  readonly seed?: number;
  readonly loraEmbedIn?: boolean;
  /** Default 'mean'. */
  readonly pooling?: Pooling;
  /** Default 40. */
  readonly inverseTemperature?: number;
  /** A final batch of fewer than B pairs: run it at its own shape (default, as `pairsToSteps` counts) or drop it. */
  readonly partialBatch?: 'run' | 'drop';
  /**
   * GradCache: pairs per mini-batch (1..B); each side of the batch is embedded and back-propagated
   * this many sequences at a time (docs/training.md). Default null: the whole batch as one graph, or
   * the trainer's choice when `memoryCap` is given. A setting: a resume must repeat it.
   */
  readonly miniBatch?: number | null;
  /**
   * `{ kind: 'fixed' }` (default) pads every batch to batch.Tq × batch.Tp; `{ kind: 'per-batch',
   * multipleOf }` pads each batch only to its own longest query and positive, rounded up to
   * `multipleOf` (fewer distinct shapes to compile) — bucketed batches then waste little on padding.
   */
  readonly shapes?: { readonly kind: 'fixed' } | { readonly kind: 'per-batch'; readonly multipleOf: number };
  /**
   * Passes over the data at most. Default 1 (the paper's single pass): when the data ends before the
   * schedule does the run stops with reason `data` and a `warning` event. With more, the source is
   * read again from position 0; the state records the epoch, so a resume stays exact.
   */
  readonly epochs?: number;
  /** Take at most this many steps in this call (the run can be resumed later). */
  readonly maxSteps?: number;
  /** Continue a run from a checkpoint; every setting in its state must match these options. */
  readonly resume?: TrainerCheckpoint;
  /** Call `onCheckpoint` every this many steps (and when the run stops). */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (checkpoint: TrainerCheckpoint) => void | Promise<void>;
  /**
   * Read the loss every this many steps (default 1: every step). Between, a step returns nothing to
   * the host, and its event has no loss; divergence is detected when the loss is read.
   */
  readonly lossEvery?: number;
  /**
   * Keep parameters and optimiser state on the backend's device between steps. Default: whenever the
   * backend supports it; `false` round-trips them through the host every step (for comparison).
   */
  readonly resident?: boolean;
  /**
   * Peak bytes the run may use. Without `miniBatch`, the trainer picks the GradCache mini-batch from
   * the memory estimate (memory/mini-batch.ts): none when the whole batch fits, else the largest that
   * does; with `miniBatch`, that choice is checked against the cap. The chosen `miniBatch` is a setting
   * (the checkpoint records it); the cap itself is a run control.
   */
  readonly memoryCap?: number;
  /**
   * Compiled executables kept at once (default 32), least recently used evicted and disposed: with
   * `shapes: { kind: 'per-batch' }` there is one per batch shape (and GradCache needs several per shape).
   */
  readonly maxExecutables?: number;
  readonly signal?: AbortSignal;
}

/** The validated options: settings with defaults filled, run controls, and the objects as given. */
export interface ResolvedTrainerOptions {
  readonly settings: TrainerSettings;
  readonly flopBudget: number | undefined;
  readonly maxSteps: number | undefined;
  readonly checkpointEvery: number | undefined;
  readonly epochs: number;
  readonly lossEvery: number;
  readonly resident: boolean | undefined;
  readonly maxExecutables: number;
  /** The estimated peak bytes (memory/mini-batch.ts) when a memory cap was given. */
  readonly memoryEstimate: number | undefined;
}

const isFunction = (v: unknown) => typeof v === 'function';
const fn = (what: string) => z.custom<(...args: never[]) => unknown>(isFunction, expect(what));
const isHostTensor = (t: unknown): boolean => {
  const h = t as { dtype?: unknown; shape?: unknown; data?: unknown };
  return typeof h === 'object' && h !== null && typeof h.dtype === 'string' && Array.isArray(h.shape) && ArrayBuffer.isView(h.data);
};
const tensorMap = (what: string) =>
  z.custom<ParameterMap>((v) => v instanceof Map && [...v.entries()].every(([k, t]) => typeof k === 'string' && isHostTensor(t)), expect(`a Map of ${what} (name → HostTensor)`));

const BackendSchema = z.looseObject(
  {
    name: z.string(expect('a backend name')),
    support: z.looseObject(
      {
        dtypes: z.array(z.string(), expect('an array of dtypes')),
        composites: z.array(z.string(), expect('an array of composite kinds')),
        resident: z.boolean(expect('a boolean')),
      },
      expect('the backend support declaration'),
    ),
    compile: fn('a compile function'),
  },
  expect('a Backend (name, support, compile)'),
);

const ArchitectureSchema = z.looseObject(
  {
    name: z.string(expect('a model name')),
    numLayers: integerAtLeast(1, '(layers)'),
    hiddenSize: integerAtLeast(1, '(hidden size)'),
    numHeads: integerAtLeast(1, '(heads)'),
    intermediateSize: integerAtLeast(1, '(MLP width)'),
    vocabSize: integerAtLeast(1, '(vocabulary size)'),
    maxPositionEmbeddings: integerAtLeast(1, '(positions)'),
    rotaryPct: z.number(expect('a number in [0, 1]')).min(0).max(1),
    rotaryEmbBase: positiveNumber('(rotary base)'),
    layerNormEps: positiveNumber('(layer-norm epsilon)'),
    useParallelResidual: z.boolean(expect('a boolean')),
  },
  expect('a ModelArchitecture (e.g. from architectureFromConfig or the catalog)'),
);

const OptionsSchema = TrainerSettingsInputSchema.extend({
  backend: BackendSchema,
  architecture: ArchitectureSchema,
  parameters: tensorMap('parameters'),
  adapters: tensorMap('adapters').optional(),
  data: z.looseObject({ read: fn('a read(start, count) function') }, expect('a PairSource (an object with read(start, count))')),
  flopBudget: positiveNumber('of FLOP').optional(),
  epochs: integerAtLeast(1, '(passes over the data)').optional(),
  maxSteps: integerAtLeast(0, '(steps)').optional(),
  resume: z
    .looseObject({ state: TrainerStateSchema, parameters: tensorMap('trainable tensors'), moments: tensorMap('moments') }, expect('a TrainerCheckpoint (state, parameters, moments)'))
    .optional(),
  checkpointEvery: integerAtLeast(1, '(steps)').optional(),
  onCheckpoint: fn('a function').optional(),
  lossEvery: integerAtLeast(1, '(steps)').optional(),
  resident: z.boolean(expect('a boolean')).optional(),
  memoryCap: positiveNumber('(bytes)').optional(),
  maxExecutables: integerAtLeast(1, '(executables)').optional(),
  signal: z.custom<AbortSignal>((v) => typeof v === 'object' && v !== null && typeof (v as AbortSignal).aborted === 'boolean', expect('an AbortSignal')).optional(),
}).strict();

/** Validates every option (throws a ValidationError naming the field) and resolves the defaults. */
export function resolveTrainerOptions(options: TrainerOptions): ResolvedTrainerOptions {
  if (typeof options !== 'object' || options === null) validate(OptionsSchema, options, 'options');
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = validate(OptionsSchema, defined, 'options');
  const { backend: _b, architecture: _a, parameters: _p, adapters: _ad, data: _d, flopBudget, epochs, maxSteps, resume: _r, checkpointEvery, onCheckpoint: _c, lossEvery, resident, memoryCap, maxExecutables, signal: _s, ...settings } = o;
  let resolved = resolveTrainerSettings(settings);
  const given = defined.miniBatch !== undefined;
  if (given && resolved.miniBatch! > resolved.batch.B) throw new ValidationError('options.miniBatch', resolved.miniBatch, `an integer in 1..B = ${resolved.batch.B} (pairs per GradCache mini-batch)`);
  if (resolved.miniBatch !== null && resolved.computeDtype === 'f16') {
    throw new ValidationError('options.miniBatch', resolved.miniBatch, 'null (GradCache does not run with computeDtype "f16" yet; use f32)');
  }
  let memoryEstimate: number | undefined;
  if (memoryCap !== undefined) {
    const request = { batch: resolved.batch, dtype: resolved.dtype, memoryCap };
    if (given) {
      memoryEstimate = trainerMemory(options.architecture, resolved.method, resolved.batch, resolved.dtype, resolved.miniBatch).total + RUNTIME_OVERHEAD_BYTES;
      if (memoryEstimate > memoryCap) {
        const best = chooseMiniBatch(options.architecture, resolved.method, request);
        throw new ValidationError('options.miniBatch', resolved.miniBatch, `${best.miniBatch ?? `null (the whole batch)`} or less: ${resolved.miniBatch} is estimated at ${formatBytes(memoryEstimate)}, over options.memoryCap ${formatBytes(memoryCap)}`);
      }
    } else {
      const choice = chooseMiniBatch(options.architecture, resolved.method, request);
      resolved = { ...resolved, miniBatch: choice.miniBatch };
      memoryEstimate = choice.estimate;
    }
  }
  return { settings: resolved, flopBudget, maxSteps, checkpointEvery, epochs: epochs ?? 1, lossEvery: lossEvery ?? 1, resident, maxExecutables: maxExecutables ?? 32, memoryEstimate };
}
