/**
 * Indexing: `gather` is Gather on axis 0 (ORT rejects out-of-range ids instead of reading garbage);
 * `scatterAdd` is ScatterND with reduction "add" into zeros of [rows, ...] — linear in the number of
 * ids. A one-hot matmul would cost rows × ids × width multiply-adds (66 GFLOP for pythia-70m's
 * embedding gradient at batch 32 × 80 tokens), so it is not offered.
 */
import { ELEM_TYPE } from '../onnx/proto.js';
import { arg, type Lowering } from './lowering.js';

export const lowerGather: Lowering<'gather'> = (ctx, _node, inputs) => ctx.emit.op('Gather', [arg(inputs, 0), arg(inputs, 1)], { axis: 0 });

export const lowerScatterAdd: Lowering<'scatterAdd'> = (ctx, node, inputs) => {
  const ids = arg(inputs, 0);
  const updates = arg(inputs, 1);
  const zero = ctx.emit.scalar(node.type.dtype, 0);
  const zeros = ctx.emit.op('Expand', [zero, ctx.emit.int64s(node.type.shape)]);
  const indices = ctx.emit.op('Unsqueeze', [ctx.emit.op('Cast', [ids], { to: ELEM_TYPE.i64 }), ctx.emit.int64s([-1])]);
  return ctx.emit.op('ScatterND', [zeros, indices, updates], { reduction: 'add' });
};
