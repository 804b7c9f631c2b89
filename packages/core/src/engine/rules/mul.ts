/** Gradient of mul: dy·b for a, dy·a for b — each saves only the other operand, and only if wanted. */
import { type GradRule, at } from './rule.js';
import { unbroadcast } from './unbroadcast.js';

export const mulGrad: GradRule<'mul'> = ({ b, inputs, dy, wants }) => {
  const x = at(inputs, 0);
  const y = at(inputs, 1);
  return [
    wants[0] ? unbroadcast(b, b.mul(dy, y), x.shape) : undefined,
    wants[1] ? unbroadcast(b, b.mul(dy, x), y.shape) : undefined,
  ];
};
