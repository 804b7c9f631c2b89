/**
 * Text pairs → the trainer's PairSource of token ids. Every text is tokenized once up front
 * (truncated to the tokenizer's maxTokens; the lengths drive bucketing), then each epoch is a seeded
 * shuffle (shuffle.ts) with the last n mod B pairs dropped so every batch is full, bucketed by length
 * (buckets.ts) unless turned off. Position i of the source is pair `order(epoch)[i mod perEpoch]` of
 * epoch ⌊i / perEpoch⌋: deterministic in (seed, i), so a checkpoint's data position resumes exactly.
 *
 * `size` is what will really be trained: the requested pairs, or fewer when the file (times epochs)
 * holds fewer — then `warnings` says so and the caller sizes its schedule to `size`, not to the
 * request. The trainer reads whole batches at multiples of B, each one of the bucketed batches.
 *
 * Not a trainer and not a reader: pairs come from pair-file.ts, batches are padded by the trainer.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { PairSource, TokenPair } from '../train/pairs.js';
import { integerAtLeast, validate } from '../validate.js';
import { type BatchShape, type PaddingReport, type SequenceLengths, batchShapeOf, bucketByLength, paddingOf } from './buckets.js';
import { epochSeed, permutation } from './shuffle.js';
import type { TextTokenizer } from './tokenizer.js';

export interface TextPairSourceOptions {
  /** B: pairs per batch. */
  readonly batchSize: number;
  /** Shuffling seed. Default 0. */
  readonly seed?: number;
  /** Passes over the file. Default 1 (the paper trains one pass, without repetition). */
  readonly epochs?: number;
  /** Pairs the recipe asks for. Default: every full batch of every epoch. */
  readonly requestedPairs?: number;
  /** Bucket batches by length. Default true. */
  readonly bucketByLength?: boolean;
  /** Batches per bucketing window. Default 32. */
  readonly bucketWindow?: number;
  /** Round batch shapes up to a multiple of this (fewer distinct shapes to compile). Default 1. */
  readonly shapeMultiple?: number;
  /** The model's vocabulary size V: every id the tokenizer can produce must be < V. */
  readonly vocabSize?: number;
}

export interface TextPairSource extends PairSource {
  /** Pairs that will really be trained: steps × B. */
  readonly size: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Full batches of one epoch, in pairs (n − n mod B). */
  readonly pairsPerEpoch: number;
  /** Pairs left out of each epoch so every batch is full (which ones changes with the epoch). */
  readonly droppedPerEpoch: number;
  /** Things the caller should show a user (more pairs requested than the file holds, …). */
  readonly warnings: readonly string[];
  /** Padding of epoch 0 with and without bucketing. */
  readonly padding: { readonly bucketed: PaddingReport; readonly unbucketed: PaddingReport };
  /** Token counts of every pair (file order, after truncation). */
  readonly lengths: SequenceLengths;
  /** The longest query and positive of all: one fixed shape fits every batch. */
  readonly maxShape: BatchShape;
  /** The padded shape of batch `step` (0-based), rounded to `shapeMultiple`. */
  batchShape(step: number): BatchShape;
}

const OptionsSchema = z
  .object({
    batchSize: integerAtLeast(1, '(pairs per batch)'),
    seed: z.number().int().default(0),
    epochs: integerAtLeast(1, '(epochs)').default(1),
    requestedPairs: integerAtLeast(1, '(pairs)').optional(),
    bucketByLength: z.boolean().default(true),
    bucketWindow: integerAtLeast(1, '(batches)').default(32),
    shapeMultiple: integerAtLeast(1, '(tokens)').default(1),
    vocabSize: integerAtLeast(1, '(vocabulary size)').optional(),
  })
  .strict();

