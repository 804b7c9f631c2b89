/**
 * `matmul` with optional transposes of the last two axes. Both operands rank ≥ 2, batch dims
 * broadcast (ONNX MatMul broadcasts them the same way). A transposed operand becomes a Transpose of
 * its last two axes feeding MatMul; ORT's optimiser fuses Transpose+MatMul into FusedMatMul on the CPU
 * EP at session creation, so the model stays standard ONNX.
 */
import type { LowerContext } from './lowering.js';
import { arg, type Lowering } from './lowering.js';

function swapLast(ctx: LowerContext, name: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return ctx.emit.op('Transpose', [name], { perm });
}

export const lowerMatmul: Lowering<'matmul'> = (ctx, node, inputs) => {
  let a = arg(inputs, 0);
  let b = arg(inputs, 1);
  if (node.attrs.transposeA) a = swapLast(ctx, a, ctx.typeOf(node.inputs[0]!).shape.length);
  if (node.attrs.transposeB) b = swapLast(ctx, b, ctx.typeOf(node.inputs[1]!).shape.length);
  return ctx.emit.op('MatMul', [a, b]);
};
