/** Gradient of rsqrt y = x^(−½): dy·(−½)·x^(−3/2) = dy·(−½)·y³, reusing the output. */
import type { GradRule } from './rule.js';

export const rsqrtGrad: GradRule<'rsqrt'> = ({ b, output, dy }) => [b.mul(dy, b.mul(b.mul(output, b.mul(output, output)), -0.5))];
