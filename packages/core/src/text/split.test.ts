import { describe, expect, it } from 'vitest';
import { splitPairs } from './split.js';

const pairs = Array.from({ length: 100 }, (_, i) => ({ query: `q${i % 40}`, positive: `p${i}` }));

describe('splitPairs', () => {
  it('holds out at least the requested pairs, deterministically, and loses none', () => {
    const a = splitPairs(pairs, { heldOut: 0.1, seed: 5 });
    expect(a).toEqual(splitPairs(pairs, { heldOut: 0.1, seed: 5 }));
    expect(a.heldOut.length).toBeGreaterThanOrEqual(10);
    expect(a.heldOut.length).toBeLessThan(14); // whole query groups (2–3 pairs each)
    expect([...a.train, ...a.heldOut].map((p) => p.positive).sort()).toEqual(pairs.map((p) => p.positive).sort());
    expect(splitPairs(pairs, { heldOut: 0.1, seed: 6 }).heldOut).not.toEqual(a.heldOut);
  });

  it('never puts one query on both sides, and keeps file order', () => {
    const { train, heldOut } = splitPairs(pairs, { heldOut: 25, seed: 1 });
    const held = new Set(heldOut.map((p) => p.query));
    expect(train.some((p) => held.has(p.query))).toBe(false);
    const index = (p: { positive: string }) => Number(p.positive.slice(1));
    expect(train.map(index)).toEqual([...train.map(index)].sort((x, y) => x - y));
  });

  it('refuses splits that are not counts or fractions, or leave nothing to train', () => {
    expect(() => splitPairs(pairs, { heldOut: 0 })).toThrow(/options\.heldOut: expected a count of pairs/);
    expect(() => splitPairs(pairs, { heldOut: 2.5 })).toThrow(/options\.heldOut/);
    expect(() => splitPairs(pairs, { heldOut: 100 })).toThrow(/fewer than the 100 pairs/);
    expect(() => splitPairs([{ query: 'same' }, { query: 'same' }], { heldOut: 1 })).toThrow(/leaves pairs to train on/);
  });
});
