import { describe, expect, it } from 'vitest';
import { epochSeed, permutation, shuffled } from './shuffle.js';

describe('seeded shuffles', () => {
  it('are permutations, fixed by the seed (these exact orders are the documented PRNG)', () => {
    expect(permutation(10, 0)).toEqual(permutation(10, 0));
    expect([...permutation(1000, 3)].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // Pinned: a change to the PRNG or the Fisher–Yates loop changes every run's data order.
    expect(permutation(8, 42)).toEqual(PINNED_42);
    expect(shuffled(['a', 'b', 'c'], 1)).toHaveLength(3);
  });

  it('differ between seeds and between epochs', () => {
    expect(permutation(50, 1)).not.toEqual(permutation(50, 2));
    const seeds = new Set(Array.from({ length: 100 }, (_, e) => epochSeed(7, e)));
    expect(seeds.size).toBe(100);
    expect(permutation(50, epochSeed(7, 0))).not.toEqual(permutation(50, epochSeed(7, 1)));
  });

  it('leave the input alone', () => {
    const items = [1, 2, 3, 4];
    shuffled(items, 9);
    expect(items).toEqual([1, 2, 3, 4]);
  });
});

const PINNED_42 = permutationByHand(8, 42);

/** The same Fisher–Yates written out over mulberry32 from its published definition. */
function permutationByHand(n: number, seed: number): number[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
