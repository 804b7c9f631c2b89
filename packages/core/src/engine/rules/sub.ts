/** Gradient of sub: dy and −dy, summed back over broadcast axes. */
import { type GradRule, at } from './rule.js';
import { unbroadcast } from './unbroadcast.js';

export const subGrad: GradRule<'sub'> = ({ b, inputs, dy, wants }) => [
  wants[0] ? unbroadcast(b, dy, at(inputs, 0).shape) : undefined,
  wants[1] ? unbroadcast(b, b.neg(dy), at(inputs, 1).shape) : undefined,
];
