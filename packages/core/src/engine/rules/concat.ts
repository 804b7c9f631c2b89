/** Gradient of concat: each input gets its slice of dy along the axis. */
import type { GradRule } from './rule.js';

export const concatGrad: GradRule<'concat'> = ({ b, node, inputs, dy, wants }) => {
  const axis = node.attrs.axis;
  let offset = 0;
  return inputs.map((x, i) => {
    const start = offset;
    offset += x.shape[axis]!;
    return wants[i] ? b.sliceAxis(dy, axis, start, offset) : undefined;
  });
};
