/**
 * Synthetic pairs (deterministic by position, disjoint query/positive vocabularies, distinct topics
 * within each aligned window) and fixed-shape padding (right padding, truncation, masks, real-token
 * counts).
 */
import { describe, expect, it } from 'vitest';
import { TRAINING_INPUTS } from '../model/training-graph.js';
import { padBatch } from './batch.js';
import { arrayPairSource, syntheticPairs } from './pairs.js';

describe('syntheticPairs', () => {
  it('is a pure function of (seed, position): reading in any chunks gives the same pairs', async () => {
    const a = syntheticPairs({ vocabSize: 128, topics: 16, seed: 2 });
    const whole = await a.read(0, 40);
    const parts = [...(await a.read(0, 7)), ...(await a.read(7, 33))];
    expect(parts).toEqual(whole);
    expect(await syntheticPairs({ vocabSize: 128, topics: 16, seed: 3 }).read(0, 40)).not.toEqual(whole);
  });

  it('gives queries and positives no shared token id, yet a learnable link: the topic', async () => {
    const source = syntheticPairs({ vocabSize: 128, topics: 16, seed: 2, tokensPerSide: 2 });
    const pairs = await source.read(0, 64);
    const owned = new Set<number>();
    for (let t = 0; t < 16; t++) {
      const { query, positive } = source.topicTokens(t);
      expect(query.length).toBe(2);
      for (const id of [...query, ...positive]) {
        expect(owned.has(id)).toBe(false); // every id belongs to at most one topic side
        owned.add(id);
      }
    }
    expect(source.filler.every((id) => !owned.has(id))).toBe(true);
    expect(owned.size + source.filler.length).toBe(127); // ids 1..127; 0 is the pad id
    pairs.forEach((p, i) => {
      const own = source.topicTokens(source.topicOf(i));
      expect(own.query).toContain(p.query[0]); // at least one topic token
      expect(p.query.every((id) => own.query.includes(id) || source.filler.includes(id))).toBe(true);
      expect(p.positive.every((id) => own.positive.includes(id) || source.filler.includes(id))).toBe(true);
      expect(p.query.some((id) => p.positive.includes(id) && !source.filler.includes(id))).toBe(false);
      expect(p.query.length).toBeGreaterThanOrEqual(3);
      expect(p.query.length).toBeLessThanOrEqual(6);
      expect(p.positive.length).toBeGreaterThanOrEqual(4);
      expect(p.positive.length).toBeLessThanOrEqual(8);
    });
    // Each aligned window of K = 16 pairs is a permutation of the topics.
    for (let w = 0; w < 64; w += 16) {
      const topics = Array.from({ length: 16 }, (_, i) => source.topicOf(w + i));
      expect([...topics].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    }
    expect(Array.from({ length: 16 }, (_, i) => source.topicOf(i))).not.toEqual(Array.from({ length: 16 }, (_, i) => source.topicOf(16 + i)));
  });

  it('stops at size and validates its options', async () => {
    expect((await syntheticPairs({ vocabSize: 64, size: 5 }).read(3, 10)).length).toBe(2);
    expect(() => syntheticPairs({ vocabSize: 20, topics: 8 })).toThrow(/options\.topics/);
    expect(() => syntheticPairs({ vocabSize: 64, queryLength: [5, 2] })).toThrow(/options\.queryLength/);
    expect(() => syntheticPairs({ vocabSize: 2 })).toThrow(/options\.vocabSize/);
  });
});

describe('padBatch', () => {
  it('right-pads with the pad id, truncates to T, masks real tokens and counts them', async () => {
    const pairs = await arrayPairSource([
      { query: [5, 6, 7], positive: [1, 2, 3, 4, 5, 6] },
      { query: [8], positive: [9, 10] },
    ]).read(0, 2);
    const { feeds, tokens } = padBatch(pairs, { B: 2, Tq: 4, Tp: 5 }, { padId: 3 });
    expect(Array.from(feeds[TRAINING_INPUTS.queryIds]!.data)).toEqual([5, 6, 7, 3, 8, 3, 3, 3]);
    expect(Array.from(feeds[TRAINING_INPUTS.queryMask]!.data)).toEqual([1, 1, 1, 0, 1, 0, 0, 0]);
    expect(Array.from(feeds[TRAINING_INPUTS.positiveIds]!.data)).toEqual([1, 2, 3, 4, 5, 9, 10, 3, 3, 3]);
    expect(Array.from(feeds[TRAINING_INPUTS.positiveMask]!.data)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(feeds[TRAINING_INPUTS.queryIds]!.shape).toEqual([2, 4]);
    expect(tokens).toBe(3 + 1 + 5 + 2); // the truncated 6th positive token is not counted
  });

  it('rejects a wrong pair count, empty sequences and bad ids', () => {
    const shape = { B: 2, Tq: 4, Tp: 4 };
    expect(() => padBatch([{ query: [1], positive: [2] }], shape)).toThrow(/exactly B = 2 pairs/);
    expect(() => padBatch([{ query: [], positive: [2] }, { query: [1], positive: [2] }], shape)).toThrow(/batch\.query\.0/);
    expect(() => padBatch([{ query: [1.5], positive: [2] }, { query: [1], positive: [2] }], shape)).toThrow(/batch\.query\.0\.0/);
    expect(() => padBatch([{ query: [1], positive: [64] }, { query: [1], positive: [2] }], shape, { vocabSize: 64 })).toThrow(/0\.\.63/);
  });
});
