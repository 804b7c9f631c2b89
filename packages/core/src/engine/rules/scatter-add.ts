/** Gradient of scatterAdd: each update gets the dy row it was added to (a gather); none to ids. */
import { type GradRule, at } from './rule.js';

export const scatterAddGrad: GradRule<'scatterAdd'> = ({ b, inputs, dy }) => [undefined, b.gather(dy, at(inputs, 0))];
