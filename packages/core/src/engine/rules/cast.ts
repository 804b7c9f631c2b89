/** Gradient of cast between float types: dy cast back. Casts to or from i32 carry no gradient. */
import { isFloat } from '../dtype.js';
import { type GradRule, at } from './rule.js';

export const castGrad: GradRule<'cast'> = ({ b, inputs, dy }) => {
  const x = at(inputs, 0);
  if (!isFloat(x.dtype) || !isFloat(dy.dtype)) return [undefined];
  return [x.dtype === dy.dtype ? dy : b.cast(dy, x.dtype)];
};
