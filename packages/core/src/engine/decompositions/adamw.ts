/**
 * The AdamW composites as primitives — exactly the chain train/adamw.ts built before the composites
 * existed, node for node, so a backend that does not claim them computes bit for bit what it did:
 *   adamMoment:  β·m + (1 − β)·g             (squared: β·v + ((1 − β)·g)·g)
 *   adamwParam:  p·decay − (m / (√v / √bc2 + eps))·stepSize
 * Not the optimiser (train/adamw.ts says what the inputs are and where they come from).
 */
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';

export const decomposeAdamMoment: Decomposition<'adamMoment'> = (b, inputs, { beta, squared }) => {
  const moment = input(inputs, 0);
  const g = input(inputs, 1);
  return b.add(b.mul(moment, beta), squared ? b.mul(b.mul(g, 1 - beta), g) : b.mul(g, 1 - beta));
};

export const decomposeAdamwParam: Decomposition<'adamwParam'> = (b, inputs, { eps }) => {
  const [p, m, v, decay, stepSize, bc2Sqrt] = [0, 1, 2, 3, 4, 5].map((i) => input(inputs, i));
  const denom = b.add(b.div(b.sqrt(v!), bc2Sqrt!), eps);
  return b.sub(b.mul(p!, decay!), b.mul(b.div(m!, denom), stepSize!));
};
