/**
 * Helpers every broadcasting rule needs: `unbroadcast` sums a gradient over the axes numpy
 * broadcasting added or stretched, back to the operand's shape; `expandReduced` is the reverse of a
 * reduction (reshape to keepDims form, broadcast back). Not rules themselves.
 */
import type { GraphBuilder, Tensor } from '../builder.js';
import { type Shape, reducedShape, sameShape } from '../shape.js';

export function unbroadcast(b: GraphBuilder, g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? b.sum(g, axes) : g;
  return sameShape(summed.shape, shape) ? summed : b.reshape(summed, shape);
}

export function expandReduced(b: GraphBuilder, dy: Tensor, inputShape: Shape, axes: readonly number[], keepDims: boolean): Tensor {
  const kept = keepDims ? dy : b.reshape(dy, reducedShape(inputShape, axes, true));
  return sameShape(kept.shape, inputShape) ? kept : b.broadcast(kept, inputShape);
}
