/**
 * Gradient of maximum: dy goes to the larger operand; on a tie each gets half, as torch does, so the
 * sum of both gradients is still dy.
 */
import type { Tensor } from '../builder.js';
import { type GradRule, at } from './rule.js';
import { unbroadcast } from './unbroadcast.js';

export const maximumGrad: GradRule<'maximum'> = ({ b, inputs, dy, wants }) => {
  const x = at(inputs, 0);
  const y = at(inputs, 1);
  const share = (winner: Tensor, loser: Tensor) => {
    const wins = b.cast(b.compare(winner, loser, 'gt'), dy.dtype);
    const ties = b.cast(b.equal(winner, loser), dy.dtype);
    return b.mul(dy, b.add(wins, b.mul(ties, 0.5)));
  };
  return [
    wants[0] ? unbroadcast(b, share(x, y), x.shape) : undefined,
    wants[1] ? unbroadcast(b, share(y, x), y.shape) : undefined,
  ];
};
