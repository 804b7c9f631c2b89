/**
 * The optimizer behind `optimalRecipe` and `frontier`: validate the options once, expand the search
 * space once, then for a budget give every candidate the most whole pairs the budget pays for and
 * take the argmin of the law's predicted loss. Pure and synchronous; no special cases per method.
 *
 * What a candidate can afford, in order:
 *   1. time budgets (GPU-hours, dollars) buy FLOP at the method's relative throughput (LoRA saves FLOP
 *      but not always time); FLOP budgets buy FLOP;
 *   2. inference-aware planning first sets aside 2·N FLOP per token embedded over the model's life;
 *   3. the rest buys whole pairs, capped by `maxPairs` (one pass over unique data, no repetition);
 * and a candidate is excluded when it cannot fill one batch (in-batch negatives need the batch) or
 * when its estimated peak memory exceeds `maxMemoryBytes`. Ties go to the candidate listed first.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { parameterCounts } from '../catalog/parameter-counts.js';
import { describeValue, RepurposeError, ValidationError } from '../errors.js';
import { formatCount } from '../format.js';
import { describeMethod, type FineTuningMethod, type MethodKind, trainableParameters } from '../methods/method.js';
import { type FlopAccounting, FlopAccountingSchema, type FlopBreakdown, DEFAULT_SEQUENCE_LENGTH, MAX_SEQUENCE_LENGTH, perTokenFlops } from '../flops/training-flops.js';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, MAX_BUDGET_FLOP, MAX_PAIRS, TOKENS_PER_PAIR } from '../flops/units.js';
import { HardwareSchema, type ResolvedHardware, resolveHardware } from '../budget/budget.js';
import type { LossInterval, ScalingLaw } from '../laws/law.js';
import { ziarko2024 } from '../laws/ziarko2024.js';
import { type MemoryEstimate, MemoryOptionsSchema, trainingMemory } from '../memory/training-memory.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { MethodGridSchema, methodsFor, ModelListSchema, resolveModels } from './search-space.js';

const isLaw = (x: unknown): x is ScalingLaw =>
  typeof x === 'object' && x !== null && typeof (x as ScalingLaw).predict === 'function' && typeof (x as ScalingLaw).name === 'string';

const ThroughputSchema = z
  .object({ full: positiveNumber('(relative throughput)'), freeze: positiveNumber('(relative throughput)'), bias: positiveNumber('(relative throughput)'), lora: positiveNumber('(relative throughput)') })
  .partial()
  .strict();

export const PlanOptionsSchema = z
  .object({
    /** Candidate models: catalog names or architecture objects, or a family name ('qwen3'). Default: the eight Pythia models. */
    models: ModelListSchema.optional(),
    /** Which methods to consider and their hyper-parameter grids. Default: all four, paper grids. */
    methods: MethodGridSchema.default({ full: true, freeze: true, bias: true, lora: true }),
    /** Default: the `ziarko2024` preset. */
    law: z.custom<ScalingLaw>(isLaw, expect('a scaling law (an object with name and predict())')).optional(),
    accounting: FlopAccountingSchema.default('paper'),
    /** T for `detailed` accounting and for the memory estimate. */
    sequenceLength: integerAtLeast(1, 'tokens').refine((t) => t <= MAX_SEQUENCE_LENGTH, { error: `an integer in 1..${formatCount(MAX_SEQUENCE_LENGTH)} (tokens)` }).default(DEFAULT_SEQUENCE_LENGTH),
    batchSize: integerAtLeast(1, 'pairs per batch').refine((b) => b <= MAX_BATCH_SIZE, { error: `an integer in 1..${formatCount(MAX_BATCH_SIZE)} (pairs per batch)` }).default(DEFAULT_BATCH_SIZE),
    tokensPerPair: positiveNumber('of tokens per pair').refine((t) => t <= 1e6, { error: 'a positive number of tokens per pair, at most 1,000,000' }).default(TOKENS_PER_PAIR),
    /** Hardware for the GPU-hour and dollar views when the budget did not name any. */
    hardware: HardwareSchema.optional(),
    /** How many runners-up a recipe lists. */
    runnersUp: integerAtLeast(0).refine((n) => n <= 1000, { error: 'an integer in 0..1,000' }).default(5),
    /** Tokens the model will embed over its life; their 2·N FLOP per token come out of the budget. */
    inferenceTokens: positiveNumber('of tokens').refine((t) => t <= 1e30, { error: 'a positive number of tokens, at most 1e+30' }).optional(),
    /** Exclude configurations whose estimated peak training memory exceeds this many bytes. */
    maxMemoryBytes: positiveNumber('of bytes').refine((b) => b <= 1e30, { error: 'a positive number of bytes, at most 1e+30' }).optional(),
    /** How the memory estimate is made (checkpointing on by default, as in the paper). */
    memory: MemoryOptionsSchema.omit({ batchSize: true, sequenceLength: true }).default({ gradientCheckpointing: true }),
    /** Unique training pairs available; recipes never train on more (no repetition). */
    maxPairs: positiveNumber('of pairs').refine((p) => p <= MAX_PAIRS, { error: `a positive number of pairs, at most ${formatCount(MAX_PAIRS)} (2^53 − 1)` }).optional(),
    /** Throughput of each method relative to full fine-tuning (achieved FLOP/s ratio). Default 1 each. */
    throughput: ThroughputSchema.default({}),
  })
  .strict();

