/**
 * The paper's Figure 1 as data: for each budget, the best predicted loss each method reaches (over
 * models and that method's hyper-parameters), which method is optimal, and where the optimal method
 * changes (found by bisection on the budget). Not a plot; the CLI draws it.
 */
import { positiveNumber, validate } from '../validate.js';
import { resolveBudget } from '../budget/budget.js';
import { ValidationError } from '../errors.js';
import { METHOD_KINDS, type MethodKind, type FineTuningMethod } from '../methods/method.js';
import { z } from 'zod';
import { expect } from '../validate.js';
import { createPlanner, type Evaluation, type PlanOptions, type Planner } from './planner.js';

export interface MethodBest {
  readonly loss: number;
  readonly model: string;
  readonly method: FineTuningMethod;
  readonly tokens: number;
}

export interface FrontierPoint {
  readonly budget: number;
  /** Best per method kind; absent when no candidate of that kind fits the budget. */
  readonly best: Partial<Record<MethodKind, MethodBest>>;
  /** The method kind on the optimal frontier (lower envelope) at this budget. */
  readonly optimal: MethodKind;
}

export interface Crossover {
  /** Budget (FLOP) where the optimal method changes, to the bisection's relative tolerance. */
  readonly budget: number;
  readonly from: MethodKind;
  readonly to: MethodKind;
}

export interface Frontier {
  readonly points: readonly FrontierPoint[];
  readonly crossovers: readonly Crossover[];
}

const BudgetListSchema = z.array(z.unknown(), expect('an array of budgets')).min(1, expect('at least one budget'));

/** A frontier of 10,000 budgets is a dense plot; more is a mistake (each costs a full search). */
export const MAX_FRONTIER_BUDGETS = 10_000;

export function frontier(budgets: readonly unknown[], options?: PlanOptions): Frontier {
  const list = BudgetListSchema.safeParse(budgets);
  if (!list.success) throw new ValidationError('budgets', budgets, 'a non-empty array of budgets');
  if (list.data.length > MAX_FRONTIER_BUDGETS) throw new ValidationError('budgets', `${list.data.length} budgets`, `at most ${MAX_FRONTIER_BUDGETS} budgets`);
  const planner = createPlanner(options);
  const flops = list.data.map((b, i) => resolveBudget(b, `budgets.${i}`).flop).sort((a, b) => a - b);
  const points = flops.map((flop) => frontierPoint(planner, flop));
  const crossovers: Crossover[] = [];
  for (let i = 1; i < points.length; i++) {
    const lo = points[i - 1]!;
    const hi = points[i]!;
    if (lo.optimal !== hi.optimal) crossovers.push(bisectCrossover(planner, lo.budget, hi.budget));
  }
  return { points, crossovers };
}

export function frontierPoint(planner: Planner, flop: number): FrontierPoint {
  const best: Partial<Record<MethodKind, MethodBest>> = {};
  let optimal: Evaluation | undefined;
  for (const kind of METHOD_KINDS) {
    const e = planner.best(flop, (c) => c.method.kind === kind);
    if (!e) continue;
    best[kind] = { loss: e.loss, model: e.candidate.model.name, method: e.candidate.method, tokens: e.tokens };
    if (!optimal || e.loss < optimal.loss) optimal = e;
  }
  if (!optimal) throw new ValidationError('budget', flop, `a budget large enough for one batch of ${planner.batchSize} pairs`);
  return { budget: flop, best, optimal: optimal.candidate.method.kind };
}

/**
 * Bisection (in log budget) for where the optimal method kind changes between `low` and `high`.
 * Assumes one change in the bracket; returns the budget just above it, to `relTol` relative.
 */
export function bisectCrossover(planner: Planner, low: number, high: number, relTol = 1e-6): Crossover {
  if (planner === null || typeof planner !== 'object' || typeof planner.best !== 'function') throw new ValidationError('planner', planner, 'a planner (what createPlanner returns)');
  validate(positiveNumber('of FLOP'), low, 'low');
  validate(positiveNumber('of FLOP'), high, 'high');
  if (!(high > low)) throw new ValidationError('high', high, `a budget above low (${low})`);
  if (typeof relTol !== 'number' || !(relTol >= 1e-12 && relTol < 1)) throw new ValidationError('relTol', relTol, 'a relative tolerance in [1e-12, 1)');
  const kindAt = (flop: number) => {
    const best = planner.best(flop);
    if (!best) throw new ValidationError('low', low, `a budget large enough for one batch of ${planner.batchSize} pairs`);
    return best.candidate.method.kind;
  };
  const from = kindAt(low);
  let lo = low;
  let hi = high;
  while (hi / lo > 1 + relTol) {
    const mid = Math.sqrt(lo * hi);
    if (kindAt(mid) === from) lo = mid;
    else hi = mid;
  }
  return { budget: hi, from, to: kindAt(hi) };
}
