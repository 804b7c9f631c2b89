/** Gradient of log: dy/x. */
import { type GradRule, at } from './rule.js';

export const logGrad: GradRule<'log'> = ({ b, inputs, dy }) => [b.div(dy, at(inputs, 0))];
