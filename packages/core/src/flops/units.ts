/**
 * Tokens ↔ pairs ↔ optimizer steps, as the paper counts them: a (query, positive) pair is 78 tokens
 * (mean query 14 + mean positive 64 after truncation to 75), D = 78 × pairs, steps = pairs / batch.
 */
import { integerAtLeast, positiveNumber, validate } from '../validate.js';

export const TOKENS_PER_PAIR = 78;
export const DEFAULT_BATCH_SIZE = 1024;

export function tokensToPairs(tokens: number, tokensPerPair = TOKENS_PER_PAIR): number {
  validate(positiveNumber('of tokens'), tokens, 'tokens');
  return tokens / tokensPerPair;
}

export function pairsToTokens(pairs: number, tokensPerPair = TOKENS_PER_PAIR): number {
  validate(positiveNumber('of pairs'), pairs, 'pairs');
  return pairs * tokensPerPair;
}

/** Optimizer steps for `pairs` at `batchSize` pairs a step; a final partial batch counts as a step. */
export function pairsToSteps(pairs: number, batchSize = DEFAULT_BATCH_SIZE): number {
  validate(positiveNumber('of pairs'), pairs, 'pairs');
  validate(integerAtLeast(1, 'pairs per batch'), batchSize, 'batchSize');
  return Math.ceil(pairs / batchSize);
}

export function tokensToSteps(tokens: number, batchSize = DEFAULT_BATCH_SIZE, tokensPerPair = TOKENS_PER_PAIR): number {
  return pairsToSteps(tokensToPairs(tokens, tokensPerPair), batchSize);
}
