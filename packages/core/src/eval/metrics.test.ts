/**
 * The evaluation arithmetic on hand-computed cases: retrieval ranks (with the pessimistic tie rule),
 * Spearman with ties against values worked out by hand, the bootstrap's determinism and coverage of
 * the point estimate, and scored-pair parsing with line-numbered errors.
 */
import { describe, expect, it } from 'vitest';
import { PairFileError } from '../text/errors.js';
import { bootstrapMean } from './bootstrap-interval.js';
import { retrievalMetrics, retrievalPerQuery } from './retrieval.js';
import { parseScoredPairs } from './scored-pairs.js';
import { averageRanks, spearman } from './spearman.js';

const unit = (angles: number[]) => Float64Array.from(angles.flatMap((a) => [Math.cos(a), Math.sin(a)]));

describe('retrieval metrics', () => {
  it('ranks each query’s positive among all documents', () => {
    // Documents at angles 0, 1, 2, 3 (radians); queries near 0 (→ doc 0 first), near 2 (doc 2 first,
    // its positive doc 1 second), and at 3 (its positive doc 0 is last of the four).
    const docs = unit([0, 1, 2, 3]);
    const queries = unit([0.1, 1.9, 3]);
    const per = retrievalPerQuery(queries, docs, 2, [[0], [1], [0]]);
    expect(Array.from(per.recallAt1)).toEqual([1, 0, 0]);
    expect(Array.from(per.recallAt10)).toEqual([1, 1, 1]);
    expect(Array.from(per.mrrAt10)).toEqual([1, 1 / 2, 1 / 4]);
    expect(per.ndcgAt10[1]).toBeCloseTo(1 / Math.log2(3), 15);
    expect(per.ndcgAt10[2]).toBeCloseTo(1 / Math.log2(5), 15);
    const m = retrievalMetrics(queries, docs, 2, [[0], [1], [0]], { replicates: 200 });
    expect(m.mrrAt10.value).toBeCloseTo((1 + 0.5 + 0.25) / 3, 15);
    expect(m.queries).toBe(3);
    expect(m.corpus).toBe(4);
  });

  it('counts a relevant document past rank 10 as a miss, and ties against the relevant one', () => {
    const angles = Array.from({ length: 12 }, (_, i) => i * 0.1);
    const per = retrievalPerQuery(unit([0]), unit(angles), 2, [[11]]);
    expect(per.recallAt10[0]).toBe(0);
    expect(per.mrrAt10[0]).toBe(0);
    // All documents identical: the relevant one ranks last, so a collapsed model scores 0, not 1.
    const tied = retrievalPerQuery(unit([0.5]), unit([0, 0, 0]), 2, [[0]]);
    expect(tied.recallAt1[0]).toBe(0);
    expect(tied.mrrAt10[0]).toBe(1 / 3);
  });
});

describe('spearman', () => {
  it('averages tied ranks and matches a hand computation', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    // x ranks [1, 2, 3, 4, 5], y = [2, 1, 4, 3, 5] → ρ = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·4/120 = 0.8.
    expect(spearman([1, 2, 3, 4, 5], [20, 10, 40, 30, 50])).toBeCloseTo(0.8, 15);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 15);
    expect(Number.isNaN(spearman([1, 1, 1], [1, 2, 3]))).toBe(true);
  });
});

describe('bootstrap intervals', () => {
  it('are reproducible by seed and contain the mean', () => {
    const values = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const a = bootstrapMean(values, { seed: 3, replicates: 500 });
    const b = bootstrapMean(values, { seed: 3, replicates: 500 });
    const c = bootstrapMean(values, { seed: 4, replicates: 500 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(a.value).toBeCloseTo(17 / 50, 15);
    expect(a.low).toBeLessThan(a.value);
    expect(a.high).toBeGreaterThan(a.value);
    // Binomial standard error √(p(1−p)/n) ≈ 0.067: the 95% interval is about ±0.13 wide.
    expect(a.high - a.low).toBeGreaterThan(0.18);
    expect(a.high - a.low).toBeLessThan(0.34);
  });
});

describe('scored pairs', () => {
  it('reads sentence/sentence/score lines after an optional header', () => {
    const pairs = parseScoredPairs('sentence1\tsentence2\tscore\na\tb\t1.5\n\nc\td\t3\ne\tf\t0\n');
    expect(pairs.map((p) => [p.first, p.second, p.score, p.line])).toEqual([
      ['a', 'b', 1.5, 2],
      ['c', 'd', 3, 4],
      ['e', 'f', 0, 5],
    ]);
  });

  it('reports every bad line with its number, and too few pairs', () => {
    let error: unknown;
    try {
      parseScoredPairs('a\tb\t1\nc\td\n\te\t2\nf\tg\tx\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PairFileError);
    expect((error as PairFileError).problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect((error as PairFileError).problems[2]!.message).toContain('"x"');
    expect(() => parseScoredPairs('a\tb\t1\n')).toThrow(/1 scored pair; expected at least 3/);
  });
});
