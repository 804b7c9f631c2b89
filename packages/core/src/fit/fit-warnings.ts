/**
 * What a fit says about itself when it looks fine and is not: typed warnings on the FittedLaw, each
 * naming the coefficient and the numbers that tripped it. A fit whose own coefficients are not finite
 * is refused instead (FitError in fit-law.ts): there is nothing to plan with. docs/fitting.md lists
 * the rules; they are deliberately coarse (orders of magnitude), so a sound fit raises none:
 *
 *   irreducible-loss-collapsed  E below 1/1000 of the smallest observed loss: the data cannot tell
 *                               E from the power-law terms, and E went to ~0
 *   implausible-exponent        α, β_m, δ or a fitted ρ outside [0, 3]: a loss that rises with size
 *                               or data, or a term falling faster than N^−3
 *   unidentified-coefficient    the bootstrap interval of a magnitude spans more than a factor of
 *                               1000, or that of an exponent is wider than 1
 *   replicates-dropped          bootstrap refits dropped (no finite objective, or a non-finite coefficient)
 *   not-converged               the winning start did not meet L-BFGS's convergence test
 *   lora-rank-fixed             LoRA ran at one rank, so ρ is fixed and the law plans at that rank only
 * Not the fit and not a logger.
 */
import { countOf, formatCount } from '../format.js';
import type { FittedCoefficients } from './coefficients.js';
import { flattenCoefficients } from './coefficients.js';
import type { CoefficientIntervals, FitDiagnostics } from './fitted-law.js';

export type FitWarningKind =
  | 'irreducible-loss-collapsed'
  | 'implausible-exponent'
  | 'unidentified-coefficient'
  | 'replicates-dropped'
  | 'not-converged'
  | 'lora-rank-fixed';

export interface FitWarning {
  readonly kind: FitWarningKind;
  /** Flattened coefficient name (`E`, `G.lora`, `beta.full`, ...) when one coefficient is at fault. */
  readonly coefficient?: string;
  readonly message: string;
}

export const E_COLLAPSE_RATIO = 1e-3;
export const EXPONENT_RANGE = [0, 3] as const;
export const MAX_MAGNITUDE_SPREAD = 1e3;
export const MAX_EXPONENT_WIDTH = 1;

const EXPONENT = /^(alpha|beta\..*|delta|rho)$/;

export interface WarningInputs {
  readonly coefficients: FittedCoefficients;
  /** Names of the coefficients the fit determined (fixed ones are not judged). */
  readonly free: ReadonlySet<string>;
  readonly minObservedLoss: number;
  readonly intervals?: CoefficientIntervals;
  /** Replicates requested, when the bootstrap ran (intervals are absent if every one was dropped). */
  readonly bootstrap?: { readonly replicates: number; readonly failed: number; readonly nonFinite: number };
  readonly convergence: FitDiagnostics['convergence'];
  readonly loraRanks?: readonly number[];
}

export function fitWarnings(w: WarningInputs): FitWarning[] {
  const out: FitWarning[] = [];
  const flat = flattenCoefficients(w.coefficients);
  if (w.free.has('E') && flat['E']! < E_COLLAPSE_RATIO * w.minObservedLoss) {
    out.push({
      kind: 'irreducible-loss-collapsed',
      coefficient: 'E',
      message: `E = ${formatCount(flat['E']!)} is below ${formatCount(E_COLLAPSE_RATIO)} × the smallest observed loss (${formatCount(w.minObservedLoss)}): the runs cannot separate the irreducible loss from the power-law terms; add runs at larger budgets or fix E (options.fixed.E)`,
    });
  }
  for (const [name, value] of Object.entries(flat)) {
    if (!w.free.has(name) || !EXPONENT.test(name)) continue;
    if (value < EXPONENT_RANGE[0] || value > EXPONENT_RANGE[1]) {
      out.push({ kind: 'implausible-exponent', coefficient: name, message: `${name} = ${formatCount(value)} is outside [${EXPONENT_RANGE.join(', ')}]: the runs do not determine it; its term predicts nothing trustworthy outside the runs` });
    }
  }
  if (w.intervals) {
    for (const [name, { low, high }] of Object.entries(w.intervals.coefficients)) {
      if (!w.free.has(name)) continue;
      const exponent = EXPONENT.test(name);
      const wide = exponent ? high - low > MAX_EXPONENT_WIDTH : !(low > 0) || high / low > MAX_MAGNITUDE_SPREAD;
      if (wide) {
        out.push({
          kind: 'unidentified-coefficient',
          coefficient: name,
          message: `${name}'s ${Math.round(100 * w.intervals.level)}% bootstrap interval is [${formatCount(low)}, ${formatCount(high)}], ${exponent ? `wider than ${MAX_EXPONENT_WIDTH}` : `a spread over ${formatCount(MAX_MAGNITUDE_SPREAD)}×`}: the runs do not identify it`,
        });
      }
    }
  }
  if (w.bootstrap && w.bootstrap.failed > 0) {
    const kept = w.bootstrap.replicates - w.bootstrap.failed;
    out.push({
      kind: 'replicates-dropped',
      message: `${countOf(w.bootstrap.failed, 'bootstrap replicate')} of ${formatCount(w.bootstrap.replicates)} dropped (${formatCount(w.bootstrap.nonFinite)} with a non-finite coefficient); intervals use the ${formatCount(kept)} kept${kept === 0 ? ', so the law has none' : ''}`,
    });
  }
  if (!w.convergence.converged) {
    out.push({ kind: 'not-converged', message: `the best start stopped without converging (${w.convergence.stop} after ${countOf(w.convergence.iterations, 'iteration')}); raise maxIterations or check the runs` });
  }
  if (w.loraRanks) {
    out.push({ kind: 'lora-rank-fixed', coefficient: 'rho', message: `LoRA ran at one rank only, so ρ is fixed and the law predicts LoRA at r = ${w.loraRanks.join(', ')} only; planning with it searches only that rank` });
  }
  return out;
}
