/**
 * The result of `fitLaw`: a ScalingLaw (so `optimalRecipe(budget, { law: fitted })` works unchanged)
 * that also carries what a user needs to judge it — coefficients, what was fixed and why, the
 * objective, bootstrap intervals, residuals, the winning start, convergence, cross-validation error
 * and the exclusions. Predictions are exp of the log-sum-exp prediction (objective.ts), i.e. exactly
 * the capacity law with the fitted coefficients.
 *
 * `interval(query, level)` is the bootstrap percentile interval of the predicted loss — the
 * uncertainty of the fitted law's curve, which is what comparing candidates needs; it does not add
 * the run-to-run scatter of a single new run (see `diagnostics.rmse` for that scale).
 * Not the fitting procedure (fit-law.ts).
 */
import { RepurposeError, ValidationError } from '../errors.js';
import type { LawMetadata, LawQuery, LossInterval, ScalingLaw } from '../laws/law.js';
import type { FineTuningMethod, MethodKind } from '../methods/method.js';
import type { BootstrapResult } from './bootstrap.js';
import { percentileInterval } from './bootstrap.js';
import { coefficientsOf, type FittedCoefficients, flattenCoefficients } from './coefficients.js';
import type { CrossValidation } from './cross-validation.js';
import { rankOutside } from '../laws/capacity-law.js';
import { checkLawQuery } from '../laws/law-query.js';
import { type FitWarning, fitWarnings } from './fit-warnings.js';
import type { LbfgsStop } from './lbfgs.js';
import { logPredict } from './objective.js';
import type { FixedCoefficient, ParameterLayout } from './parameter-layout.js';
import type { StartPoint } from './start-grid.js';

export interface Residual {
  /** Index of the run in the observations given to fitLaw. */
  readonly index: number;
  readonly line?: number;
  readonly id?: string;
  readonly model: string;
  readonly method: FineTuningMethod;
  readonly tokens: number;
  readonly observed: number;
  readonly predicted: number;
  /** log(predicted) − log(observed). */
  readonly residual: number;
}

export interface FitObjective {
  readonly loss: 'huber';
  readonly huberDelta: number;
  readonly reduction: 'sum';
  readonly residual: 'log(predicted) - log(observed)';
  /** J at the optimum. */
  readonly value: number;
  /** Runs that entered the fit. */
  readonly runs: number;
  /** Free coefficients, in the optimizer's order. */
  readonly parameters: readonly string[];
}

export interface FitDiagnostics {
  readonly residuals: readonly Residual[];
  /** RMS of the log residuals (a relative error: 0.01 ≈ 1%). */
  readonly rmse: number;
  readonly maxAbsResidual: number;
  readonly starts: number;
  /** How many screened starts were finished to convergence (multi-start.ts), and how many of those converged. */
  readonly finalists: number;
  readonly finalistsConverged: number;
  readonly winningStart: { readonly index: number; readonly point: StartPoint };
  readonly convergence: {
    readonly converged: boolean;
    readonly stop: LbfgsStop;
    readonly iterations: number;
    readonly evaluations: number;
    readonly gradientNorm: number;
  };
}

export interface ValueInterval {
  readonly low: number;
  readonly high: number;
}

export interface CoefficientIntervals {
  readonly level: number;
  readonly replicates: number;
  readonly seed: number;
  /** Replicates dropped because their refit failed, and kept ones that did not meet the convergence test. */
  readonly failed: number;
  /** Of `failed`: refits that ended with a non-finite coefficient. */
  readonly nonFinite: number;
  readonly unconverged: number;
  /** Keyed like flattenCoefficients: `E`, `A`, `alpha`, `B.full`, `beta.lora`, `G.bias`, `delta`, `rho`. */
  readonly coefficients: Readonly<Record<string, ValueInterval>>;
}

export interface ExcludedRun {
  readonly index: number;
  readonly line?: number;
  readonly id?: string;
}

export interface FittedLaw extends ScalingLaw {
  readonly methods: readonly MethodKind[];
  readonly coefficients: FittedCoefficients;
  /** Coefficients not fitted, with their value and why. */
  readonly fixed: readonly FixedCoefficient[];
  readonly objective: FitObjective;
  /** Absent when bootstrap was turned off. */
  readonly intervals?: CoefficientIntervals;
  readonly diagnostics: FitDiagnostics;
  /** Absent when turned off. */
  readonly crossValidation?: CrossValidation;
  readonly excluded: readonly ExcludedRun[];
  /** What looks wrong with the fit (fit-warnings.ts); empty for a fit that identifies every coefficient. */
  readonly warnings: readonly FitWarning[];
  /** Set when LoRA ran at one rank: the only ranks this law predicts (and the planner searches). */
  readonly loraRanks?: readonly number[];
  /** The bootstrap replicates' coefficients (absent without bootstrap): what `interval` is made of. */
  readonly replicates?: readonly FittedCoefficients[];
  /** Bootstrap percentile interval of the predicted loss at `level` (default: the fit's level, 0.9). */
  interval(query: LawQuery, level?: number): LossInterval | undefined;
  supports(query: Omit<LawQuery, 'tokens'>): boolean;
}