export function textPairSource(pairs: readonly { readonly query: string; readonly positive: string; readonly line?: number }[], tokenizer: TextTokenizer, options: TextPairSourceOptions): TextPairSource {
  const o = validate(OptionsSchema, options, 'options');
  const B = o.batchSize;
  const n = pairs.length;
  if (o.vocabSize !== undefined && tokenizer.vocabSize > o.vocabSize) {
    throw new ValidationError('options.vocabSize', o.vocabSize, `at least the tokenizer's ${tokenizer.vocabSize} ids (tokenizer and model do not match)`);
  }
  if (n < B) throw new ValidationError('pairs', `${n} pairs`, `at least B = ${B} pairs for one batch`);

  const ids: { q: Int32Array; p: Int32Array }[] = pairs.map((pair, i) => {
    const q = Int32Array.from(tokenizer.encode(pair.query));
    const p = Int32Array.from(tokenizer.encode(pair.positive));
    if (q.length === 0 || p.length === 0) {
      const where = pair.line === undefined ? `pairs.${i}` : `pairs.${i} (line ${pair.line})`;
      throw new ValidationError(where, q.length === 0 ? pair.query : pair.positive, 'a text that tokenizes to at least one token (mean pooling needs one)');
    }
    return { q, p };
  });
  const lengths: SequenceLengths = { query: Int32Array.from(ids, (x) => x.q.length), positive: Int32Array.from(ids, (x) => x.p.length) };

  const pairsPerEpoch = n - (n % B);
  const available = pairsPerEpoch * o.epochs;
  const warnings: string[] = [];
  let size = available;
  if (o.requestedPairs !== undefined) {
    if (o.requestedPairs > available) {
      warnings.push(`${o.requestedPairs} pairs requested, but the file's ${n} pairs give ${pairsPerEpoch} in full batches of ${B} × ${o.epochs} epoch${o.epochs === 1 ? '' : 's'} = ${available}; training ${available} (size the schedule to that)`);
    } else {
      size = Math.floor(o.requestedPairs / B) * B;
      if (size === 0) throw new ValidationError('options.requestedPairs', o.requestedPairs, `at least B = ${B} pairs (one batch)`);
      if (size !== o.requestedPairs) warnings.push(`${o.requestedPairs} pairs requested is not a multiple of B = ${B}; training ${size}`);
    }
  }

  const cap = tokenizer.maxTokens;
  const shuffledOrder = (epoch: number) => permutation(n, epochSeed(o.seed, epoch)).slice(0, pairsPerEpoch);
  const bucketed = (order: number[], epoch: number) => (o.bucketByLength ? bucketByLength(order, lengths, { batchSize: B, window: o.bucketWindow, seed: epochSeed(o.seed, epoch) }) : order);
  const cache = new Map<number, readonly number[]>();
  const orderOf = (epoch: number): readonly number[] => {
    let order = cache.get(epoch);
    if (!order) {
      if (cache.size >= 2) cache.delete(cache.keys().next().value!);
      order = bucketed(shuffledOrder(epoch), epoch);
      cache.set(epoch, order);
    }
    return order;
  };
  const indexAt = (i: number) => orderOf(Math.floor(i / pairsPerEpoch))[i % pairsPerEpoch]!;

  const epoch0 = shuffledOrder(0);
  const padding = {
    unbucketed: paddingOf(epoch0, lengths, B, o.shapeMultiple, cap),
    bucketed: paddingOf(orderOf(0), lengths, B, o.shapeMultiple, cap),
  };
  const all = Array.from({ length: n }, (_, i) => i);
  return {
    size,
    steps: size / B,
    batchSize: B,
    epochs: o.epochs,
    pairsPerEpoch,
    droppedPerEpoch: n - pairsPerEpoch,
    warnings,
    padding,
    lengths,
    maxShape: batchShapeOf(all, lengths, o.shapeMultiple, cap),
    batchShape: (step) => {
      if (!Number.isInteger(step) || step < 0 || step >= size / B) throw new ValidationError('step', step, `a batch index in 0..${size / B - 1}`);
      return batchShapeOf(Array.from({ length: B }, (_, k) => indexAt(step * B + k)), lengths, o.shapeMultiple, cap);
    },
    read: (start, count) => {
      if (!Number.isInteger(start) || start < 0) throw new ValidationError('start', start, 'an integer ≥ 0');
      const end = Math.min(size, start + Math.max(0, count));
      const out: TokenPair[] = [];
      for (let i = start; i < end; i++) {
        const x = ids[indexAt(i)]!;
        out.push({ query: Array.from(x.q), positive: Array.from(x.p) });
      }
      return out;
    },
  };
}
