/**
 * A percentile bootstrap interval of a mean: resample the per-item values (one per query, or one
 * per scored pair) with replacement, recompute the statistic, take the 2.5th and 97.5th percentiles.
 * Seeded (the engine's mulberry32), so a report is reproducible. For Spearman the statistic is not a
 * mean of per-item values, so `bootstrapStatistic` resamples indices and calls it on each resample.
 *
 * Not a hypothesis test and not a BCa interval: the plain percentile method, stated as such.
 */
import { seededRandom } from '../engine/seeded-random.js';

export interface Interval {
  /** The statistic on all items. */
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  /** Resamples; default 1000. */
  readonly replicates?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Central coverage; default 0.95. */
  readonly level?: number;
}

export const DEFAULT_BOOTSTRAP_REPLICATES = 1000;

/** The statistic over all n items and its percentile interval over resamples of n indices. */
export function bootstrapStatistic(n: number, statistic: (indices: Int32Array) => number, options: BootstrapOptions = {}): Interval {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const value = statistic(all);
  const replicates = options.replicates ?? DEFAULT_BOOTSTRAP_REPLICATES;
  if (n === 0 || replicates === 0) return { value, low: value, high: value };
  const random = seededRandom(options.seed ?? 0);
  const values = new Float64Array(replicates);
  const sample = new Int32Array(n);
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < n; i++) sample[i] = Math.floor(random() * n);
    values[r] = statistic(sample);
  }
  // NaN (a constant resample for a correlation) sorts last in a Float64Array; keep the finite ones.
  values.sort();
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { value, low: Number.NaN, high: Number.NaN };
  const alpha = (1 - (options.level ?? 0.95)) / 2;
  return { value, low: quantile(finite, alpha), high: quantile(finite, 1 - alpha) };
}

/** The mean of per-item values with its bootstrap interval. */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions = {}): Interval {
  return bootstrapStatistic(values.length, (idx) => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += values[idx[i]!]!;
    return idx.length === 0 ? Number.NaN : s / idx.length;
  }, options);
}

/** Linear interpolation between order statistics of sorted values (type 7, as numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
