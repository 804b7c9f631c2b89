/**
 * `optimalRecipe(budget, options?)`: the compute-optimal (model, method, data) for a training budget,
 * as the paper's algorithm defines it — the argmin of the law's predicted loss over the search space,
 * each candidate trained on as many pairs as the budget pays for. Pure and synchronous.
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { ValidationError } from '../errors.js';
import type { FineTuningMethod } from '../methods/method.js';
import type { FlopAccounting, FlopBreakdown } from '../flops/training-flops.js';
import { type Budget, type BudgetViews, budgetViews, resolveBudget } from '../budget/budget.js';
import type { LossInterval } from '../laws/law.js';
import { createPlanner, describeCandidateSize, type Evaluation, type PlanOptions, type Planner } from './planner.js';

export interface RecipeCandidate {
  readonly model: ModelArchitecture & { readonly nonEmbeddingParameters: number };
  readonly method: FineTuningMethod;
  readonly trainableParameters: number;
  /** D = pairs × tokens per pair. */
  readonly tokens: number;
  readonly pairs: number;
  /** Optimizer steps (a last partial batch counts as one). */
  readonly steps: number;
  readonly flops: FlopBreakdown;
  readonly predictedLoss: number;
  /** Present when the law carries uncertainty. */
  readonly lossInterval?: LossInterval;
}

export interface RunnerUp extends RecipeCandidate {
  /** predictedLoss − the recipe's predictedLoss (≥ 0). */
  readonly lossGap: number;
}

export interface Recipe extends RecipeCandidate {
  /** The budget in FLOP, GPU-hours and dollars. */
  readonly budget: BudgetViews;
  /** flops.total / budget.flop: in [0.99, 1] whenever the recipe runs ≥ 100 pairs. */
  readonly budgetUsed: number;
  readonly law: string;
  readonly accounting: FlopAccounting;
  readonly batchSize: number;
  /** The next best candidates, best first. */
  readonly runnersUp: readonly RunnerUp[];
  /** Caveats a user should read, e.g. a budget outside the range the law was made for. */
  readonly notes: readonly string[];
}

export function optimalRecipe(budget: Budget, options?: PlanOptions): Recipe {
  return recipeFor(createPlanner(options), budget);
}

/** The recipe for one budget on an already built planner (frontier and bisection reuse one). */
export function recipeFor(planner: Planner, budget: unknown): Recipe {
  const { flop, hardware } = resolveBudget(budget);
  const all = planner.evaluateAll(flop).sort((a, b) => a.loss - b.loss);
  const best = all[0];
  if (!best) {
    const cheapest = Math.min(...planner.candidates.map((c) => c.perToken.total)) * planner.tokensPerPair * planner.batchSize;
    throw new ValidationError('budget', flop, `at least ${cheapest.toExponential(3)} FLOP: one batch of ${planner.batchSize} pairs on the cheapest candidate`);
  }
  const views = budgetViews(flop, hardware ?? planner.hardware);
  const head = describe(planner, best);
  return {
    ...head,
    budget: views,
    budgetUsed: head.flops.total / flop,
    law: planner.law.name,
    accounting: planner.accounting,
    batchSize: planner.batchSize,
    runnersUp: all.slice(1, 1 + planner.runnersUp).map((e) => ({ ...describe(planner, e), lossGap: e.loss - best.loss })),
    notes: notesFor(planner, flop),
  };
}

function notesFor(planner: Planner, flop: number): string[] {
  const range = planner.law.metadata.budgetRange;
  if (!range || (flop >= range[0] * 0.999 && flop <= range[1] * 1.001)) return [];
  const [lo, hi] = range.map((x) => x.toExponential(2));
  return [`budget ${flop.toExponential(2)} FLOP is outside ${lo}\u2013${hi}, the range law ${planner.law.name} was made for; this is an extrapolation`];
}

function describe(planner: Planner, e: Evaluation): RecipeCandidate {
  const { model, method, perToken } = e.candidate;
  const sizes = describeCandidateSize(e.candidate);
  const interval = planner.interval(e);
  return {
    model: { ...model, nonEmbeddingParameters: sizes.nonEmbeddingParameters },
    method,
    trainableParameters: sizes.trainableParameters,
    tokens: e.tokens,
    pairs: e.pairs,
    steps: Math.ceil(e.pairs / planner.batchSize),
    flops: {
      forward: perToken.forward * e.tokens,
      backwardActivations: perToken.backwardActivations * e.tokens,
      backwardWeights: perToken.backwardWeights * e.tokens,
      total: perToken.total * e.tokens,
    },
    predictedLoss: e.loss,
    ...(interval ? { lossInterval: interval } : {}),
  };
}
