/**
 * `optimalRecipe(budget, options?)`: the compute-optimal (model, method, data) for a training budget,
 * as the paper's algorithm defines it — the argmin of the law's predicted loss over the search space,
 * each candidate trained on as many pairs as the budget pays for. Pure and synchronous.
 * Every recipe says in words why it won and which constraints bound (explain-recipe.ts).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { ValidationError } from '../errors.js';
import type { FineTuningMethod } from '../methods/method.js';
import type { FlopAccounting, FlopBreakdown } from '../flops/training-flops.js';
import { type Budget, type BudgetViews, budgetViews, resolveBudget } from '../budget/budget.js';
import type { LossInterval } from '../laws/law.js';
import { ziarko2024 } from '../laws/ziarko2024.js';
import type { MemoryEstimate } from '../memory/training-memory.js';
import { createPlanner, describeCandidateSize, type Evaluation, type PlanOptions, type Planner } from './planner.js';
import { explainRecipe } from './explain-recipe.js';

export interface RecipeCandidate {
  readonly model: ModelArchitecture & { readonly nonEmbeddingParameters: number };
  readonly method: FineTuningMethod;
  readonly trainableParameters: number;
  /** D = pairs × tokens per pair. */
  readonly tokens: number;
  readonly pairs: number;
  /** Optimizer steps (a last partial batch counts as one). */
  readonly steps: number;
  /** Training FLOP (inference, when planned for, is in `inference`). */
  readonly flops: FlopBreakdown;
  readonly predictedLoss: number;
  /** Present when the law carries uncertainty. */
  readonly lossInterval?: LossInterval;
  /** Estimated peak training memory (bytes), see memory/training-memory.ts. */
  readonly memory: MemoryEstimate;
  /** Training time on the budget's hardware at this method's relative throughput. */
  readonly trainingGpuHours: number;
}

export interface RunnerUp extends RecipeCandidate {
  /** predictedLoss − the recipe's predictedLoss (≥ 0). */
  readonly lossGap: number;
  /** Inside the recipe's loss interval: the law cannot tell the two apart. */
  readonly statisticallyTied: boolean;
}

export interface Recipe extends RecipeCandidate {
  /** The budget in FLOP, GPU-hours and dollars. */
  readonly budget: BudgetViews;
  /** (training + inference FLOP) / budget FLOP: ≥ 0.99 unless a data cap binds. */
  readonly budgetUsed: number;
  /** Lifetime embedding cost set aside from the budget, when planning is inference-aware. */
  readonly inference?: { readonly tokens: number; readonly flop: number };
  readonly law: string;
  readonly accounting: FlopAccounting;
  readonly batchSize: number;
  /** The next best candidates, best first. */
  readonly runnersUp: readonly RunnerUp[];
  /** Why this candidate won and what constrained it, in a few sentences. */
  readonly explanation: string;
  /** Caveats a user should read, e.g. a budget outside the range the law was made for. */
  readonly notes: readonly string[];
}

export function optimalRecipe(budget: Budget, options?: PlanOptions): Recipe {
  return recipeFor(createPlanner(options), budget);
}

/** The recipe for one budget on an already built planner (frontier and bisection reuse one). */
export function recipeFor(planner: Planner, budget: unknown): Recipe {
  const { flop, hardware } = resolveBudget(budget);
  const plannerBudget = { flop, timeBased: hardware !== undefined };
  const all = planner.evaluateAll(plannerBudget);
  const allowed = all.filter((e) => !e.excludedBy).sort((a, b) => a.loss - b.loss);
  const best = allowed[0];
  if (!best) throw noCandidate(planner, flop, all.length);
  const hw = hardware ?? planner.hardware;
  const head = describe(planner, best, hw.flopsPerSecond);
  const interval = head.lossInterval;
  const runnersUp = allowed.slice(1, 1 + planner.runnersUp).map((e) => {
    const r = describe(planner, e, hw.flopsPerSecond);
    return { ...r, lossGap: e.loss - best.loss, statisticallyTied: interval !== undefined && e.loss <= interval.high };
  });
  return {
    ...head,
    budget: budgetViews(flop, hw),
    budgetUsed: (head.flops.total + best.inferenceFlop) / flop,
    ...(planner.constraints.inferenceTokens !== undefined ? { inference: { tokens: planner.constraints.inferenceTokens, flop: best.inferenceFlop } } : {}),
    law: planner.law.name,
    accounting: planner.accounting,
    batchSize: planner.batchSize,
    runnersUp,
    explanation: explainRecipe(planner, plannerBudget, best, allowed, all),
    notes: notesFor(planner, flop, best.candidate.model),
  };
}

function noCandidate(planner: Planner, flop: number, affordable: number): ValidationError {
  if (affordable > 0) {
    const smallest = Math.min(...planner.candidates.map((c) => c.memory.total));
    return new ValidationError('options.maxMemoryBytes', planner.constraints.maxMemoryBytes, `at least ${smallest.toExponential(3)} bytes: the smallest candidate's estimated peak memory`);
  }
  const inference = planner.constraints.inferenceTokens ?? 0;
  const cheapest = Math.min(...planner.candidates.map((c) => c.perToken.total * planner.tokensPerPair * planner.batchSize + c.inferencePerToken * inference));
  const what = inference > 0 ? ` and its inference (${inference.toExponential(2)} tokens)` : '';
  return new ValidationError('budget', flop, `at least ${cheapest.toExponential(3)} FLOP: one batch of ${planner.batchSize} pairs on the cheapest candidate${what}`);
}

function describe(planner: Planner, e: Evaluation, flopsPerSecond: number): RecipeCandidate {
  const { model, method, perToken, memory } = e.candidate;
  const sizes = describeCandidateSize(e.candidate);
  const interval = planner.interval(e);
  const total = perToken.total * e.tokens;
  const relative = planner.throughput[method.kind] / planner.throughput.full;
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
      total,
    },
    predictedLoss: e.loss,
    ...(interval ? { lossInterval: interval } : {}),
    memory,
    trainingGpuHours: total / (flopsPerSecond * relative) / 3600,
  };
}

function notesFor(planner: Planner, flop: number, model: ModelArchitecture): string[] {
  const notes: string[] = [];
  // The shipped law was fitted to Pythia runs only; a user's own law is trusted to cover what it was fitted on.
  if (model.kind === 'llama' && planner.law === ziarko2024) {
    notes.push(
      `${model.name} is a ${model.modelType} model but law ${planner.law.name} was calibrated on Pythia (GPT-NeoX) runs only: its loss predictions here are an extrapolation across model families until you fit a law to your own runs ('repurpose fit')`,
    );
  }
  const range = planner.law.metadata.budgetRange;
  if (!range || (flop >= range[0] * 0.999 && flop <= range[1] * 1.001)) return notes;
  const [lo, hi] = range.map((x) => x.toExponential(2));
  return [...notes, `budget ${flop.toExponential(2)} FLOP is outside ${lo}\u2013${hi}, the range law ${planner.law.name} was made for; this is an extrapolation`];
}
