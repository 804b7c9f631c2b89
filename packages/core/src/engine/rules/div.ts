/** Gradient of div y = a/b: dy/b for a; −dy·a/b² = −dy·y/b for b (reuses the output). */
import { type GradRule, at } from './rule.js';
import { unbroadcast } from './unbroadcast.js';

export const divGrad: GradRule<'div'> = ({ b, inputs, output, dy, wants }) => {
  const num = at(inputs, 0);
  const den = at(inputs, 1);
  return [
    wants[0] ? unbroadcast(b, b.div(dy, den), num.shape) : undefined,
    wants[1] ? unbroadcast(b, b.neg(b.div(b.mul(dy, output), den)), den.shape) : undefined,
  ];
};
