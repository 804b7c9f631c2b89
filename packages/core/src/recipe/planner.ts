/**
 * The optimizer behind `optimalRecipe` and `frontier`: validate the options once, expand the search
 * space once, then for a budget give every candidate the most whole pairs the budget pays for and
 * take the argmin of the law's predicted loss. Pure and synchronous; no special cases per method.
 *
 * A candidate that cannot fill one batch (pairs < batch size) is excluded: in-batch negatives need
 * the batch. Ties go to the candidate listed first (smaller model, then full → freeze → bias → lora).
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { parameterCounts } from '../catalog/parameter-counts.js';
import { RepurposeError, ValidationError } from '../errors.js';
import { type FineTuningMethod, trainableParameters } from '../methods/method.js';
import { type FlopAccounting, FlopAccountingSchema, type FlopBreakdown, DEFAULT_SEQUENCE_LENGTH, perTokenFlops } from '../flops/training-flops.js';
import { DEFAULT_BATCH_SIZE, TOKENS_PER_PAIR } from '../flops/units.js';
import { HardwareSchema, type ResolvedHardware, resolveHardware } from '../budget/budget.js';
import type { LossInterval, ScalingLaw } from '../laws/law.js';
import { ziarko2024 } from '../laws/ziarko2024.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { MethodGridSchema, methodsFor, ModelListSchema, resolveModels } from './search-space.js';

const isLaw = (x: unknown): x is ScalingLaw =>
  typeof x === 'object' && x !== null && typeof (x as ScalingLaw).predict === 'function' && typeof (x as ScalingLaw).name === 'string';

export const PlanOptionsSchema = z
  .object({
    /** Candidate models: Pythia names or architecture objects. Default: the eight Pythia models. */
    models: ModelListSchema.optional(),
    /** Which methods to consider and their hyper-parameter grids. Default: all four, paper grids. */
    methods: MethodGridSchema.default({ full: true, freeze: true, bias: true, lora: true }),
    /** Default: the `ziarko2024` preset. */
    law: z.custom<ScalingLaw>(isLaw, expect('a scaling law (an object with name and predict())')).optional(),
    accounting: FlopAccountingSchema.default('paper'),
    /** T for `detailed` accounting. */
    sequenceLength: integerAtLeast(1, 'tokens').default(DEFAULT_SEQUENCE_LENGTH),
    batchSize: integerAtLeast(1, 'pairs per batch').default(DEFAULT_BATCH_SIZE),
    tokensPerPair: positiveNumber('of tokens per pair').default(TOKENS_PER_PAIR),
    /** Hardware for the GPU-hour and dollar views when the budget did not name any. */
    hardware: HardwareSchema.optional(),
    /** How many runners-up a recipe lists. */
    runnersUp: integerAtLeast(0).default(5),
  })
  .strict();

export type PlanOptions = z.input<typeof PlanOptionsSchema>;

export interface Candidate {
  readonly model: ModelArchitecture;
  readonly method: FineTuningMethod;
  readonly perToken: FlopBreakdown;
}

/** One candidate priced at one budget. */
export interface Evaluation {
  readonly candidate: Candidate;
  readonly pairs: number;
  readonly tokens: number;
  readonly loss: number;
}

export interface Planner {
  readonly law: ScalingLaw;
  readonly accounting: FlopAccounting;
  readonly batchSize: number;
  readonly tokensPerPair: number;
  readonly runnersUp: number;
  readonly hardware: ResolvedHardware;
  readonly candidates: readonly Candidate[];
  /** Every candidate that fits the budget, unsorted. */
  evaluateAll(flop: number): Evaluation[];
  /** The argmin, or undefined when nothing fits (optionally among `filter`'s candidates). */
  best(flop: number, filter?: (c: Candidate) => boolean): Evaluation | undefined;
  interval(e: Evaluation): LossInterval | undefined;
}

export function createPlanner(options?: PlanOptions): Planner {
  const o = validate(PlanOptionsSchema, options ?? {}, 'options');
  const law = o.law ?? ziarko2024;
  const flopOptions = { accounting: o.accounting, sequenceLength: o.sequenceLength };
  const candidates: Candidate[] = [];
  for (const model of resolveModels(o.models)) {
    for (const method of methodsFor(model, o.methods)) {
      candidates.push({ model, method, perToken: perTokenFlops(model, method, flopOptions) });
    }
  }
  if (candidates.length === 0) throw new ValidationError('options.methods', options && (options as { methods?: unknown }).methods, 'at least one method enabled');
  const hardware = resolveHardware(o.hardware === undefined ? undefined : (options as { hardware: unknown }).hardware, 'options.hardware');
  const { batchSize, tokensPerPair } = o;

  function evaluate(candidate: Candidate, flop: number): Evaluation | undefined {
    const flopPerPair = candidate.perToken.total * tokensPerPair;
    let pairs = Math.floor(flop / flopPerPair);
    // Floating-point guard, in the same arithmetic the recipe reports: never exceed the budget.
    if (candidate.perToken.total * (pairs * tokensPerPair) > flop) pairs -= 1;
    if (pairs < batchSize) return undefined;
    const tokens = pairs * tokensPerPair;
    const loss = law.predict({ model: candidate.model, method: candidate.method, tokens });
    if (!Number.isFinite(loss)) {
      throw new RepurposeError(`law ${law.name} predicted ${loss} for ${candidate.model.name} / ${candidate.method.kind} at ${tokens} tokens; expected a finite loss`);
    }
    return { candidate, pairs, tokens, loss };
  }

  return {
    law,
    accounting: o.accounting,
    batchSize,
    tokensPerPair,
    runnersUp: o.runnersUp,
    hardware,
    candidates,
    evaluateAll(flop) {
      const out: Evaluation[] = [];
      for (const c of candidates) {
        const e = evaluate(c, flop);
        if (e) out.push(e);
      }
      return out;
    },
    best(flop, filter) {
      let best: Evaluation | undefined;
      for (const c of candidates) {
        if (filter && !filter(c)) continue;
        const e = evaluate(c, flop);
        if (e && (!best || e.loss < best.loss)) best = e;
      }
      return best;
    },
    interval(e) {
      return law.interval?.({ model: e.candidate.model, method: e.candidate.method, tokens: e.tokens });
    },
  };
}

/** Non-embedding N and trainable N_tr, for reports. */
export function describeCandidateSize(c: Candidate) {
  return { nonEmbeddingParameters: parameterCounts(c.model).nonEmbedding, trainableParameters: trainableParameters(c.model, c.method) };
}
