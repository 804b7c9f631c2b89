/** Gradient of where: dy flows to the branch that was selected, zero to the other; none to cond. */
import { type GradRule, at } from './rule.js';
import { unbroadcast } from './unbroadcast.js';

export const whereGrad: GradRule<'where'> = ({ b, inputs, dy, wants }) => {
  const cond = at(inputs, 0);
  return [
    undefined,
    wants[1] ? unbroadcast(b, b.where(cond, dy, 0), at(inputs, 1).shape) : undefined,
    wants[2] ? unbroadcast(b, b.where(cond, 0, dy), at(inputs, 2).shape) : undefined,
  ];
};
