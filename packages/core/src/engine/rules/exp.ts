/** Gradient of exp: dy·eˣ, reusing the output instead of saving x. */
import type { GradRule } from './rule.js';

export const expGrad: GradRule<'exp'> = ({ b, output, dy }) => [b.mul(dy, output)];
