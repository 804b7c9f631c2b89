/**
 * Training data as the trainer reads it: (query, positive) pairs of token ids, read by position.
 * Reading by position — the same `start` always gives the same pairs — is what makes a checkpoint's
 * data position enough to resume exactly, and it keeps the paper's one pass without repetition.
 *
 * Also a synthetic source for tests and demos whose pairs are learnable but not trivially so
 * (`syntheticPairs`). Not a tokenizer and not a JSONL reader (those live with the CLI).
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { seededRandom } from '../engine/seeded-random.js';
import { expect, integerAtLeast, validate } from '../validate.js';

export interface TokenPair {
  readonly query: readonly number[];
  readonly positive: readonly number[];
}

export interface PairSource {
  /**
   * Pairs [start, start + count). Returns fewer (or none) only at the end of the data. Must be
   * deterministic in `start` and `count`.
   */
  read(start: number, count: number): readonly TokenPair[] | Promise<readonly TokenPair[]>;
}

/** A source over pairs held in memory. */
export function arrayPairSource(pairs: readonly TokenPair[]): PairSource {
  return { read: (start, count) => pairs.slice(start, start + count) };
}

export interface SyntheticPairsOptions {
  /** V: token ids are drawn from 1..V−1 (0 is the pad id). */
  readonly vocabSize: number;
  /** K topics. Default: as many as the vocabulary allows, at most 64. */
  readonly topics?: number;
  /** Distinct tokens each topic owns on each side. Default 2. */
  readonly tokensPerSide?: number;
  /** Query length range, inclusive. Default [3, 6]. */
  readonly queryLength?: readonly [number, number];
  /** Positive length range, inclusive. Default [4, 8]. */
  readonly positiveLength?: readonly [number, number];
  /** Default 0. */
  readonly seed?: number;
  /** Number of pairs; unbounded when omitted. */
  readonly size?: number;
}

const LengthRange = z
  .tuple([integerAtLeast(1, '(min length)'), integerAtLeast(1, '(max length)')], expect('a [min, max] pair of lengths ≥ 1'))
  .refine(([lo, hi]) => lo <= hi, { error: 'a [min, max] pair with min ≤ max' });

const SyntheticSchema = z
  .object({
    vocabSize: integerAtLeast(3, '(vocabulary size)'),
    topics: integerAtLeast(2, '(topics)').optional(),
    tokensPerSide: integerAtLeast(1, '(tokens per side)').default(2),
    queryLength: LengthRange.default([3, 6]),
    positiveLength: LengthRange.default([4, 8]),
    seed: z.number(expect('an integer seed')).int().default(0),
    size: integerAtLeast(0, '(pairs)').optional(),
  })
  .strict();

/** The synthetic source, with its hidden structure exposed for tests and inspection. */
export interface SyntheticPairSource extends PairSource {
  /** K. */
  readonly topics: number;
  /** The topic of pair `index`. */
  topicOf(index: number): number;
  /** The ids topic `t` owns on each side. */
  topicTokens(topic: number): { readonly query: readonly number[]; readonly positive: readonly number[] };
  /** Ids owned by no topic. */
  readonly filler: readonly number[];
}

/**
 * Synthetic paired data with a hidden "topic" per pair. Each topic owns two disjoint token sets, one
 * for queries and one for positives, so a query and its positive share no token: at initialisation
 * a model cannot tell the matching positive from the other B − 1 (loss ≈ ln B), and training must
 * learn that the two sets mean the same thing. Sequences are topic tokens interleaved with shared
 * filler tokens (owned by no topic) that carry no signal.
 *
 * Topics follow in shuffled rounds of K (each round a permutation), so any aligned window of K
 * pairs — in particular every batch when B divides K — has K distinct topics and no two in-batch
 * negatives are indistinguishable. Pair i depends only on (seed, i): random access, exact resume.
 */
export function syntheticPairs(options: SyntheticPairsOptions): SyntheticPairSource {
  const o = validate(SyntheticSchema, options, 'options');
  const side = o.tokensPerSide;
  const maxTopics = Math.floor((o.vocabSize - 1 - 1) / (2 * side)); // keep ≥ 1 filler token
  const K = o.topics ?? Math.min(64, maxTopics);
  if (K < 2 || K > maxTopics) {
    throw new ValidationError('options.topics', K, `2..${maxTopics} topics (${2 * side} tokens each and ≥ 1 filler must fit in ids 1..${o.vocabSize - 1})`);
  }
  // A fixed random assignment of ids to topic sides and filler, from the seed.
  const ids = Array.from({ length: o.vocabSize - 1 }, (_, i) => i + 1);
  shuffle(ids, seededRandom(o.seed ^ 0x5eed));
  const queryTokens = (t: number) => ids.slice(2 * side * t, 2 * side * t + side);
  const positiveTokens = (t: number) => ids.slice(2 * side * t + side, 2 * side * (t + 1));
  const filler = ids.slice(2 * side * K);

  const topicOf = (index: number): number => {
    const round = Math.floor(index / K);
    const order = Array.from({ length: K }, (_, i) => i);
    shuffle(order, seededRandom(mix(o.seed, round, 0x70b1c)));
    return order[index % K]!;
  };
  const sequence = (random: () => number, own: readonly number[], [lo, hi]: readonly [number, number]): number[] => {
    const length = lo + Math.floor(random() * (hi - lo + 1));
    // At least one topic token; the rest topic or filler with even odds.
    return Array.from({ length }, (_, i) => (i === 0 || random() < 0.5 ? pick(random, own) : pick(random, filler)));
  };
  const pair = (index: number): TokenPair => {
    const topic = topicOf(index);
    const random = seededRandom(mix(o.seed, index, 0x9a1e));
    return Object.freeze({ query: sequence(random, queryTokens(topic), o.queryLength), positive: sequence(random, positiveTokens(topic), o.positiveLength) });
  };
  return {
    topics: K,
    topicOf,
    topicTokens: (t) => ({ query: queryTokens(t), positive: positiveTokens(t) }),
    filler,
    read: (start, count) => {
      const end = o.size === undefined ? start + count : Math.min(o.size, start + count);
      return Array.from({ length: Math.max(0, end - start) }, (_, i) => pair(start + i));
    },
  };
}

function pick(random: () => number, from: readonly number[]): number {
  return from[Math.floor(random() * from.length)]!;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** A 32-bit seed from several integers (murmur-style finaliser), so nearby indices get unrelated streams. */
function mix(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h >>> 0;
}
