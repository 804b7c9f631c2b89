/**
 * The lowering table: one entry per op kind of the closed op table, so a kind without a lowering is
 * a compile error. The forward composites map to ONNX ops (composites.ts); the backward ones lower
 * through their decomposition (decomposed.ts).
 */
import type { OpKind } from '@repurpose/core/engine';
import { lowerAttention, lowerGelu, lowerLayerNorm, lowerLogSoftmax, lowerSoftmax } from './composites.js';
import {
  lowerAdd,
  lowerCast,
  lowerCompare,
  lowerDiv,
  lowerExp,
  lowerLog,
  lowerMaximum,
  lowerMul,
  lowerNeg,
  lowerRsqrt,
  lowerSqrt,
  lowerSub,
  lowerTanh,
  lowerWhere,
} from './elementwise.js';
import { lowerViaDecomposition } from './decomposed.js';
import { lowerErf } from './erf.js';
import { lowerGather, lowerScatterAdd } from './indexing.js';
import { lowerBroadcast, lowerConcat, lowerPad, lowerReshape, lowerSlice, lowerTranspose } from './layout.js';
import type { Lowering } from './lowering.js';
import { lowerMatmul } from './matmul.js';
import { lowerMax, lowerMean, lowerSum } from './reduce.js';
import { lowerConstant, lowerFill, lowerIota } from './sources.js';

export const LOWERINGS: { readonly [K in OpKind]: Lowering<K> } = {
  constant: lowerConstant,
  fill: lowerFill,
  iota: lowerIota,
  add: lowerAdd,
  sub: lowerSub,
  mul: lowerMul,
  div: lowerDiv,
  maximum: lowerMaximum,
  compare: lowerCompare,
  neg: lowerNeg,
  exp: lowerExp,
  log: lowerLog,
  sqrt: lowerSqrt,
  rsqrt: lowerRsqrt,
  tanh: lowerTanh,
  erf: lowerErf,
  cast: lowerCast,
  where: lowerWhere,
  matmul: lowerMatmul,
  sum: lowerSum,
  max: lowerMax,
  mean: lowerMean,
  reshape: lowerReshape,
  transpose: lowerTranspose,
  broadcast: lowerBroadcast,
  slice: lowerSlice,
  pad: lowerPad,
  concat: lowerConcat,
  gather: lowerGather,
  scatterAdd: lowerScatterAdd,
  softmax: lowerSoftmax,
  logSoftmax: lowerLogSoftmax,
  layerNorm: lowerLayerNorm,
  gelu: lowerGelu,
  attention: lowerAttention,
  geluGrad: lowerViaDecomposition,
  adamMoment: lowerViaDecomposition,
  adamwParam: lowerViaDecomposition,
  softmaxGrad: lowerViaDecomposition,
  logSoftmaxGrad: lowerViaDecomposition,
  layerNormGrad: lowerViaDecomposition,
  attentionGrad: lowerViaDecomposition,
};

export type { Lowering, LowerContext } from './lowering.js';
