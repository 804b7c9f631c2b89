/**
 * Gradient of exact GELU: one geluGrad composite, so a backend that runs gelu fused can run its
 * backward fused too (the formula is in decompositions/gelu-grad.ts).
 */
import { type GradRule, at } from './rule.js';

export const geluGrad: GradRule<'gelu'> = ({ b, inputs, dy }) => [b.node('geluGrad', [at(inputs, 0), dy], {})];
