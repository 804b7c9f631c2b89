/** Gradient of gather (embedding lookup): dy scatter-added into the table's rows; none to ids. */
import { type GradRule, at } from './rule.js';

export const gatherGrad: GradRule<'gather'> = ({ b, inputs, dy }) => {
  const table = at(inputs, 0);
  return [b.scatterAdd(at(inputs, 1), dy, table.shape[0]!), undefined];
};
