/** Gradient of sum: dy broadcast back over the reduced axes. */
import { type GradRule, at } from './rule.js';
import { expandReduced } from './unbroadcast.js';

export const sumGrad: GradRule<'sum'> = ({ b, node, inputs, dy }) => [
  expandReduced(b, dy, at(inputs, 0).shape, node.attrs.axes, node.attrs.keepDims),
];
