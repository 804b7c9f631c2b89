/**
 * Source ops: `constant` becomes an initializer; `fill` a cached scalar expanded to its shape (no
 * big literal in the model); `iota` a Range along its axis, reshaped and expanded. Not a constant
 * folder: ORT's graph optimiser folds what it can at session creation.
 */
import { sizeOf } from '@repurpose/core/engine';
import { typedArrayFor } from './emitter.js';
import type { Lowering } from './lowering.js';

export const lowerConstant: Lowering<'constant'> = (ctx, node) => {
  const { values, shape, dtype } = node.attrs;
  if (sizeOf(shape) <= 16) return ctx.emit.constant(dtype, shape, values);
  return ctx.emit.tensor(dtype, shape, typedArrayFor(dtype, values));
};

export const lowerFill: Lowering<'fill'> = (ctx, node) => {
  const { value, shape, dtype } = node.attrs;
  const scalar = ctx.emit.scalar(dtype, value);
  return shape.length === 0 ? scalar : ctx.emit.op('Expand', [scalar, ctx.emit.int64s(shape)]);
};

export const lowerIota: Lowering<'iota'> = (ctx, node) => {
  const { shape, axis, dtype } = node.attrs;
  const n = shape[axis]!;
  const range = ctx.emit.op('Range', [ctx.emit.scalar(dtype, 0), ctx.emit.scalar(dtype, n), ctx.emit.scalar(dtype, 1)]);
  const along = shape.map((d, i) => (i === axis ? d : 1));
  const shaped = ctx.emit.op('Reshape', [range, ctx.emit.int64s(along)]);
  return ctx.emit.op('Expand', [shaped, ctx.emit.int64s(shape)]);
};
