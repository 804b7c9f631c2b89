/**
 * Scaled dot-product attention: softmax(scale·q·kᵀ with disallowed scores set to the dtype's lowest
 * finite value)·v — the probabilities come from attention-scores.ts, which the backward shares.
 * Not the backward (attention-grad.ts).
 */
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';
import { attentionProbabilities } from './attention-scores.js';

export const decomposeAttention: Decomposition<'attention'> = (b, inputs, { causal, scale }) => {
  const { probabilities } = attentionProbabilities(b, input(inputs, 0), input(inputs, 1), inputs[3], causal, scale);
  return b.matmul(probabilities, input(inputs, 2));
};
