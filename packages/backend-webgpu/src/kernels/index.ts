/**
 * The WebGPU kernel table: a Record over every op kind, so an op added to core without a kernel here
 * is a compile error. Primitives must have a kernel; a composite maps to its fused kernel or to null,
 * which means "not claimed": `prepareForBackend` decomposes it into primitives before compile.
 * Every forward composite is fused, and geluGrad, softmaxGrad and logSoftmaxGrad, and the AdamW
 * composites (adamMoment, adamwParam: one pass each per tensor); layerNormGrad and
 * attentionGrad (packed multi-gradient outputs) are null for now, so they run as their decompositions. Not a registry: nothing is added at run time.
 */
import { COMPOSITE_KINDS, type CompositeKind, type PrimitiveKind } from '@repurpose/core/engine';
import { adamMomentKernel } from './adam-moment.js';
import { adamwParamKernel } from './adamw-param.js';
import { addKernel } from './add.js';
import { attentionKernel } from './attention.js';
import { broadcastKernel } from './broadcast.js';
import { castKernel } from './cast.js';
import { compareKernel } from './compare.js';
import { concatKernel } from './concat.js';
import { constantKernel } from './constant.js';
import { divKernel } from './div.js';
import { erfKernel } from './erf.js';
import { expKernel } from './exp.js';
import { fillKernel } from './fill.js';
import { gatherKernel } from './gather.js';
import { geluKernel } from './gelu.js';
import { geluGradKernel } from './gelu-grad.js';
import { iotaKernel } from './iota.js';
import type { WebGpuKernel } from './kernel.js';
import { layerNormKernel } from './layer-norm.js';
import { logKernel } from './log.js';
import { logSoftmaxKernel } from './log-softmax.js';
import { logSoftmaxGradKernel } from './log-softmax-grad.js';
import { matmulKernel } from './matmul.js';
import { maxKernel } from './max.js';
import { maximumKernel } from './maximum.js';
import { meanKernel } from './mean.js';
import { mulKernel } from './mul.js';
import { negKernel } from './neg.js';
import { padKernel } from './pad.js';
import { reshapeKernel } from './reshape.js';
import { rsqrtKernel } from './rsqrt.js';
import { scatterAddKernel } from './scatter-add.js';
import { sliceKernel } from './slice.js';
import { softmaxKernel } from './softmax.js';
import { softmaxGradKernel } from './softmax-grad.js';
import { sqrtKernel } from './sqrt.js';
import { subKernel } from './sub.js';
import { sumKernel } from './sum.js';
import { tanhKernel } from './tanh.js';
import { transposeKernel } from './transpose.js';
import { whereKernel } from './where.js';

export type KernelTable = { readonly [K in PrimitiveKind]: WebGpuKernel<K> } & { readonly [K in CompositeKind]: WebGpuKernel<K> | null };

export const KERNELS: KernelTable = {
  constant: constantKernel,
  fill: fillKernel,
  iota: iotaKernel,
  add: addKernel,
  sub: subKernel,
  mul: mulKernel,
  div: divKernel,
  maximum: maximumKernel,
  compare: compareKernel,
  neg: negKernel,
  exp: expKernel,
  log: logKernel,
  sqrt: sqrtKernel,
  rsqrt: rsqrtKernel,
  tanh: tanhKernel,
  erf: erfKernel,
  cast: castKernel,
  where: whereKernel,
  matmul: matmulKernel,
  sum: sumKernel,
  max: maxKernel,
  mean: meanKernel,
  reshape: reshapeKernel,
  transpose: transposeKernel,
  broadcast: broadcastKernel,
  slice: sliceKernel,
  pad: padKernel,
  concat: concatKernel,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  layerNorm: layerNormKernel,
  gelu: geluKernel,
  attention: attentionKernel,
  geluGrad: geluGradKernel,
  softmaxGrad: softmaxGradKernel,
  logSoftmaxGrad: logSoftmaxGradKernel,
  // Not fused yet (packed multi-gradient outputs): prepareForBackend decomposes them into primitives.
  layerNormGrad: null,
  attentionGrad: null,
  adamMoment: adamMomentKernel,
  adamwParam: adamwParamKernel,
};

/** The composites this backend runs fused (the rest are decomposed before compile). */
export const FUSED_COMPOSITES: readonly CompositeKind[] = COMPOSITE_KINDS.filter((k) => KERNELS[k] !== null);
