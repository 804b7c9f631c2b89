/**
 * The part of a recipe an exported training run needs — model, method, pairs, steps, batch, budget —
 * read from what `optimalRecipe` returns (or `repurpose plan --json` prints) or from one cell of a
 * sweep, and checked: a recipe file edited by hand must still describe a run whose steps are its
 * pairs over its batch. Not the planner, and not the run config (run-config.ts).
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { resolveModel } from '../catalog/resolve-model.js';
import { ValidationError } from '../errors.js';
import type { FlopAccounting } from '../flops/training-flops.js';
import { MAX_BUDGET_FLOP, MAX_PAIRS, TOKENS_PER_PAIR } from '../flops/units.js';
import { checkMethod, type FineTuningMethod } from '../methods/method.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';

export interface RecipeRunInput {
  readonly model: ModelArchitecture;
  readonly method: FineTuningMethod;
  /** Training pairs (one pass, no repetition). */
  readonly pairs: number;
  /** Optimizer steps: ceil(pairs / batchSize). */
  readonly steps: number;
  /** Pairs per optimizer step (the global batch over every GPU). */
  readonly batchSize: number;
  /** D = pairs × 78 under the paper's token accounting. */
  readonly tokens: number;
  /** The budget (FLOP) the run was planned for, when known; the ledger line groups runs by it. */
  readonly budgetFlop?: number;
  readonly law?: string;
  readonly accounting?: FlopAccounting;
  readonly predictedLoss?: number;
}

const RecipeShape = z.object({
  model: z.unknown(),
  method: z.unknown(),
  pairs: integerAtLeast(1, '(training pairs)').refine((x) => x <= MAX_PAIRS, { error: 'a whole number of pairs up to 2^53 − 1' }),
  steps: integerAtLeast(1, '(optimizer steps)'),
  batchSize: integerAtLeast(1, '(pairs per step)'),
  tokens: positiveNumber('of tokens').optional(),
  budget: z.object({ flop: positiveNumber('of FLOP').refine((x) => x <= MAX_BUDGET_FLOP, { error: 'a budget in FLOP' }) }, expect('the recipe budget object { flop, … }')).optional(),
  law: z.string(expect('a law name')).optional(),
  accounting: z.enum(['paper', 'detailed'], expect('"paper" or "detailed"')).optional(),
  predictedLoss: positiveNumber('(predicted loss)').optional(),
}, expect('a recipe object (what optimalRecipe returns or `repurpose plan --json` prints)'));

/**
 * Validates a recipe (an object as `optimalRecipe` returns it, or parsed from `plan --json`). Keys
 * it does not use (runners-up, memory, explanation …) are allowed: a recipe carries many. Throws a
 * ValidationError naming `field` and the key.
 */
export function recipeRunInput(value: unknown, field = 'recipe'): RecipeRunInput {
  const r = validate(RecipeShape, value, field);
  // The recipe's model carries its non-embedding count for readers; the architecture schema has no such key.
  const raw = r.model !== null && typeof r.model === 'object' && !Array.isArray(r.model) ? stripDerived(r.model as Record<string, unknown>) : r.model;
  const model = resolveModel(raw, `${field}.model`);
  const method = checkMethod(r.method, model, `${field}.method`);
  const steps = Math.ceil(r.pairs / r.batchSize);
  if (r.pairs < r.batchSize) throw new ValidationError(`${field}.pairs`, r.pairs, `at least one batch of ${r.batchSize} pairs`);
  if (r.steps !== steps) throw new ValidationError(`${field}.steps`, r.steps, `ceil(pairs / batchSize) = ${steps} (${r.pairs} pairs, ${r.batchSize} a step)`);
  const tokens = r.pairs * TOKENS_PER_PAIR;
  if (r.tokens !== undefined && Math.abs(r.tokens - tokens) > 1e-9 * tokens) throw new ValidationError(`${field}.tokens`, r.tokens, `pairs × ${TOKENS_PER_PAIR} = ${tokens}`);
  return {
    model,
    method,
    pairs: r.pairs,
    steps,
    batchSize: r.batchSize,
    tokens,
    ...(r.budget !== undefined ? { budgetFlop: r.budget.flop } : {}),
    ...(r.law !== undefined ? { law: r.law } : {}),
    ...(r.accounting !== undefined ? { accounting: r.accounting } : {}),
    ...(r.predictedLoss !== undefined ? { predictedLoss: r.predictedLoss } : {}),
  };
}

function stripDerived(model: Record<string, unknown>): Record<string, unknown> {
  const { nonEmbeddingParameters: _n, ...rest } = model;
  return rest;
}