export type PlanOptions = z.input<typeof PlanOptionsSchema>;

export interface Candidate {
  readonly model: ModelArchitecture;
  readonly method: FineTuningMethod;
  readonly perToken: FlopBreakdown;
  readonly memory: MemoryEstimate;
  /** 2·N: FLOP to embed one token. */
  readonly inferencePerToken: number;
}

/** How a budget is spent: FLOP directly, or time (GPU-hours, dollars) at each method's throughput. */
export interface PlannerBudget {
  readonly flop: number;
  readonly timeBased: boolean;
}

/** One candidate priced at one budget. */
export interface Evaluation {
  readonly candidate: Candidate;
  readonly pairs: number;
  readonly tokens: number;
  readonly loss: number;
  /** FLOP set aside for inference (0 unless inference-aware). */
  readonly inferenceFlop: number;
  /** The pair count was cut to maxPairs. */
  readonly dataCapped: boolean;
  /** Set when a constraint rules the candidate out; its loss is still computed, for explanations. */
  readonly excludedBy?: 'memory';
}

export interface Planner {
  readonly law: ScalingLaw;
  readonly accounting: FlopAccounting;
  readonly batchSize: number;
  readonly tokensPerPair: number;
  readonly runnersUp: number;
  readonly hardware: ResolvedHardware;
  readonly candidates: readonly Candidate[];
  readonly constraints: { readonly inferenceTokens?: number; readonly maxMemoryBytes?: number; readonly maxPairs?: number };
  readonly throughput: Readonly<Record<MethodKind, number>>;
  /** Every candidate that can fill a batch at this budget, excluded ones flagged, unsorted. */
  evaluateAll(budget: number | PlannerBudget): Evaluation[];
  /** The argmin among allowed candidates, or undefined when none fits (optionally among `filter`'s). */
  best(budget: number | PlannerBudget, filter?: (c: Candidate) => boolean): Evaluation | undefined;
  interval(e: Evaluation): LossInterval | undefined;
  /** The same planner without one constraint, to explain what that constraint changed. */
  relax(constraint: 'inferenceTokens' | 'maxMemoryBytes' | 'maxPairs'): Planner;
}

