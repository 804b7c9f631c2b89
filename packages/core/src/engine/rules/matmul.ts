/**
 * Gradient of matmul Y = op(A)·op(B), op = optional transpose of the last two axes:
 *   d op(A) = dY·op(B)ᵀ,  d op(B) = op(A)ᵀ·dY, each written as one matmul with transpose flags.
 * Broadcast batch dims are summed back. When B is a plain rank-2 weight shared over A's batch dims
 * (every Linear layer), dB folds the batch into M instead: one [K, B·T]·[B·T, N] matmul rather than a
 * batched product and a sum — same FLOPs, no [B, K, N] temporary.
 */
import type { Tensor } from '../builder.js';
import { type GradRule, at } from './rule.js';
import { unbroadcast } from './unbroadcast.js';

export const matmulGrad: GradRule<'matmul'> = ({ b, node, inputs, dy, wants }) => {
  const { transposeA: ta, transposeB: tb } = node.attrs;
  const a = at(inputs, 0);
  const w = at(inputs, 1);

  const gradA = (): Tensor =>
    ta
      ? unbroadcast(b, b.matmul(w, dy, { transposeA: tb, transposeB: true }), a.shape)
      : unbroadcast(b, b.matmul(dy, w, { transposeB: !tb }), a.shape);

  const gradB = (): Tensor => {
    if (w.rank === 2 && a.rank > 2 && !ta) {
      const k = a.shape[a.rank - 1]!;
      const n = dy.shape[dy.rank - 1]!;
      const a2 = b.reshape(a, [-1, k]);
      const dy2 = b.reshape(dy, [-1, n]);
      return tb ? b.matmul(dy2, a2, { transposeA: true }) : b.matmul(a2, dy2, { transposeA: true });
    }
    return tb
      ? unbroadcast(b, b.matmul(dy, a, { transposeA: true, transposeB: ta }), w.shape)
      : unbroadcast(b, b.matmul(a, dy, { transposeA: !ta }), w.shape);
  };

  return [wants[0] ? gradA() : undefined, wants[1] ? gradB() : undefined];
};
