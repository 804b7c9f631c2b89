/** Gradient of sqrt: dy/(2·√x), reusing the output. */
import type { GradRule } from './rule.js';

export const sqrtGrad: GradRule<'sqrt'> = ({ b, output, dy }) => [b.div(b.mul(dy, 0.5), output)];
