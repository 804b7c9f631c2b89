/**
 * A held-out split of text pairs, by seed, grouped by query: every pair of a query lands on the same
 * side, so a query seen in training is never scored as held out (files with several positives per
 * query, or `positives: 'each'`, would otherwise leak). Queries are drawn in a seeded random order
 * (shuffle.ts) until the held-out side has at least the requested number of pairs; both sides keep
 * file order (the training side is shuffled per epoch later, by the run's seed).
 *
 * Not a cross-validation framework and not a de-duplicator of near-identical texts.
 */
import { ValidationError } from '../errors.js';
import type { TextPair } from './pair-line.js';
import { permutation } from './shuffle.js';

export interface SplitOptions {
  /** Held-out pairs: a count (an integer ≥ 1) or a fraction in (0, 1). */
  readonly heldOut: number;
  /** Default 0. Keep it fixed across runs you compare, so they are scored on the same pairs. */
  readonly seed?: number;
}

export interface PairSplit<P> {
  readonly train: readonly P[];
  readonly heldOut: readonly P[];
}

export function splitPairs<P extends Pick<TextPair, 'query'>>(pairs: readonly P[], options: SplitOptions): PairSplit<P> {
  const { heldOut, seed = 0 } = options;
  const n = pairs.length;
  const isFraction = heldOut > 0 && heldOut < 1;
  if (!Number.isFinite(heldOut) || !(isFraction || (Number.isInteger(heldOut) && heldOut >= 1))) {
    throw new ValidationError('options.heldOut', heldOut, 'a count of pairs (an integer ≥ 1) or a fraction in (0, 1)');
  }
  if (!Number.isInteger(seed)) throw new ValidationError('options.seed', seed, 'an integer seed');
  const target = isFraction ? Math.max(1, Math.round(heldOut * n)) : heldOut;
  if (target >= n) throw new ValidationError('options.heldOut', heldOut, `fewer than the ${n} pairs there are (some must remain to train on)`);

  const groups = new Map<string, number[]>();
  pairs.forEach((p, i) => {
    const g = groups.get(p.query);
    if (g) g.push(i);
    else groups.set(p.query, [i]);
  });
  const queries = [...groups.values()];
  const held = new Set<number>();
  for (const q of permutation(queries.length, seed)) {
    if (held.size >= target) break;
    for (const i of queries[q]!) held.add(i);
  }
  if (held.size === n) throw new ValidationError('options.heldOut', heldOut, 'a split that leaves pairs to train on (all pairs share one query?)');
  return { train: pairs.filter((_, i) => !held.has(i)), heldOut: pairs.filter((_, i) => held.has(i)) };
}
