/**
 * The composites this backend claims, each as one ONNX op or a short chain: softmax → Softmax,
 * logSoftmax → LogSoftmax, layerNorm → LayerNormalization (last axis, biased variance, as ours),
 * gelu → Gelu (opset 20, exact), attention → MatMul · scale, masked by Where with the dtype's lowest
 * finite value (as the reference does, so a fully masked row averages v instead of producing NaN),
 * Softmax, MatMul. The causal mask is a bool initializer computed here. Ops whose ORT CPU kernel lacks
 * f64 (Gelu, Erf) are spelled out in standard ops for f64 (see erf.ts).
 */
import { type FloatDType, lowestFinite } from '@repurpose/core/engine';
import { ELEM_TYPE } from '../onnx/proto.js';
import { lowerErf } from './erf.js';
import type { LowerContext } from './lowering.js';
import { arg, type Lowering } from './lowering.js';

/** ONNX ops whose ORT 1.30 CPU kernels exist for float only (probed; see composites.test.ts). */
export const F32_ONLY_OPS: ReadonlySet<string> = new Set(['Gelu']);

export const lowerSoftmax: Lowering<'softmax'> = (ctx, node, inputs) => ctx.emit.op('Softmax', [arg(inputs, 0)], { axis: node.attrs.axis });

export const lowerLogSoftmax: Lowering<'logSoftmax'> = (ctx, node, inputs) => ctx.emit.op('LogSoftmax', [arg(inputs, 0)], { axis: node.attrs.axis });

export const lowerLayerNorm: Lowering<'layerNorm'> = (ctx, node, inputs) =>
  ctx.emit.op('LayerNormalization', [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)], { axis: -1, epsilon: { float: node.attrs.eps }, stash_type: 1 });

/** x/2 · (1 + erf(x/√2)), in the tensor's dtype. */
function geluPrimitives(ctx: LowerContext, x: string, dtype: FloatDType): string {
  const e = ctx.emit;
  const scaled = e.op('Mul', [x, e.scalar(dtype, Math.SQRT1_2)]);
  const erf = lowerErf(ctx, { type: { dtype, shape: [] } } as never, [scaled]);
  return e.op('Mul', [e.op('Mul', [x, e.scalar(dtype, 0.5)]), e.op('Add', [erf, e.scalar(dtype, 1)])]);
}

export const lowerGelu: Lowering<'gelu'> = (ctx, node, inputs) => {
  const dtype = node.type.dtype as FloatDType;
  if (dtype === 'f64' && F32_ONLY_OPS.has('Gelu')) return geluPrimitives(ctx, arg(inputs, 0), dtype);
  return ctx.emit.op('Gelu', [arg(inputs, 0)], { approximate: 'none' });
};

export const lowerAttention: Lowering<'attention'> = (ctx, node, inputs) => {
  const e = ctx.emit;
  const [q, k, v] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
  const dtype = node.type.dtype as FloatDType;
  const qShape = ctx.typeOf(node.inputs[0]!).shape;
  const kShape = ctx.typeOf(node.inputs[1]!).shape;
  const rank = kShape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  let scores = e.op('Mul', [e.op('MatMul', [q, e.op('Transpose', [k], { perm })]), e.scalar(dtype, node.attrs.scale)]);
  const lowest = e.scalar(dtype, lowestFinite(dtype));
  if (node.attrs.causal) {
    const t = qShape[qShape.length - 2]!;
    const s = kShape[rank - 2]!;
    const allowed = new Uint8Array(t * s);
    for (let i = 0; i < t; i++) for (let j = 0; j < s; j++) allowed[i * s + j] = j <= i + s - t ? 1 : 0;
    scores = e.op('Where', [e.tensor('bool', [t, s], allowed), scores, lowest]);
  }
  if (inputs[3] !== undefined) {
    const mask = e.op('Cast', [inputs[3]], { to: ELEM_TYPE.bool });
    scores = e.op('Where', [mask, scores, lowest]);
  }
  return e.op('MatMul', [e.op('Softmax', [scores], { axis: -1 }), v]);
};
