/** Gradient of erf: dy·(2/√π)·e^(−x²). */
import { type GradRule, at } from './rule.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const erfGrad: GradRule<'erf'> = ({ b, inputs, dy }) => {
  const x = at(inputs, 0);
  return [b.mul(dy, b.mul(b.exp(b.neg(b.mul(x, x))), TWO_OVER_SQRT_PI))];
};
