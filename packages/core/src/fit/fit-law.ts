/**
 * `fitLaw(observations, options)`: fit the capacity-law family (laws/capacity-law.ts) to a ledger of
 * fine-tuning runs, the way Hoffmann et al. (2022, Approach 3) fit Chinchilla and Besiroglu et al.
 * (2024) replicated it:
 *
 *   1. validate every run (ledger.ts) and apply the stated exclusions, recording them;
 *   2. decide which coefficients the data determines (parameter-layout.ts) — or reject it, saying why;
 *   3. minimize the summed Huber loss (δ = 1e-3) of log residuals, log-sum-exp prediction with
 *      log-space magnitudes (objective.ts), by L-BFGS (lbfgs.ts) from every point of a deterministic
 *      grid (start-grid.ts), keeping the best (multi-start.ts);
 *   4. bootstrap the runs with a seeded PRNG for percentile intervals (bootstrap.ts);
 *   5. cross-validate by leaving out each compute-budget group (cross-validation.ts).
 *
 * Pure and synchronous; the same input and options give the same law. Not a ledger reader.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { bootstrap } from './bootstrap.js';
import { budgetGroups, budgetOf, crossValidate } from './cross-validation.js';
import { coefficientsOf, flattenCoefficients } from './coefficients.js';
import { MAX_SAVED_REPLICATES } from './saved-law.js';
import { FitError } from './fit-errors.js';
import { type ExcludedRun, type FittedLaw, makeFittedLaw, type Residual } from './fitted-law.js';
import { type Observation, type ObservationInput, toObservation } from './ledger.js';
import { multiStart } from './multi-start.js';
import { DEFAULT_HUBER_DELTA, designFor, logPredictDesign } from './objective.js';
import { layoutFor } from './parameter-layout.js';
import { startGrid } from './start-grid.js';

type ExcludePredicate = (observation: Observation, index: number) => boolean;

const finite = (what: string) => z.number(expect(`a finite number ${what}`.trim())).refine(Number.isFinite, { error: `a finite number ${what}`.trim() });

export const FitOptionsSchema = z
  .object({
    /** A name for recipes and tables. */
    name: z.string(expect('a non-empty string')).min(1, expect('a non-empty string')).default('fitted'),
    /** One sentence on where the runs came from; it becomes the law's metadata.provenance. */
    provenance: z.string(expect('a string')).optional(),
    /** Runs to leave out: indices into `observations`, or a predicate. Recorded in the result. */
    exclude: z
      .union(
        [z.array(integerAtLeast(0, '(run index)')), z.custom<ExcludePredicate>((x) => typeof x === 'function')],
        expect('an array of run indices or a function (observation, index) => boolean'),
      )
      .optional(),
    /** Coefficients to hold fixed instead of fitting (parameter-layout.ts says when you must). */
    fixed: z
      .object({
        E: positiveNumber('(E)').optional(),
        alpha: finite('(α)').optional(),
        delta: finite('(δ)').optional(),
        rho: finite('(ρ)').optional(),
      })
      .strict()
      .default({}),
    huberDelta: positiveNumber('(Huber δ)').refine((d) => d <= 10, { error: 'a positive finite number (Huber δ), at most 10 (it is on log residuals)' }).default(DEFAULT_HUBER_DELTA),
    /** Nominal coverage of the intervals. */
    level: z
      .number(expect('a level strictly between 0 and 1'))
      .gt(0, expect('a level strictly between 0 and 1'))
      .lt(1, expect('a level strictly between 0 and 1'))
      .default(0.9),
    /** `false` skips the bootstrap (then the law has no intervals). */
    bootstrap: z
      .union([
        z.literal(false),
        z.object({ replicates: integerAtLeast(2, 'replicates').refine((n) => n <= MAX_SAVED_REPLICATES, { error: `an integer in 2..${MAX_SAVED_REPLICATES} (replicates)` }).default(200), seed: integerAtLeast(0, '(seed)').default(0) }).strict(),
      ], expect('false or { replicates, seed }'))
      .default({ replicates: 200, seed: 0 }),
    /** `false` skips held-out-budget cross-validation. */
    crossValidation: z.boolean(expect('a boolean')).default(true),
    /** L-BFGS iterations per start. */
    maxIterations: integerAtLeast(1, 'iterations').refine((n) => n <= 100_000, { error: 'an integer in 1..100,000 (iterations)' }).default(1000),
  })
  .strict();

export type FitOptions = z.input<typeof FitOptionsSchema>;

