/**
 * Reductions: ReduceSum / ReduceMax / ReduceMean with `axes` as an int64 input (opset 18+) and
 * keepdims. An empty axis list reduces nothing (ONNX would reduce everything), so it is an Identity.
 */
import type { OpAttrs } from '@repurpose/core/engine';
import { arg, type LowerContext } from './lowering.js';
import type { Lowering } from './lowering.js';

const reduce =
  (opType: string) =>
  (ctx: LowerContext, node: { readonly attrs: OpAttrs['sum'] }, inputs: readonly string[]): string => {
    const { axes, keepDims } = node.attrs;
    if (axes.length === 0) return ctx.emit.op('Identity', [arg(inputs, 0)]);
    return ctx.emit.op(opType, [arg(inputs, 0), ctx.emit.int64s(axes)], { keepdims: keepDims ? 1 : 0 });
  };

export const lowerSum: Lowering<'sum'> = reduce('ReduceSum');
export const lowerMax: Lowering<'max'> = reduce('ReduceMax');
export const lowerMean: Lowering<'mean'> = reduce('ReduceMean');
