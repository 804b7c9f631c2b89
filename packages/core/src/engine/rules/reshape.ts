/** Gradient of reshape: dy reshaped back. */
import { type GradRule, at } from './rule.js';

export const reshapeGrad: GradRule<'reshape'> = ({ b, inputs, dy }) => [b.reshape(dy, at(inputs, 0).shape)];
