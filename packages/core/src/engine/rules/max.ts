/**
 * Gradient of the max reduction: dy goes to the elements equal to the max, split evenly among ties
 * (as torch.amax does), so it is a proper subgradient and sums to dy.
 */
import { type GradRule, at } from './rule.js';
import { expandReduced } from './unbroadcast.js';

export const maxGrad: GradRule<'max'> = ({ b, node, inputs, output, dy }) => {
  const x = at(inputs, 0);
  const { axes, keepDims } = node.attrs;
  const hits = b.cast(b.equal(x, expandReduced(b, output, x.shape, axes, keepDims)), dy.dtype);
  const count = b.sum(hits, axes, { keepDims: true });
  return [b.mul(b.div(hits, count), expandReduced(b, dy, x.shape, axes, keepDims))];
};
