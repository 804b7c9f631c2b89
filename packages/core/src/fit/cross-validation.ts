/**
 * Held-out-budget cross-validation: for each compute-budget group, refit on every other run and
 * measure the log residuals log L̂ − log L on the held-out group. It answers the planner's question —
 * "how well does the law predict a budget it was not fitted on?" — better than random folds, which
 * leak the same budget's neighbours into training.
 *
 * Groups: a run's budget is its ledger `budget` when stated, else its training FLOP under the paper's
 * accounting. Sorted budgets within 10% of the previous one join a group (runs planned for one budget
 * land slightly below it, by whole pairs); state `budget` in the ledger to control grouping exactly.
 * A fold whose remaining runs cannot determine the layout's coefficients (parameter-layout.ts) is
 * reported as skipped with the reason, never silently dropped. Each fold starts L-BFGS from the
 * full-data optimum plus every eighth grid start and keeps the best.
 */
import { perTokenFlops } from '../flops/training-flops.js';
import { ValidationError } from '../errors.js';
import { coefficientsOf, thetaFromCoefficients } from './coefficients.js';
import type { Observation } from './ledger.js';
import { multiStart } from './multi-start.js';
import { designFor, logPredictDesign } from './objective.js';
import { layoutFor, type ParameterLayout, type UserFixed } from './parameter-layout.js';
import { startGrid } from './start-grid.js';

export interface BudgetGroup {
  /** Geometric mean budget (FLOP) of the group. */
  readonly budget: number;
  /** Indices into the fitted (non-excluded) runs. */
  readonly members: readonly number[];
}

export interface CrossValidationFold {
  readonly budget: number;
  readonly heldOut: number;
  /** RMS of the held-out log residuals; absent when the fold was skipped. */
  readonly rmse?: number;
  /** Mean held-out log residual (the sign says whether the law over- or under-predicts this budget). */
  readonly bias?: number;
  readonly skipped?: string;
}

export interface CrossValidation {
  readonly grouping: 'budget';
  readonly folds: readonly CrossValidationFold[];
  /** RMS of all held-out log residuals over the folds that ran; NaN when none ran. */
  readonly rmse: number;
  /** Held-out runs that entered `rmse`. */
  readonly heldOut: number;
}

export function budgetOf(o: Observation): number {
  return o.budget ?? perTokenFlops(o.model, o.method, { accounting: 'paper', sequenceLength: 75 }).total * o.tokens;
}

export function budgetGroups(observations: readonly Observation[]): BudgetGroup[] {
  const order = observations.map((o, i) => ({ i, b: budgetOf(o) })).sort((x, y) => x.b - y.b);
  const groups: { members: number[]; logs: number[] }[] = [];
  let previous = NaN;
  for (const { i, b } of order) {
    if (!(b <= previous * 1.1)) groups.push({ members: [], logs: [] });
    const g = groups[groups.length - 1]!;
    g.members.push(i);
    g.logs.push(Math.log(b));
    previous = b;
  }
  return groups.map((g) => ({ budget: Math.exp(g.logs.reduce((s, x) => s + x, 0) / g.logs.length), members: g.members }));
}

export function crossValidate(
  observations: readonly Observation[],
  full: { layout: ParameterLayout; theta: Float64Array },
  settings: { huberDelta: number; maxIterations: number; fixed: UserFixed },
): CrossValidation {
  const groups = budgetGroups(observations);
  const optimum = coefficientsOf(full.layout, full.theta);
  const folds: CrossValidationFold[] = [];
  let sumSq = 0;
  let heldOut = 0;
  for (const group of groups) {
    const out = new Set(group.members);
    const train = observations.filter((_, i) => !out.has(i));
    const test = group.members.map((i) => observations[i]!);
    const base = { budget: group.budget, heldOut: test.length };
    if (groups.length < 2) {
      folds.push({ ...base, skipped: 'all runs fall in one budget group; nothing would remain to fit' });
      continue;
    }
    let layout: ParameterLayout;
    try {
      layout = layoutFor(train, settings.fixed);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      folds.push({ ...base, skipped: `without this budget the runs cannot be fitted: ${e.message}` });
      continue;
    }
    const unseen = [...new Set(test.map((o) => o.method.kind))].filter((k) => !layout.methods.includes(k));
    if (unseen.length > 0) {
      folds.push({ ...base, skipped: `${unseen.join(', ')} ran only at this budget, so the other budgets cannot predict it` });
      continue;
    }
    const design = designFor(layout, train);
    const grid = startGrid(layout, design).thetas.filter((_, i) => i % 8 === 0);
    const fit = multiStart(layout, design, [thetaFromCoefficients(layout, optimum), ...grid], settings);
    if (!fit) {
      folds.push({ ...base, skipped: 'no start reached a finite objective' });
      continue;
    }
    const testDesign = designFor(layout, test);
    const predicted = logPredictDesign(layout, fit.best.x, testDesign);
    let ss = 0;
    let sum = 0;
    predicted.forEach((p, j) => {
      const r = p - testDesign.y[j]!;
      ss += r * r;
      sum += r;
    });
    sumSq += ss;
    heldOut += test.length;
    folds.push({ ...base, rmse: Math.sqrt(ss / test.length), bias: sum / test.length });
  }
  return { grouping: 'budget', folds, rmse: heldOut > 0 ? Math.sqrt(sumSq / heldOut) : NaN, heldOut };
}
