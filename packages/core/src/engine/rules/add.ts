/** Gradient of add: dy to both operands, summed back over broadcast axes. */
import { type GradRule, at } from './rule.js';
import { unbroadcast } from './unbroadcast.js';

export const addGrad: GradRule<'add'> = ({ b, inputs, dy, wants }) => [
  wants[0] ? unbroadcast(b, dy, at(inputs, 0).shape) : undefined,
  wants[1] ? unbroadcast(b, dy, at(inputs, 1).shape) : undefined,
];
