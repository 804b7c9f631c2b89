/** Gradient of neg: −dy. */
import type { GradRule } from './rule.js';

export const negGrad: GradRule<'neg'> = ({ b, dy }) => [b.neg(dy)];
