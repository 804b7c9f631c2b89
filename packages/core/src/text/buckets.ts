/**
 * Length bucketing: batches of similar lengths, so padding a batch to its longest text wastes little.
 * The epoch's shuffled order is cut into windows of `window` batches; inside a window pairs are sorted
 * by (positive length, query length) — positives dominate, 64 of the paper's 78 tokens a pair — cut
 * into batches of B, and the batches of the window put in a seeded random order. Randomness across
 * windows is kept (which pairs share a window is the shuffle's), and so is the set of pairs.
 *
 * Padding is measured as the paper pads: each batch to its longest query and longest positive
 * (rounded up to `multipleOf`, which lets a fixed-shape backend compile a few shapes, never past the
 * truncation length). `paddingFraction` = padded slots / all slots, reported bucketed and not.
 *
 * Not a sampler of its own: it reorders a given order; shuffle.ts draws that order.
 */
import { shuffled } from './shuffle.js';

export interface SequenceLengths {
  /** Tokens of pair i's query / positive, after truncation. */
  readonly query: ArrayLike<number>;
  readonly positive: ArrayLike<number>;
}

export interface BucketOptions {
  /** B. */
  readonly batchSize: number;
  /** Batches per sorting window. Default 32. */
  readonly window?: number;
  readonly seed: number;
}

export interface BatchShape {
  readonly Tq: number;
  readonly Tp: number;
}

/** `order` (length a multiple of B) reordered so each run of B has similar lengths. */
export function bucketByLength(order: readonly number[], lengths: SequenceLengths, options: BucketOptions): number[] {
  const B = options.batchSize;
  const span = B * (options.window ?? 32);
  const out: number[] = [];
  for (let start = 0, w = 0; start < order.length; start += span, w++) {
    const window = order.slice(start, start + span).sort((a, b) => lengths.positive[a]! - lengths.positive[b]! || lengths.query[a]! - lengths.query[b]! || a - b);
    const batches = Array.from({ length: Math.ceil(window.length / B) }, (_, k) => window.slice(k * B, (k + 1) * B));
    for (const batch of shuffled(batches, (options.seed + w * 0x632be5ab) >>> 0)) out.push(...batch);
  }
  return out;
}

/** The padded shape of one batch: its longest query and positive, rounded up to `multipleOf`, capped at `cap`. */
export function batchShapeOf(indices: readonly number[], lengths: SequenceLengths, multipleOf = 1, cap = Infinity): BatchShape {
  let q = 0;
  let p = 0;
  for (const i of indices) {
    q = Math.max(q, lengths.query[i]!);
    p = Math.max(p, lengths.positive[i]!);
  }
  const round = (n: number) => Math.min(Math.max(n, Math.ceil(n / multipleOf) * multipleOf), Math.max(n, cap));
  return { Tq: round(q), Tp: round(p) };
}

export interface PaddingReport {
  /** Real tokens, queries and positives. */
  readonly tokens: number;
  /** Slots after padding every batch to its shape. */
  readonly slots: number;
  /** 1 − tokens / slots. */
  readonly fraction: number;
}

/** Padding of `order` cut into batches of B. */
export function paddingOf(order: readonly number[], lengths: SequenceLengths, batchSize: number, multipleOf = 1, cap = Infinity): PaddingReport {
  let tokens = 0;
  let slots = 0;
  for (let start = 0; start + batchSize <= order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const { Tq, Tp } = batchShapeOf(batch, lengths, multipleOf, cap);
    slots += batch.length * (Tq + Tp);
    for (const i of batch) tokens += lengths.query[i]! + lengths.positive[i]!;
  }
  return { tokens, slots, fraction: slots === 0 ? 0 : 1 - tokens / slots };
}