export function createPlanner(options?: PlanOptions): Planner {
  const o = validate(PlanOptionsSchema, options === undefined ? {} : options, 'options');
  const law = o.law ?? ziarko2024;
  const flopOptions = { accounting: o.accounting, sequenceLength: o.sequenceLength };
  const memoryOptions = { ...o.memory, batchSize: o.batchSize, sequenceLength: o.sequenceLength };
  const candidates: Candidate[] = [];
  for (const model of resolveModels(o.models)) {
    const inferencePerToken = 2 * parameterCounts(model).nonEmbedding;
    for (const method of methodsFor(model, o.methods)) {
      if (law.supports && !law.supports({ model, method })) continue;
      candidates.push({ model, method, perToken: perTokenFlops(model, method, flopOptions), memory: trainingMemory(model, method, memoryOptions), inferencePerToken });
    }
  }
  if (candidates.length === 0) {
    const why = o.law ? ` that law ${law.name} supports` : '';
    throw new ValidationError('options.methods', (options as { methods?: unknown } | undefined)?.methods, `at least one method enabled${why}`);
  }
  const hardware = resolveHardware(o.hardware === undefined ? undefined : (options as { hardware: unknown }).hardware, 'options.hardware');
  const { batchSize, tokensPerPair, inferenceTokens, maxMemoryBytes, maxPairs } = o;
  const throughput = { full: 1, freeze: 1, bias: 1, lora: 1, ...o.throughput };

  function evaluate(candidate: Candidate, budget: PlannerBudget): Evaluation | undefined {
    const affordable = budget.timeBased ? budget.flop * (throughput[candidate.method.kind] / throughput.full) : budget.flop;
    const inferenceFlop = inferenceTokens === undefined ? 0 : candidate.inferencePerToken * inferenceTokens;
    const training = affordable - inferenceFlop;
    if (!(training > 0)) return undefined;
    const affordablePairs = training / (candidate.perToken.total * tokensPerPair);
    if (affordablePairs > MAX_PAIRS && !(maxPairs !== undefined && maxPairs < affordablePairs)) {
      const limit = candidate.perToken.total * tokensPerPair * MAX_PAIRS;
      throw new ValidationError(
        'budget',
        budget.flop,
        `a budget under ${formatCount(limit)} FLOP for this search: above it ${candidate.model.name} / ${describeMethod(candidate.method, candidate.model)} would train on more than 2^53 − 1 pairs, which are no longer whole numbers (set maxPairs, or plan a smaller budget)`,
      );
    }
    let pairs = Math.floor(affordablePairs);
    // Floating-point guard, in the same arithmetic the recipe reports: never exceed the budget.
    if (candidate.perToken.total * (pairs * tokensPerPair) > training) pairs -= 1;
    const dataCapped = maxPairs !== undefined && pairs > maxPairs;
    if (dataCapped) pairs = Math.floor(maxPairs);
    if (pairs < batchSize) return undefined;
    const tokens = pairs * tokensPerPair;
    const loss = law.predict({ model: candidate.model, method: candidate.method, tokens });
    if (typeof loss !== 'number' || !Number.isFinite(loss) || loss <= 0) {
      throw new RepurposeError(`law ${law.name} predicted ${describeValue(loss)} for ${candidate.model.name} / ${describeMethod(candidate.method, candidate.model)} at ${formatCount(tokens)} tokens; a law must predict a finite, positive loss`);
    }
    const tooBig = maxMemoryBytes !== undefined && candidate.memory.total > maxMemoryBytes;
    return { candidate, pairs, tokens, loss, inferenceFlop, dataCapped, ...(tooBig ? { excludedBy: 'memory' as const } : {}) };
  }

  const asBudget = (b: number | PlannerBudget): PlannerBudget => {
    const flop = typeof b === 'number' ? b : b !== null && typeof b === 'object' ? b.flop : undefined;
    const field = typeof b === 'number' ? 'budget' : 'budget.flop';
    if (typeof flop !== 'number' || !Number.isFinite(flop) || flop <= 0) throw new ValidationError(field, flop ?? b, 'a positive finite number of FLOP');
    if (flop > MAX_BUDGET_FLOP) throw new ValidationError(field, flop, `a budget of at most ${formatCount(MAX_BUDGET_FLOP)} FLOP`);
    if (typeof b === 'number') return { flop: b, timeBased: false };
    if (typeof b.timeBased !== 'boolean') throw new ValidationError('budget.timeBased', b.timeBased, 'a boolean');
    return b;
  };

  return {
    law,
    accounting: o.accounting,
    batchSize,
    tokensPerPair,
    runnersUp: o.runnersUp,
    hardware,
    candidates,
    constraints: { ...(inferenceTokens !== undefined ? { inferenceTokens } : {}), ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}), ...(maxPairs !== undefined ? { maxPairs } : {}) },
    throughput,
    evaluateAll(budget) {
      const b = asBudget(budget);
      const out: Evaluation[] = [];
      for (const c of candidates) {
        const e = evaluate(c, b);
        if (e) out.push(e);
      }
      return out;
    },
    best(budget, filter) {
      const b = asBudget(budget);
      let best: Evaluation | undefined;
      for (const c of candidates) {
        if (filter && !filter(c)) continue;
        const e = evaluate(c, b);
        if (e && !e.excludedBy && (!best || e.loss < best.loss)) best = e;
      }
      return best;
    },
    interval(e) {
      return law.interval?.({ model: e.candidate.model, method: e.candidate.method, tokens: e.tokens });
    },
    relax(constraint) {
      return createPlanner({ ...(options ?? {}), [constraint]: undefined });
    },
  };
}

/** Non-embedding N and trainable N_tr, for reports. */
export function describeCandidateSize(c: Candidate) {
  return { nonEmbeddingParameters: parameterCounts(c.model).nonEmbedding, trainableParameters: trainableParameters(c.model, c.method) };
}
