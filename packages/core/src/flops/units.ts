/**
 * Tokens ↔ pairs ↔ optimizer steps, as the paper counts them: a (query, positive) pair is 78 tokens
 * (mean query 14 + mean positive 64 after truncation to 75), D = 78 × pairs, steps = pairs / batch.
 */
import { ValidationError } from '../errors.js';
import { formatCount } from '../format.js';
import { integerAtLeast, positiveNumber, validate } from '../validate.js';

export const TOKENS_PER_PAIR = 78;
export const DEFAULT_BATCH_SIZE = 1024;

/**
 * Pairs and steps are whole numbers, and doubles hold whole numbers exactly only up to 2^53 − 1
 * (Number.MAX_SAFE_INTEGER); past that `floor(pairs)` is no longer the pair count. Token counts are
 * bounded by the same number (a 9·10^15-token fine-tune is far past any corpus).
 */
export const MAX_PAIRS = Number.MAX_SAFE_INTEGER;
export const MAX_TOKENS = Number.MAX_SAFE_INTEGER;
/** Budgets above 10^30 FLOP (about a million years of today's largest clusters) are refused as typos or overflow. */
export const MAX_BUDGET_FLOP = 1e30;
/** A batch of more than 2^20 pairs is not one any backend runs. */
export const MAX_BATCH_SIZE = 2 ** 20;

const atMost = (x: number, max: number, field: string, what: string) => {
  if (x > max) throw new ValidationError(field, x, `at most ${formatCount(max)} ${what} (${max === Number.MAX_SAFE_INTEGER ? '2^53 − 1, above which counts are no longer whole numbers' : 'the limit'})`);
};
const tokensPerPairOk = (t: number) => {
  validate(positiveNumber('of tokens per pair'), t, 'tokensPerPair');
  atMost(t, 1e6, 'tokensPerPair', 'tokens per pair');
};

export function tokensToPairs(tokens: number, tokensPerPair = TOKENS_PER_PAIR): number {
  validate(positiveNumber('of tokens'), tokens, 'tokens');
  atMost(tokens, MAX_TOKENS, 'tokens', 'tokens');
  tokensPerPairOk(tokensPerPair);
  return tokens / tokensPerPair;
}

export function pairsToTokens(pairs: number, tokensPerPair = TOKENS_PER_PAIR): number {
  validate(positiveNumber('of pairs'), pairs, 'pairs');
  atMost(pairs, MAX_PAIRS, 'pairs', 'pairs');
  tokensPerPairOk(tokensPerPair);
  const tokens = pairs * tokensPerPair;
  atMost(tokens, MAX_TOKENS, 'pairs × tokensPerPair', 'tokens');
  return tokens;
}

/** Optimizer steps for `pairs` at `batchSize` pairs a step; a final partial batch counts as a step. */
export function pairsToSteps(pairs: number, batchSize = DEFAULT_BATCH_SIZE): number {
  validate(positiveNumber('of pairs'), pairs, 'pairs');
  atMost(pairs, MAX_PAIRS, 'pairs', 'pairs');
  validate(integerAtLeast(1, 'pairs per batch'), batchSize, 'batchSize');
  atMost(batchSize, MAX_BATCH_SIZE, 'batchSize', 'pairs per batch');
  return Math.ceil(pairs / batchSize);
}

export function tokensToSteps(tokens: number, batchSize = DEFAULT_BATCH_SIZE, tokensPerPair = TOKENS_PER_PAIR): number {
  return pairsToSteps(tokensToPairs(tokens, tokensPerPair), batchSize);
}
