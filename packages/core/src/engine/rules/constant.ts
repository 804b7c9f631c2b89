/** constant is a source (no inputs), so there is nothing to differentiate. */
import { type GradRule, noGradient } from './rule.js';

export const constantGrad: GradRule<'constant'> = noGradient;