export function fitLaw(observations: readonly ObservationInput[], options?: FitOptions): FittedLaw {
  const o = validate(FitOptionsSchema, options === undefined ? {} : options, 'options');
  if (!Array.isArray(observations)) throw new ValidationError('observations', observations, 'an array of runs (e.g. what parseLedger returns)');
  const runs = observations.map((x, i) => toObservation(x, `observations.${i}`));

  const excludedSet = new Set<number>();
  if (Array.isArray(o.exclude)) {
    o.exclude.forEach((index, j) => {
      if (index >= runs.length) throw new ValidationError(`options.exclude.${j}`, index, `a run index below ${runs.length}`);
      excludedSet.add(index);
    });
  } else if (o.exclude) {
    const predicate = o.exclude;
    runs.forEach((r, i) => {
      if (predicate(r, i)) excludedSet.add(i);
    });
  }
  const excluded: ExcludedRun[] = [...excludedSet].sort((a, b) => a - b).map((index) => {
    const r = runs[index]!;
    return { index, ...(r.line !== undefined ? { line: r.line } : {}), ...(r.id !== undefined ? { id: r.id } : {}) };
  });
  const indices = runs.map((_, i) => i).filter((i) => !excludedSet.has(i));
  const included = indices.map((i) => runs[i]!);

  const kinds = new Set(included.map((r) => r.lossKind));
  if (kinds.size > 1) {
    throw new ValidationError('observations', 'both "held-out" and "final" losses', 'one lossKind: training and held-out losses differ systematically; exclude one kind (options.exclude)');
  }

  const layout = layoutFor(included, o.fixed);
  const design = designFor(layout, included);
  const grid = startGrid(layout, design);
  const settings = { huberDelta: o.huberDelta, maxIterations: o.maxIterations };
  const fit = multiStart(layout, design, grid.thetas, settings);
  if (!fit) throw new FitError(`no starting point reached a finite objective on ${included.length} runs; check the losses for extreme values`);
  const theta = fit.best.x;
  const point = flattenCoefficients(coefficientsOf(layout, theta));
  const broken = Object.entries(point).filter(([, v]) => !Number.isFinite(v));
  if (broken.length > 0) {
    throw new FitError(
      `the fit to ${included.length} runs did not identify ${broken.map(([k, v]) => `${k} (${v})`).join(', ')}: the runs cannot separate these terms; ` +
        `add runs (more model sizes, budgets or ranks) or fix coefficients (options.fixed)`,
    );
  }

  const predicted = logPredictDesign(layout, theta, design);
  const residuals: Residual[] = included.map((r, j) => ({
    index: indices[j]!,
    ...(r.line !== undefined ? { line: r.line } : {}),
    ...(r.id !== undefined ? { id: r.id } : {}),
    model: r.model.name,
    method: r.method,
    tokens: r.tokens,
    observed: r.loss,
    predicted: Math.exp(predicted[j]!),
    residual: predicted[j]! - design.y[j]!,
  }));
  const rmse = Math.sqrt(residuals.reduce((s, r) => s + r.residual ** 2, 0) / residuals.length);

  const boot = o.bootstrap === false ? undefined : bootstrap(layout, design, theta, { ...o.bootstrap, ...settings });
  const cv = o.crossValidation ? crossValidate(included, { layout, theta }, { ...settings, fixed: o.fixed }) : undefined;

  const budgets = included.map(budgetOf);
  const groups = budgetGroups(included).length;
  const methodList = layout.methods.join(', ');
  return makeFittedLaw({
    name: o.name,
    provenance:
      o.provenance ??
      `fitted by fitLaw to ${included.length} runs (${methodList}; ${groups} budget group${groups === 1 ? '' : 's'})` +
        (excluded.length > 0 ? `, ${excluded.length} excluded` : ''),
    layout,
    theta,
    level: o.level,
    budgetRange: [Math.min(...budgets), Math.max(...budgets)],
    objective: {
      loss: 'huber',
      huberDelta: o.huberDelta,
      reduction: 'sum',
      residual: 'log(predicted) - log(observed)',
      value: fit.best.value,
      runs: included.length,
      parameters: layout.names,
    },
    diagnostics: {
      residuals,
      rmse,
      maxAbsResidual: Math.max(...residuals.map((r) => Math.abs(r.residual))),
      starts: fit.starts,
      finalists: fit.finalists,
      finalistsConverged: fit.converged,
      winningStart: { index: fit.winner, point: grid.points[fit.winner]! },
      convergence: {
        converged: fit.best.converged,
        stop: fit.best.stop,
        iterations: fit.best.iterations,
        evaluations: fit.best.evaluations,
        gradientNorm: fit.best.gradientNorm,
      },
    },
    ...(boot ? { bootstrap: boot } : {}),
    ...(cv ? { crossValidation: cv } : {}),
    excluded,
    minObservedLoss: Math.min(...included.map((r) => r.loss)),
  });
}
