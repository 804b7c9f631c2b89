/** Gradient of tanh: dy·(1 − y²), reusing the output. */
import type { GradRule } from './rule.js';

export const tanhGrad: GradRule<'tanh'> = ({ b, output, dy }) => [b.mul(dy, b.sub(1, b.mul(output, output)))];
