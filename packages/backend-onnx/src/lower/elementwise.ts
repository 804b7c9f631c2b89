/**
 * Elementwise ops: binary arithmetic (ONNX broadcasts with numpy rules, as we do), comparisons as
 * i32 0/1 (ONNX yields bool; a Cast makes it i32), unary math, cast and where. Semantics that need care:
 * i32 `div` truncates toward zero — ORT's integer Div is C division, which does; `cast` float→i32
 * truncates (ORT's Cast is a C conversion); `where` treats any nonzero condition as true (Cast to bool);
 * `rsqrt` is Reciprocal∘Sqrt, rounding like the reference's 1/√x.
 */
import type { Comparison, GraphNodeOf } from '@repurpose/core/engine';
import { ELEM_TYPE } from '../onnx/proto.js';
import { arg, type Lowering, type LowerContext } from './lowering.js';

const binary =
  (opType: string) =>
  (ctx: LowerContext, _node: unknown, inputs: readonly string[]): string =>
    ctx.emit.op(opType, [arg(inputs, 0), arg(inputs, 1)]);

const unary =
  (opType: string) =>
  (ctx: LowerContext, _node: unknown, inputs: readonly string[]): string =>
    ctx.emit.op(opType, [arg(inputs, 0)]);

export const lowerAdd: Lowering<'add'> = binary('Add');
export const lowerSub: Lowering<'sub'> = binary('Sub');
export const lowerMul: Lowering<'mul'> = binary('Mul');
export const lowerDiv: Lowering<'div'> = binary('Div');
export const lowerMaximum: Lowering<'maximum'> = binary('Max');

const COMPARE_OPS: Readonly<Record<Comparison, string>> = { eq: 'Equal', ne: 'Equal', lt: 'Less', le: 'LessOrEqual', gt: 'Greater', ge: 'GreaterOrEqual' };

export const lowerCompare: Lowering<'compare'> = (ctx, node: GraphNodeOf<'compare'>, inputs) => {
  let b = ctx.emit.op(COMPARE_OPS[node.attrs.cmp], [arg(inputs, 0), arg(inputs, 1)]);
  if (node.attrs.cmp === 'ne') b = ctx.emit.op('Not', [b]);
  return ctx.emit.op('Cast', [b], { to: ELEM_TYPE.i32 });
};

export const lowerNeg: Lowering<'neg'> = unary('Neg');
export const lowerExp: Lowering<'exp'> = unary('Exp');
export const lowerLog: Lowering<'log'> = unary('Log');
export const lowerSqrt: Lowering<'sqrt'> = unary('Sqrt');
export const lowerTanh: Lowering<'tanh'> = unary('Tanh');
export const lowerRsqrt: Lowering<'rsqrt'> = (ctx, _node, inputs) => ctx.emit.op('Reciprocal', [ctx.emit.op('Sqrt', [arg(inputs, 0)])]);

export const lowerCast: Lowering<'cast'> = (ctx, node, inputs) => ctx.emit.op('Cast', [arg(inputs, 0)], { to: ELEM_TYPE[node.attrs.dtype] });

export const lowerWhere: Lowering<'where'> = (ctx, _node, inputs) => {
  const cond = ctx.emit.op('Cast', [arg(inputs, 0)], { to: ELEM_TYPE.bool });
  return ctx.emit.op('Where', [cond, arg(inputs, 1), arg(inputs, 2)]);
};
