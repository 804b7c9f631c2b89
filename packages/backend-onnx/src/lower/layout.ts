/**
 * Layout ops: reshape (resolved shapes only, so no -1 reaches ONNX), transpose, broadcast (Expand),
 * slice (step 1 on every axis), pad (constant mode, value cast to the tensor's dtype) and concat.
 */
import { arg, type Lowering } from './lowering.js';

export const lowerReshape: Lowering<'reshape'> = (ctx, node, inputs) => ctx.emit.op('Reshape', [arg(inputs, 0), ctx.emit.int64s(node.type.shape)]);

export const lowerTranspose: Lowering<'transpose'> = (ctx, node, inputs) => ctx.emit.op('Transpose', [arg(inputs, 0)], { perm: node.attrs.perm });

export const lowerBroadcast: Lowering<'broadcast'> = (ctx, node, inputs) => ctx.emit.op('Expand', [arg(inputs, 0), ctx.emit.int64s(node.attrs.shape)]);

export const lowerSlice: Lowering<'slice'> = (ctx, node, inputs) => {
  const { starts, ends } = node.attrs;
  const axes = starts.map((_, i) => i);
  return ctx.emit.op('Slice', [arg(inputs, 0), ctx.emit.int64s(starts), ctx.emit.int64s(ends), ctx.emit.int64s(axes)]);
};

export const lowerPad: Lowering<'pad'> = (ctx, node, inputs) => {
  const { before, after, value } = node.attrs;
  return ctx.emit.op('Pad', [arg(inputs, 0), ctx.emit.int64s([...before, ...after]), ctx.emit.scalar(node.type.dtype, value)], { mode: 'constant' });
};

export const lowerConcat: Lowering<'concat'> = (ctx, node, inputs) => (inputs.length === 1 ? ctx.emit.op('Identity', [arg(inputs, 0)]) : ctx.emit.op('Concat', [...inputs], { axis: node.attrs.axis }));
