/** Gradient of exact GELU, its own rule: d/dx x·Φ(x) = Φ(x) + x·φ(x), φ the standard normal pdf. */
import { type GradRule, at } from './rule.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export const geluGrad: GradRule<'gelu'> = ({ b, inputs, dy }) => {
  const x = at(inputs, 0);
  const cdf = b.add(b.mul(b.erf(b.mul(x, Math.SQRT1_2)), 0.5), 0.5);
  const pdf = b.mul(b.exp(b.mul(b.mul(x, x), -0.5)), INV_SQRT_2PI);
  return [b.mul(dy, b.add(cdf, b.mul(x, pdf)))];
};