export interface FittedLawParts {
  readonly name: string;
  readonly provenance: string;
  readonly layout: ParameterLayout;
  readonly theta: Float64Array;
  readonly level: number;
  readonly budgetRange: readonly [number, number];
  readonly objective: FitObjective;
  readonly diagnostics: FitDiagnostics;
  readonly bootstrap?: BootstrapResult;
  readonly crossValidation?: CrossValidation;
  readonly excluded: readonly ExcludedRun[];
  readonly minObservedLoss: number;
}

/** Layout θ names → flattened coefficient names (`e` → `E`, `b_c.full` → `B.full`, ...). */
const FLAT_NAME: Record<string, string> = { e: 'E', a_c: 'A' };
const flatName = (n: string) => FLAT_NAME[n] ?? n.replace(/^b_c\./, 'B.').replace(/^g_c\./, 'G.');

export function makeFittedLaw(p: FittedLawParts): FittedLaw {
  const { layout, theta } = p;
  const coefficients = coefficientsOf(layout, theta);
  const replicateCoefficients = p.bootstrap?.thetas.map((t) => flattenCoefficients(coefficientsOf(layout, t)));
  const intervals: CoefficientIntervals | undefined =
    p.bootstrap && replicateCoefficients && replicateCoefficients.length > 0
      ? {
          level: p.level,
          replicates: p.bootstrap.replicates,
          seed: p.bootstrap.seed,
          failed: p.bootstrap.failed,
          nonFinite: p.bootstrap.nonFinite,
          unconverged: p.bootstrap.unconverged,
          coefficients: Object.fromEntries(
            Object.keys(flattenCoefficients(coefficients)).map((name) => {
              const [low, high] = percentileInterval(replicateCoefficients.map((c) => c[name]!), p.level);
              return [name, { low, high }];
            }),
          ),
        }
      : undefined;

  const check = (raw: LawQuery): LawQuery => {
    const query = checkLawQuery(raw);
    if (rankOutside(query.method, layout.loraRanks)) {
      throw new RepurposeError(
        `law ${p.name} was fitted to LoRA at r = ${layout.loraRanks!.join(', ')} only (ρ fixed) and cannot predict r = ${(query.method as { rank: number }).rank}; ` +
          `plan at that rank (methods: { lora: { ranks: [${layout.loraRanks!.join(', ')}] } }) or fit runs at two or more ranks`,
      );
    }
    if (!layout.methods.includes(query.method.kind)) {
      throw new RepurposeError(
        `law ${p.name} was fitted to runs of ${layout.methods.join(', ')} and cannot predict ${query.method.kind}; ` +
          `fit runs of ${query.method.kind}, or leave it out of the search (e.g. optimalRecipe(budget, { law, methods: { ${query.method.kind}: false } }))`,
      );
    }
    return query;
  };

  const metadata: LawMetadata = {
    provenance: p.provenance,
    fittedToRuns: true,
    budgetRange: p.budgetRange,
    form: 'E + A·N^−α + B_m·D^−β_m + G_m·N^−δ·h_m',
    coefficients,
    methods: layout.methods,
    fixed: layout.fixed,
    ...(layout.loraRanks ? { loraRanks: layout.loraRanks } : {}),
  };
  const warnings = fitWarnings({
    coefficients,
    free: new Set(layout.names.map(flatName)),
    minObservedLoss: p.minObservedLoss,
    ...(intervals ? { intervals } : {}),
    ...(p.bootstrap ? { bootstrap: p.bootstrap } : {}),
    convergence: p.diagnostics.convergence,
    ...(layout.loraRanks ? { loraRanks: layout.loraRanks } : {}),
  });

  return {
    name: p.name,
    metadata,
    methods: layout.methods,
    coefficients,
    fixed: layout.fixed,
    objective: p.objective,
    ...(intervals ? { intervals } : {}),
    diagnostics: p.diagnostics,
    ...(p.crossValidation ? { crossValidation: p.crossValidation } : {}),
    excluded: p.excluded,
    warnings,
    ...(layout.loraRanks ? { loraRanks: layout.loraRanks } : {}),
    ...(p.bootstrap ? { replicates: p.bootstrap.thetas.map((t) => coefficientsOf(layout, t)) } : {}),
    supports: (query) => {
      const q = checkLawQuery(query, 'query', { tokens: false });
      return layout.methods.includes(q.method.kind) && !rankOutside(q.method, layout.loraRanks);
    },
    predict(raw) {
      return Math.exp(logPredict(layout, theta, check(raw)));
    },
    interval(query, level = p.level) {
      const thetas = p.bootstrap?.thetas;
      if (!thetas || thetas.length === 0) return undefined;
      if (typeof level !== 'number' || !(level > 0 && level < 1)) throw new ValidationError('level', level, 'a coverage level strictly between 0 and 1, e.g. 0.9');
      const q = check(query);
      const [low, high] = percentileInterval(thetas.map((t) => Math.exp(logPredict(layout, t, q))), level);
      return { low, high, level };
    },
  };
}
