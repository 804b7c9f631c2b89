/**
 * GRAD_RULES: one entry per op, exhaustive by type. Primitives must have a rule; a composite has its
 * own rule or 'decompose' (differentiate through its decomposition — `grad` expands it first).
 * The forward composites (gelu, softmax, logSoftmax, layerNorm, attention) each emit their backward
 * composite (geluGrad, …, attentionGrad), so a backend that claims a composite fused also gets its
 * backward as one node. The backward composites themselves are 'decompose': a second-order gradient
 * (grad of a grad graph) differentiates through their decompositions, which is correct, merely not
 * fused; nothing in this library takes one today.
 */
import type { CompositeKind, PrimitiveKind } from '../ops.js';
import { addGrad } from './add.js';
import { attentionGrad } from './attention.js';
import { broadcastGrad } from './broadcast.js';
import { castGrad } from './cast.js';
import { compareGrad } from './compare.js';
import { concatGrad } from './concat.js';
import { constantGrad } from './constant.js';
import { divGrad } from './div.js';
import { erfGrad } from './erf.js';
import { expGrad } from './exp.js';
import { fillGrad } from './fill.js';
import { gatherGrad } from './gather.js';
import { geluGrad } from './gelu.js';
import { iotaGrad } from './iota.js';
import { layerNormGrad } from './layer-norm.js';
import { logSoftmaxGrad } from './log-softmax.js';
import { logGrad } from './log.js';
import { maxGrad } from './max.js';
import { maximumGrad } from './maximum.js';
import { meanGrad } from './mean.js';
import { matmulGrad } from './matmul.js';
import { mulGrad } from './mul.js';
import { negGrad } from './neg.js';
import { padGrad } from './pad.js';
import { reshapeGrad } from './reshape.js';
import { rsqrtGrad } from './rsqrt.js';
import type { GradRule } from './rule.js';
import { scatterAddGrad } from './scatter-add.js';
import { sliceGrad } from './slice.js';
import { softmaxGrad } from './softmax.js';
import { sqrtGrad } from './sqrt.js';
import { subGrad } from './sub.js';
import { sumGrad } from './sum.js';
import { tanhGrad } from './tanh.js';
import { transposeGrad } from './transpose.js';
import { whereGrad } from './where.js';

export type { GradContext, GradRule } from './rule.js';

export type GradRules = { readonly [K in PrimitiveKind]: GradRule<K> } & {
  readonly [K in CompositeKind]: GradRule<K> | 'decompose';
};

export const GRAD_RULES: GradRules = {
  constant: constantGrad,
  fill: fillGrad,
  iota: iotaGrad,
  add: addGrad,
  sub: subGrad,
  mul: mulGrad,
  div: divGrad,
  maximum: maximumGrad,
  compare: compareGrad,
  neg: negGrad,
  exp: expGrad,
  log: logGrad,
  sqrt: sqrtGrad,
  rsqrt: rsqrtGrad,
  tanh: tanhGrad,
  erf: erfGrad,
  cast: castGrad,
  where: whereGrad,
  matmul: matmulGrad,
  sum: sumGrad,
  max: maxGrad,
  mean: meanGrad,
  reshape: reshapeGrad,
  transpose: transposeGrad,
  broadcast: broadcastGrad,
  slice: sliceGrad,
  pad: padGrad,
  concat: concatGrad,
  gather: gatherGrad,
  scatterAdd: scatterAddGrad,
  softmax: softmaxGrad,
  logSoftmax: logSoftmaxGrad,
  layerNorm: layerNormGrad,
  gelu: geluGrad,
  attention: attentionGrad,
  geluGrad: 'decompose',
  softmaxGrad: 'decompose',
  logSoftmaxGrad: 'decompose',
  layerNormGrad: 'decompose',
  attentionGrad: 'decompose',
  adamMoment: 'decompose',
  adamwParam: 'decompose',
};
