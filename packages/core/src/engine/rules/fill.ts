/** fill is a source (no inputs), so there is nothing to differentiate. */
import { type GradRule, noGradient } from './rule.js';

export const fillGrad: GradRule<'fill'> = noGradient;
