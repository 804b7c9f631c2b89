/** compare has no gradient: its output is i32, so it is never on a loss→wrt path. */
import { type GradRule, noGradient } from './rule.js';

export const compareGrad: GradRule<'compare'> = noGradient;
