import { describe, expect, it } from 'vitest';
import { batchShapeOf, bucketByLength, paddingOf } from './buckets.js';
import { permutation } from './shuffle.js';

const n = 256;
const lengths = {
  query: Int32Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 20)),
  positive: Int32Array.from({ length: n }, (_, i) => 5 + ((i * 13) % 70)),
};

describe('length buckets', () => {
  it('reorder without losing or repeating a pair, deterministically', () => {
    const order = permutation(n, 3);
    const b = bucketByLength(order, lengths, { batchSize: 8, window: 8, seed: 1 });
    expect([...b].sort((x, y) => x - y)).toEqual([...order].sort((x, y) => x - y));
    expect(b).toEqual(bucketByLength(order, lengths, { batchSize: 8, window: 8, seed: 1 }));
    expect(b).not.toEqual(bucketByLength(order, lengths, { batchSize: 8, window: 8, seed: 2 }));
  });

  it('cut padding, measured as the paper pads (each batch to its longest)', () => {
    const order = permutation(n, 3);
    const plain = paddingOf(order, lengths, 8);
    const bucketed = paddingOf(bucketByLength(order, lengths, { batchSize: 8, window: 8, seed: 1 }), lengths, 8);
    expect(bucketed.tokens).toBe(plain.tokens);
    expect(bucketed.fraction).toBeLessThan(plain.fraction / 2);
  });

  it('batch shapes: longest of each side, rounded up, never past the cap', () => {
    const L = { query: [3, 9], positive: [70, 12] };
    expect(batchShapeOf([0, 1], L)).toEqual({ Tq: 9, Tp: 70 });
    expect(batchShapeOf([0, 1], L, 8, 75)).toEqual({ Tq: 16, Tp: 72 });
    expect(batchShapeOf([0], { query: [74], positive: [75] }, 8, 75)).toEqual({ Tq: 75, Tp: 75 });
  });
});
