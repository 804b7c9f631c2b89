/**
 * Bootstrap uncertainty for a fit (Efron's nonparametric bootstrap, as Besiroglu et al. 2024 use for
 * Chinchilla's coefficients): resample the runs with replacement using a seeded PRNG, refit, and read
 * percentile intervals off the refitted coefficients and predictions.
 *
 * Two choices, both deliberate:
 *   - the resample is STRATIFIED by method: each method keeps its number of runs, so every replicate
 *     still contains every method and can determine every coefficient the full fit determined
 *     (a replicate with no LoRA runs would leave G_lora at its starting value and fake certainty);
 *   - each refit starts from the full-data optimum only (a warm start), not from the whole grid: the
 *     replicate's optimum is near it, and a grid per replicate would multiply the cost by ~100.
 * A resample is represented by integer weights (how often each run was drawn), not copied data.
 * Not the intervals' consumer: fitted-law.ts turns the replicate θs into predictive intervals.
 */
import { coefficientsOf, flattenCoefficients } from './coefficients.js';
import { lbfgs } from './lbfgs.js';
import { RELATIVE_TOLERANCE } from './multi-start.js';
import { type Design, huberObjective } from './objective.js';
import type { ParameterLayout } from './parameter-layout.js';
import { seededPrng } from './seeded-prng.js';

export interface BootstrapSettings {
  readonly replicates: number;
  readonly seed: number;
}

export interface BootstrapResult extends BootstrapSettings {
  /** θ of every replicate whose refit reached a finite objective. */
  readonly thetas: readonly Float64Array[];
  /**
   * Replicates dropped from the intervals, and counted here: their refit did not reach a finite
   * objective, or it did with a coefficient that is not a finite number (a magnitude overflowing to
   * Infinity, typically a penalty the resample cannot pin down). `nonFinite` counts the second kind.
   */
  readonly failed: number;
  readonly nonFinite: number;
  /** Replicates whose refit stopped without meeting L-BFGS's convergence test (kept). */
  readonly unconverged: number;
}

export function bootstrap(
  layout: ParameterLayout,
  design: Design,
  optimum: Float64Array,
  settings: BootstrapSettings & { huberDelta: number; maxIterations: number },
): BootstrapResult {
  const prng = seededPrng(settings.seed);
  const strata = new Map<string, number[]>();
  design.kinds.forEach((k, i) => strata.set(k, [...(strata.get(k) ?? []), i]));
  const thetas: Float64Array[] = [];
  let failed = 0;
  let unconverged = 0;
  let nonFinite = 0;
  const weights = new Float64Array(design.n);
  for (let r = 0; r < settings.replicates; r++) {
    weights.fill(0);
    for (const members of strata.values()) {
      for (let j = 0; j < members.length; j++) {
        const i = members[prng.int(members.length)]!;
        weights[i] = weights[i]! + 1;
      }
    }
    const objective = huberObjective(layout, design, { huberDelta: settings.huberDelta, weights });
    const fit = lbfgs(objective, optimum, { maxIterations: settings.maxIterations, relativeTolerance: RELATIVE_TOLERANCE });
    if (!Number.isFinite(fit.value)) {
      failed++;
      continue;
    }
    const flat = Object.values(flattenCoefficients(coefficientsOf(layout, fit.x)));
    if (flat.some((v) => !Number.isFinite(v))) {
      failed++;
      nonFinite++;
      continue;
    }
    if (!fit.converged) unconverged++;
    thetas.push(fit.x);
  }
  return { replicates: settings.replicates, seed: settings.seed, thetas, failed, nonFinite, unconverged };
}

/** The q-quantile of sorted values, linearly interpolated between order statistics (Hyndman & Fan type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The central percentile interval at `level` (e.g. 0.9 → the 5th and 95th percentiles). */
export function percentileInterval(values: ArrayLike<number>, level: number): [number, number] {
  const sorted = Float64Array.from(values).sort();
  return [quantileSorted(sorted, (1 - level) / 2), quantileSorted(sorted, (1 + level) / 2)];
}
